#!/usr/bin/env bash
# The ipfs::Node contract (tests/unit/ipfs_node_conformance_test.cpp), which the in-memory node passes in
# the unit tests, run against the real clients: the Kubo RPC client on the js-ipfs 0.66.1 daemon
# (tests/peers/ipfs-daemon.sh) and the gateway client on a trustless gateway in front of that daemon
# (hostile-proxy.mjs in pass mode: js-ipfs's own gateway is not trustless). Same suite, same checks.
set -euo pipefail
: "${MLCHAIN_PEERS:?tests/peers with node_modules installed}" "${MLCHAIN_UNIT_TESTS:?path of mlchain_unit_tests}"

work=$(mktemp -d)
proxy_pid=
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  "$MLCHAIN_PEERS/ipfs-daemon.sh" stop "$work/daemon" || true
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/../integration/lib/expect.sh"

echo "starting the js-ipfs daemon"
"$MLCHAIN_PEERS/ipfs-daemon.sh" start "$work/daemon" > /dev/null
api=$(cat "$work/daemon/api-url")

node "$MLCHAIN_PEERS/hostile-proxy.mjs" "$work/proxy-port" "$api" pass 2> "$work/proxy.log" &
proxy_pid=$!
for _ in $(seq 100); do [ -s "$work/proxy-port" ] && break; sleep 0.1; done
[ -s "$work/proxy-port" ] || fail "the gateway proxy did not start: $(cat "$work/proxy.log")"
gateway="http://127.0.0.1:$(cat "$work/proxy-port")"

echo "node API $api, gateway $gateway"
MLCHAIN_CONFORMANCE_IPFS_API=$api MLCHAIN_CONFORMANCE_GATEWAY=$gateway \
  "$MLCHAIN_UNIT_TESTS" '[.node-conformance]' || fail "the Kubo or gateway client broke the ipfs::Node contract"
echo "ok"
