// A TCP forwarder that counts bytes, for tests and benches that measure what mlchain sends to a node
// independently of mlchain's own report.
//
//   node counting-proxy.mjs PORT_FILE UPSTREAM_URL
//
// Listens on a free loopback port and writes it to PORT_FILE (once listening); every connection is
// forwarded byte for byte to UPSTREAM_URL's host and port. PORT_FILE.counts holds
// "<bytes to upstream> <bytes from upstream>" since the start, rewritten whenever a connection closes and
// every 50 ms while bytes move; a reader waits until no connection is open (a third field, the open
// connections, is 0).
import net from 'node:net'
import fs from 'node:fs'

const [portFile, upstreamArg] = process.argv.slice(2)
if (!portFile || !upstreamArg) {
  process.stderr.write('usage: node counting-proxy.mjs PORT_FILE UPSTREAM_URL\n')
  process.exit(2)
}
const upstream = new URL(upstreamArg)
let sent = 0
let received = 0
let open = 0
let dirty = false

function writeCounts() {
  dirty = false
  const temporary = `${portFile}.counts.tmp`
  fs.writeFileSync(temporary, `${sent} ${received} ${open}\n`)
  fs.renameSync(temporary, `${portFile}.counts`)
}
setInterval(() => { if (dirty) writeCounts() }, 50)

const server = net.createServer((client) => {
  ++open
  dirty = true
  const node = net.connect(Number(upstream.port), upstream.hostname)
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    --open
    client.destroy()
    node.destroy()
    writeCounts()
  }
  client.on('data', (chunk) => { sent += chunk.length; dirty = true })
  node.on('data', (chunk) => { received += chunk.length; dirty = true })
  client.pipe(node)
  node.pipe(client)
  client.on('close', close)
  node.on('close', close)
  client.on('error', close)
  node.on('error', close)
})
server.listen(0, '127.0.0.1', () => {
  writeCounts()
  fs.writeFileSync(portFile, String(server.address().port))
})
