#!/usr/bin/env bash
# The ipfs::Node contract (tests/unit/ipfs_node_conformance_test.cpp), which the in-memory node passes in
# the unit tests, run against the real clients: the Kubo RPC client on the js-ipfs 0.66.1 daemon and the
# gateway client on a trustless gateway in front of that daemon (hostile-proxy.mjs in pass mode: js-ipfs's
# own gateway is not trustless). Same suite, same checks.
set -euo pipefail
: "${MLCHAIN_PEERS:?tests/peers with node_modules installed}" "${MLCHAIN_UNIT_TESTS:?path of mlchain_unit_tests}"
source "$(dirname "$0")/../integration/lib/expect.sh"

work=$(mktemp -d)
source "$(dirname "$0")/../integration/lib/peers.sh"

start_ipfs
start_proxy hostile-proxy.mjs "$api" pass
echo "node API $api, gateway $proxy"
MLCHAIN_CONFORMANCE_IPFS_API=$api MLCHAIN_CONFORMANCE_GATEWAY=$proxy \
  "$MLCHAIN_UNIT_TESTS" '[.node-conformance]' || fail "the Kubo or gateway client broke the ipfs::Node contract"
echo "ok"
