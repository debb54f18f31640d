#!/usr/bin/env bash
# mlchain's HTTP client (net::HttpClient, through tests/interop/ipfs_tool) and the Kubo client's handling
# of broken answers, against a small Node.js http server started here (no mock of libcurl): keep-alive
# over one connection, a streamed (chunked) upload, the response size cap (collected and streamed),
# the bearer token, credentials kept out of messages, the total timeout, an error reported in a trailer
# after "200 OK", malformed JSON, an oversized block, and a refused connection.
set -euo pipefail
: "${MLCHAIN_IPFS_TOOL:?path of ipfs_tool}"
tool=$MLCHAIN_IPFS_TOOL
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
}
at_exit cleanup

cat > "$work/server.mjs" <<'JS'
import http from 'node:http'
import fs from 'node:fs'
let connections = 0
const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://server')
  let received = 0
  request.on('data', (chunk) => { received += chunk.length })
  request.on('end', () => {
    switch (url.pathname) {
      case '/connections': // how many TCP connections the server has seen so far
        return response.end(String(connections))
      case '/upload': // what arrived, and how
        return response.end(`${received} ${request.headers['transfer-encoding'] ?? 'length'}`)
      case '/auth':
        return response.end(request.headers.authorization ?? 'none')
      case '/big':
        return response.end(Buffer.alloc(1024 * 1024, 0x61))
      case '/fail':
        response.writeHead(500, { 'content-type': 'text/plain' })
        return response.end('boom\n\u0007 with\tcontrol characters')
      case '/hang':
        return // never answers
      case '/api/v0/block/get': // "200 OK", then the error as a trailer, as Kubo streams it
        response.writeHead(200, { 'content-type': 'application/octet-stream', trailer: 'X-Stream-Error' })
        response.write('partial')
        response.addTrailers({ 'X-Stream-Error': 'the block was lost half-way' })
        return response.end()
      case '/api/v0/add':
        return response.end('{"Name":"file","Hash": not json')
      case '/api/v0/block/stat':
        return response.end(JSON.stringify({ Key: 12, Size: 'x' }))
      default:
        response.writeHead(404).end('no such path')
    }
  })
})
server.on('connection', () => { connections += 1 })
server.listen(0, '127.0.0.1', () => fs.writeFileSync(process.argv[2], String(server.address().port)))
JS
node "$work/server.mjs" "$work/port" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "the test server did not start"
base="http://127.0.0.1:$(cat "$work/port")"
echo "test server: $base"

echo "keep-alive: three requests on one client, one connection"
expect_exit 0 "$tool" http GET "$base/connections" --repeat 3
[ "$(printf '%s\n' "$out" | sed -n 4p)" = 1 ] || fail "three requests opened several connections: $out"

echo "streamed upload of unknown length goes chunked"
expect_exit 0 "$tool" http POST "$base/upload" --chunked 3000000
[ "$(printf '%s\n' "$out" | sed -n 2p)" = "3000000 chunked" ] || fail "chunked upload: $out"

echo "the response cap"
expect_exit 0 "$tool" http GET "$base/big" --cap 1048576
expect_exit 4 "$tool" http GET "$base/big" --cap 1000
[[ "$err" == *"exceeds 1000 bytes"* ]] || fail "cap message: $err"
expect_exit 0 "$tool" http GET "$base/big" --cap 1000 --stream 1
[ "$(printf '%s\n' "$out" | head -1)" = "200 1048576" ] || fail "a streamed body is not capped: $out"

echo "bearer token sent, never shown; credentials stripped from messages"
expect_exit 0 "$tool" http GET "$base/auth" --token s3cret-token
[ "$(printf '%s\n' "$out" | sed -n 2p)" = "Bearer s3cret-token" ] || fail "bearer token: $out"
expect_exit 4 "$tool" http GET "http://alice:pa55word@127.0.0.1:$(cat "$work/port")/fail?api_key=k3y&arg=bafy" --token s3cret-token
echo "  $err"
for secret in pa55word alice k3y s3cret-token; do [[ "$err" != *"$secret"* ]] || fail "the message shows $secret: $err"; done
[[ "$err" == *"$base/fail?api_key=***&arg=bafy answered HTTP 500: boom with control characters"* ]] || fail "message: $err"

echo "total timeout"
start=$SECONDS
expect_exit 4 "$tool" http GET "$base/hang" --timeout-ms 1500
[[ "$err" == *"timed out reaching $base/hang"* ]] || fail "timeout message: $err"
(( SECONDS - start < 10 )) || fail "the timeout took $((SECONDS - start)) s"

echo "Kubo answers: an error trailer after 200, malformed JSON"
block=bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am
expect_exit 4 "$tool" get-block "kubo:$base" $block "$work/block"
[[ "$err" == *"the block was lost half-way"* && "$err" == *"$block"* ]] || fail "trailer: $err"
printf 'hello\n' > "$work/hello"
expect_exit 4 "$tool" add "kubo:$base" unixfs-v1-2025 "$work/hello"
[[ "$err" == *"not JSON"* ]] || fail "malformed add answer: $err"
expect_exit 4 "$tool" has-block "kubo:$base" $block
[[ "$err" == *"no \"Key\" CID"* ]] || fail "malformed block/stat answer: $err"

echo "nothing listening"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
expect_exit 4 "$tool" http GET "$base/connections"
[[ "$err" == *"cannot reach $base/connections"* ]] || fail "refused: $err"
echo "ok"
