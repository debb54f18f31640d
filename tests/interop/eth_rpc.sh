#!/usr/bin/env bash
# mlchain's JSON-RPC client against a real anvil (tests/peers/anvil.sh), checked with Foundry's cast:
# chain id, pending nonce, fees (eth_maxPriorityFeePerGas, eth_feeHistory, the latest block's base fee);
# a type 2 and a legacy transfer from anvil's first dev key (MLCHAIN_PRIVATE_KEY), their receipts read by
# mlchain and by cast, and the balance they moved. Then, through a small HTTP proxy in front of anvil, answers
# that break the protocol (wrong id, not JSON, leading zeros, nesting, HTTP errors, a dropped connection, a
# stall past the timeout) and an unreachable node all fail with exit 4 and one error line naming the method,
# and a bearer token from MLCHAIN_RPC_TOKEN reaches the node.
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_ETH_TOOL:?path to the eth_tool binary}"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
tool=$MLCHAIN_ETH_TOOL
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
proxy_pid=
cleanup() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2> /dev/null || true; wait "$proxy_pid" 2> /dev/null || true; fi
  "$MLCHAIN_PEERS/anvil.sh" stop "$work/anvil"
}
at_exit cleanup
same() { [ "$2" = "$3" ] || fail "$1: mlchain says $2, cast says $3"; echo "  $1: $2"; }

"$MLCHAIN_PEERS/anvil.sh" start "$work/anvil"
url=$(cat "$work/anvil/rpc-url")
echo "anvil at $url"
export MLCHAIN_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
sender=$("$cast" wallet address --private-key "$MLCHAIN_PRIVATE_KEY")
receiver=0x70997970C51812dc3A010C7d01b50e0d17dc79C8

same "chain id" "$("$tool" rpc "$url" chain-id)" "$("$cast" chain-id --rpc-url "$url")"
same "pending nonce" "$("$tool" rpc "$url" nonce "$sender")" "$("$cast" nonce --block pending --rpc-url "$url" "$sender")"
"$tool" rpc "$url" fees > "$work/fees"
same "latest base fee" "$(sed -n 's/^latest_base_fee //p' "$work/fees")" "$("$cast" base-fee --rpc-url "$url" latest)"
same "latest block" "$(sed -n 's/^latest_block //p' "$work/fees")" "$("$cast" block-number --rpc-url "$url")"
tip=$(sed -n 's/^tip //p' "$work/fees")
[ "$tip" -gt 0 ] || fail "priority fee $tip"
echo "  priority fee: $tip, next base fee: $(sed -n 's/^next_base_fee //p' "$work/fees")"

field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
before=$("$cast" balance --rpc-url "$url" "$receiver")
for type in 2 0; do
  read -r hash block gas status < <("$tool" rpc "$url" transfer type=$type to=$receiver value=12345)
  echo "type $type transfer $hash"
  "$cast" receipt --rpc-url "$url" --json "$hash" > "$work/receipt.json"
  "$cast" tx --rpc-url "$url" --json "$hash" > "$work/tx.json"
  same "status" "$status" "$([ "$(field "$work/receipt.json" status)" = 0x1 ] && echo success || echo failure)"
  same "block" "$block" "$(($(field "$work/receipt.json" blockNumber)))"
  same "gas used" "$gas" "$(($(field "$work/receipt.json" gasUsed)))"
  same "type" "$type" "$(($(field "$work/tx.json" type)))"
  same "from" "$(tr 'A-F' 'a-f' <<< "$sender")" "$(field "$work/tx.json" from | tr 'A-F' 'a-f')"
  same "receipt read back" "$("$tool" rpc "$url" receipt "$hash")" "$block $gas success $sender"
done
after=$("$cast" balance --rpc-url "$url" "$receiver")
same "balance moved" "$(python3 -c "print($after - $before)")" 24690
same "nonce after two transfers" "$("$tool" rpc "$url" nonce "$sender")" 2

# A proxy in front of anvil that answers badly on purpose (MODE), or checks a bearer token.
cat > "$work/proxy.py" << 'EOF'
import http.server, json, sys, time, urllib.request
upstream, mode, port_file = sys.argv[1], sys.argv[2], sys.argv[3]

class Proxy(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        request = self.rfile.read(int(self.headers["Content-Length"]))
        if mode == "token" and self.headers.get("Authorization") != "Bearer s3cret-token":
            return self.answer(401, b'{"error":"unauthorized"}')
        if mode == "drop":
            self.connection.close()
            return
        if mode == "stall":
            time.sleep(30)
        forwarded = urllib.request.Request(upstream, data=request, headers={"Content-Type": "application/json"})
        body = urllib.request.urlopen(forwarded).read()
        answer = json.loads(body)
        if mode == "wrong-id": answer["id"] += 1
        if mode == "no-version": del answer["jsonrpc"]
        if mode == "leading-zero": answer["result"] = "0x0" + answer["result"][2:]
        if mode == "number-result": answer["result"] = int(answer["result"], 16)
        body = json.dumps(answer).encode()
        if mode == "not-json": body = b"<html>502 bad gateway</html>"
        if mode == "truncated": body = body[: len(body) // 2]
        if mode == "nested": body = b"[" * 100000 + b"]" * 100000
        if mode == "http-500": return self.answer(500, b"internal error")
        self.answer(200, body)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
open(port_file, "w").write(str(server.server_address[1]))
server.serve_forever()
EOF

with_proxy() {
  local mode=$1
  shift
  rm -f "$work/port"
  python3 "$work/proxy.py" "$url" "$mode" "$work/port" 2> /dev/null &
  proxy_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  [ -s "$work/port" ] || fail "the proxy did not start"
  local status=0
  "$@" "http://127.0.0.1:$(cat "$work/port")" > "$work/out" 2> "$work/err" || status=$?
  kill "$proxy_pid" 2> /dev/null || true
  wait "$proxy_pid" 2> /dev/null || true
  proxy_pid=
  return $status
}

chain_id_through() { "$tool" rpc "$1" chain-id; }

echo "hostile answers"
for mode in wrong-id no-version leading-zero number-result not-json truncated nested http-500 drop stall; do
  status=0
  with_proxy "$mode" chain_id_through || status=$?
  [ "$status" = 4 ] || fail "$mode: exit $status, expected 4; stdout: $(cat "$work/out"); stderr: $(cat "$work/err")"
  [ "$(wc -l < "$work/err")" = 1 ] || fail "$mode: not one error line: $(cat "$work/err")"
  grep -q '^eth_tool: error: eth_chainId' "$work/err" || fail "$mode: the error does not name the method: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "$mode: printed a result: $(cat "$work/out")"
  echo "  $mode: exit 4: $(cut -c1-160 "$work/err")"
done

status=0
"$tool" rpc "http://127.0.0.1:1" chain-id > /dev/null 2> "$work/err" || status=$?
[ "$status" = 4 ] || fail "unreachable node: exit $status, expected 4: $(cat "$work/err")"
echo "  unreachable: exit 4: $(cat "$work/err")"

echo "bearer token"
status=0
with_proxy token chain_id_through || status=$?
[ "$status" = 4 ] || fail "without MLCHAIN_RPC_TOKEN: exit $status, expected 4"
echo "  without MLCHAIN_RPC_TOKEN: exit 4: $(cat "$work/err")"
MLCHAIN_RPC_TOKEN=s3cret-token with_proxy token chain_id_through || fail "with MLCHAIN_RPC_TOKEN: $(cat "$work/err")"
same "chain id with MLCHAIN_RPC_TOKEN" "$(cat "$work/out")" 31337
if grep -rq s3cret-token "$work/err"; then fail "the token appeared in a message"; fi
echo "all JSON-RPC checks passed"
