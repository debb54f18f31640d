// A misbehaving IPFS node for tests: an HTTP proxy in front of a Kubo RPC API (the js-ipfs test daemon)
// that corrupts what it returns, so the tests can check that mlchain re-hashes everything it reads.
//
//   node hostile-proxy.mjs PORT_FILE UPSTREAM_API_URL MODE
//
// Listens on a free loopback port and writes it to PORT_FILE (once listening). Modes:
//   pass          forward everything unchanged
//   flip-byte     flip the last byte of every content answer
//   truncate      send only the first half of every content answer (a well-formed, shorter HTTP body)
//   swap-block    answer every block read with another, valid block (the 6 bytes "hello\n")
//   drop          close the connection of every request without answering
//   drop-after:N  forward the first N requests, then drop every later one (a network gone half-way)
// Content answers are those of block/get, cat, dag/export and the gateway paths below; writes
// (add, block/put, dag/import, pin) and block/stat are always forwarded unchanged (except by drop).
//
// It is also a trustless gateway in front of that API: GET /ipfs/<cid>?format=raw is answered from
// block/get (Content-Type application/vnd.ipld.raw), ?format=car from dag/export
// (application/vnd.ipld.car) — js-ipfs 0.66.1's own gateway ignores format= and serves file contents.
//
// POST /__proxy/mode?mode=MODE switches the mode while it runs. Every action is logged on stderr.
import http from 'node:http'
import fs from 'node:fs'

const [portFile, upstreamArg, initialMode] = process.argv.slice(2)
if (!portFile || !upstreamArg || !initialMode) {
  process.stderr.write('usage: node hostile-proxy.mjs PORT_FILE UPSTREAM_API_URL MODE\n')
  process.exit(2)
}
const upstream = new URL(upstreamArg)
const modes = ['pass', 'flip-byte', 'truncate', 'swap-block', 'drop']
let mode
let dropAfter = Infinity
let served = 0

function setMode (text) {
  const after = /^drop-after:(\d+)$/.exec(text)
  if (after) {
    mode = 'pass'
    dropAfter = Number(after[1])
  } else if (modes.includes(text)) {
    mode = text
    dropAfter = Infinity
  } else {
    return false
  }
  served = 0
  return true
}
if (!setMode(initialMode)) {
  process.stderr.write(`hostile-proxy: unknown mode ${initialMode}\n`)
  process.exit(2)
}

const log = (message) => process.stderr.write(`hostile-proxy: ${message}\n`)
const contentCommands = ['/api/v0/block/get', '/api/v0/cat', '/api/v0/dag/export']
const otherBlock = Buffer.from('hello\n')

// Where a request goes upstream, and what kind of answer it gets.
function route (request) {
  const url = new URL(request.url, 'http://proxy')
  const gateway = /^\/ipfs\/([^/?]+)$/.exec(url.pathname)
  if (request.method === 'GET' && gateway) {
    const format = url.searchParams.get('format') ?? formatFromAccept(request.headers.accept ?? '')
    const command = format === 'car' ? 'dag/export' : 'block/get'
    return {
      path: `/api/v0/${command}?arg=${encodeURIComponent(gateway[1])}`,
      method: 'POST',
      content: true,
      block: command === 'block/get',
      contentType: format === 'car' ? 'application/vnd.ipld.car' : 'application/vnd.ipld.raw'
    }
  }
  return {
    path: url.pathname + url.search,
    method: request.method,
    content: contentCommands.includes(url.pathname),
    block: url.pathname === '/api/v0/block/get' || url.pathname === '/api/v0/cat'
  }
}

function formatFromAccept (accept) {
  if (accept.includes('application/vnd.ipld.car')) return 'car'
  return 'raw'
}

function tamper (body, target) {
  if (!target.content || mode === 'pass') return body
  if (mode === 'flip-byte' && body.length > 0) {
    const changed = Buffer.from(body)
    changed[changed.length - 1] ^= 0x01
    return changed
  }
  if (mode === 'truncate') return body.subarray(0, Math.floor(body.length / 2))
  if (mode === 'swap-block' && target.block) return otherBlock
  return body
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://proxy')
  if (url.pathname === '/__proxy/mode' && request.method === 'POST') {
    const ok = setMode(url.searchParams.get('mode') ?? '')
    log(`mode ${ok ? 'set to' : 'unknown:'} ${url.searchParams.get('mode')}`)
    response.writeHead(ok ? 200 : 400).end()
    return
  }
  served += 1
  if (mode === 'drop' || served > dropAfter) {
    log(`drop ${request.method} ${request.url}`)
    request.socket.destroy()
    return
  }
  const target = route(request)
  const headers = { ...request.headers, host: upstream.host }
  if (target.method !== request.method) {
    delete headers['content-length']
    delete headers.accept
  }
  const forward = http.request({
    hostname: upstream.hostname,
    port: upstream.port,
    path: target.path,
    method: target.method,
    headers
  }, (answer) => {
    const chunks = []
    answer.on('data', (chunk) => chunks.push(chunk))
    answer.on('end', () => {
      const original = Buffer.concat(chunks)
      const ok = answer.statusCode >= 200 && answer.statusCode < 300
      const body = ok ? tamper(original, target) : original
      if (body !== original) log(`${mode} ${request.method} ${request.url}: ${original.length} -> ${body.length} bytes`)
      const out = { ...answer.headers }
      delete out['content-length']
      delete out['transfer-encoding']
      delete out.trailer
      if (target.contentType && ok) out['content-type'] = target.contentType
      out['content-length'] = String(body.length)
      response.writeHead(answer.statusCode, out)
      response.end(body)
    })
    answer.on('error', () => response.destroy())
  })
  forward.on('error', (error) => {
    log(`upstream ${upstream.href}: ${error.message}`)
    response.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream unreachable: ${error.message}\n`)
  })
  if (target.method === request.method) {
    request.pipe(forward)
  } else {
    request.resume()
    forward.end()
  }
})

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address()
  fs.writeFileSync(`${portFile}.tmp`, `${port}\n`)
  fs.renameSync(`${portFile}.tmp`, portFile)
  log(`listening on 127.0.0.1:${port}, upstream ${upstream.href}, mode ${initialMode}`)
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0))
