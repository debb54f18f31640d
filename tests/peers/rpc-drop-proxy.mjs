// A JSON-RPC proxy for the lost-response test: forwards every request to an Ethereum node (anvil) and
// relays its answer, except for eth_sendRawTransaction, whose request reaches the node but whose answer
// is thrown away and the client's connection closed — as when a network drops the response of a
// transaction that was in fact accepted. The client must then find its transaction, never send a second.
//
//   node rpc-drop-proxy.mjs PORT_FILE UPSTREAM_RPC_URL
//
// Listens on a free loopback port and writes it to PORT_FILE once listening. Logs each method on stderr
// ("forward eth_chainId", "dropped the answer to eth_sendRawTransaction").
import http from 'node:http'
import fs from 'node:fs'

const [portFile, upstreamArg] = process.argv.slice(2)
if (!portFile || !upstreamArg) {
  process.stderr.write('usage: node rpc-drop-proxy.mjs PORT_FILE UPSTREAM_RPC_URL\n')
  process.exit(2)
}
const upstream = new URL(upstreamArg)

const server = http.createServer((request, response) => {
  const chunks = []
  request.on('data', chunk => chunks.push(chunk))
  request.on('end', () => {
    const body = Buffer.concat(chunks)
    let method = '?'
    try {
      method = JSON.parse(body.toString()).method ?? '?'
    } catch {}
    const forward = http.request({
      host: upstream.hostname,
      port: upstream.port,
      path: upstream.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length }
    }, answer => {
      const answerChunks = []
      answer.on('data', chunk => answerChunks.push(chunk))
      answer.on('end', () => {
        if (method === 'eth_sendRawTransaction') {
          process.stderr.write(`dropped the answer to ${method}\n`)
          request.socket.destroy()
          return
        }
        process.stderr.write(`forward ${method}\n`)
        response.writeHead(answer.statusCode, { 'content-type': 'application/json' })
        response.end(Buffer.concat(answerChunks))
      })
    })
    forward.on('error', error => {
      process.stderr.write(`upstream error: ${error.message}\n`)
      request.socket.destroy()
    })
    forward.end(body)
  })
})

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile, String(server.address().port))
})
