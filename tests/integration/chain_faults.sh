#!/usr/bin/env bash
# Transactions that survive faults, against a real anvil and a real js-ipfs daemon (tests/peers):
# - a proxy drops the node's answer to eth_sendRawTransaction: the push still completes, and exactly one
#   transaction is mined (the pusher's nonce moves by one);
# - a push killed with SIGKILL after broadcasting (anvil not mining): its transaction stays journaled; the
#   next push finishes it without a second transaction;
# - a stuck transaction (anvil not mining) replaced by `push --speed-up`: same nonce, both fee fields at
#   least 10% higher, and only one of the two is mined;
# - a reorganisation (evm_snapshot/evm_revert) that drops the anchoring transaction: verify --chain says
#   anchored before it (exit 0, block and time) and not-anchored after it (exit 1);
# - fsck reports a malformed journal entry (and gc refuses to run past it).
: "${MLCHAIN_PEERS:?path to tests/peers}"
work=$(mktemp -d)
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"

start_anvil
start_ipfs
start_proxy rpc-drop-proxy.mjs "$rpc"
echo "anvil at $rpc (proxy dropping eth_sendRawTransaction answers at $proxy), js-ipfs at $api"

owner=$(account available_accounts 0)
export MLCHAIN_PRIVATE_KEY=$(account private_keys 0)
export MLCHAIN_HOME="$work/home"
nonce() { "$cast" nonce --rpc-url "$rpc" "$owner"; }
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
journal_files() { ls .mlchain/journal/*.json 2> /dev/null || true; }
# Waits until the journal holds COUNT entries in state "sent".
wait_sent() {
  for _ in $(seq 300); do
    local sent=0 file
    for file in $(journal_files); do [ "$(field "$file" state)" = sent ] && sent=$((sent + 1)); done
    [ "$sent" -ge "$1" ] && return 0
    sleep 0.1
  done
  fail "the journal never held $1 sent transaction(s)"
}

expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
mkdir "$work/repo" && cd "$work/repo"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo faults --chain-id 31337
expect 0 "$MLCHAIN" remote add proxied --ipfs "$api" --rpc "$proxy" --registry "$registry" --repo faults --chain-id 31337
commit() { echo "$1" > model.bin; expect 0 "$MLCHAIN" commit -m "$1"; }

echo "lost answer to eth_sendRawTransaction: one transaction mined"
commit v1
before=$(nonce)
expect 0 "$MLCHAIN" push proxied
grep -q "dropped the answer to eth_sendRawTransaction" "$work/proxy.log" || fail "the proxy dropped nothing"
[ "$(nonce)" -eq $((before + 1)) ] || fail "$(( $(nonce) - before )) transactions mined, not 1"
echo "  $(grep -c 'dropped the answer' "$work/proxy.log") answers dropped; nonce $before -> $(nonce)"
expect 0 "$MLCHAIN" pull origin main  # origin's tracking ref catches up with what proxied anchored

echo "SIGKILL after broadcast: the next push finishes the journaled transaction"
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
commit v2
before=$(nonce)
"$MLCHAIN" push > "$work/killed.out" 2>&1 &
pusher=$!
wait_sent 1
{ kill -9 "$pusher" && wait "$pusher"; } 2> /dev/null || true
[ "$(journal_files | wc -l)" -eq 1 ] || fail "the killed push left $(journal_files | wc -l) journal entries"
journaled=$(field "$(journal_files)" hash)
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
expect 0 "$MLCHAIN" push
grep -q "^finished journaled push: anchored faults/main" <<< "$out" || fail "the next push did not resume: $out"
grep -q "transaction $journaled" <<< "$out" || fail "the resumed push reports another transaction: $out"
[ "$(nonce)" -eq $((before + 1)) ] || fail "$(( $(nonce) - before )) transactions mined, not 1"
[ -z "$(journal_files)" ] || fail "the journal still holds the settled transaction"

echo "stuck transaction replaced by push --speed-up"
commit v3
before=$(nonce)
"$MLCHAIN" push > "$work/stuck.out" 2>&1 &
pusher=$!
wait_sent 1
{ kill -9 "$pusher" && wait "$pusher"; } 2> /dev/null || true
stuck_file=$(journal_files)
cp "$stuck_file" "$work/stuck.json"
"$MLCHAIN" push --speed-up > "$work/speed-up.out" 2> "$work/speed-up.err" &
pusher=$!
wait_sent 2
for file in $(journal_files); do [ "$file" = "$stuck_file" ] || cp "$file" "$work/replacement.json"; done
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
wait "$pusher" || fail "push --speed-up failed: $(cat "$work/speed-up.err")"
python3 - "$work/stuck.json" "$work/replacement.json" << 'EOF' || fail "the replacement does not raise both fees by 10% at the same nonce"
import json, sys
stuck, replacement = (json.load(open(path)) for path in sys.argv[1:])
assert replacement["nonce"] == stuck["nonce"], "nonce"
assert replacement["replaces"] == stuck["hash"], "replaces"
for fee in ("max_fee_per_gas", "max_priority_fee_per_gas"):
    assert int(replacement[fee]) * 10 >= int(stuck[fee]) * 11, fee
    print(f"  {fee}: {stuck[fee]} -> {replacement[fee]}")
EOF
[ "$(nonce)" -eq $((before + 1)) ] || fail "$(( $(nonce) - before )) transactions mined, not 1"
[ "$("$cast" receipt --rpc-url "$rpc" "$(field "$work/replacement.json" hash)" status)" = true ] ||
  fail "the replacement was not mined"
[ "$("$cast" rpc --rpc-url "$rpc" eth_getTransactionReceipt "$(field "$work/stuck.json" hash)")" = null ] ||
  fail "the replaced transaction was mined too"
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null

echo "a reorganisation that drops the anchoring transaction: not anchored"
commit v4
snapshot=$("$cast" rpc --rpc-url "$rpc" evm_snapshot | tr -d '"')
expect 0 "$MLCHAIN" push
anchored=$(head -n 1 <<< "$out")
expect 0 "$MLCHAIN" verify "$anchored" --chain
grep -q "^anchored by faults/main at $anchored in block [0-9]* of chain 31337 at 20" <<< "$out" || fail "verify --chain: $out"
mkdir "$work/v3" && echo v3 > "$work/v3/model.bin"  # HEAD~1's files, for verify --path
expect 0 "$MLCHAIN" verify HEAD~1 --chain --json --path "$work/v3"
python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["ok"] and d["anchoring"]["block"] > 0' <<< "$out" ||
  fail "verify --chain --json of an ancestor: $out"
"$cast" rpc --rpc-url "$rpc" evm_revert "$snapshot" > /dev/null
expect 1 "$MLCHAIN" verify "$anchored" --chain --json
python3 -c 'import json, sys; d = json.load(sys.stdin); assert not d["ok"] and d["problems"][0]["kind"] == "not-anchored"' <<< "$out" ||
  fail "verify --chain after the reorg: $out"
expect 0 "$MLCHAIN" verify HEAD~1 --chain --path "$work/v3"
expect 1 "$MLCHAIN" verify HEAD~1 --chain --path "$work/v3" --min-confirmations 1000
echo "  $(head -n 1 <<< "$out")"

echo "fsck reports a malformed journal entry, gc will not sweep past it"
cp "$work/replacement.json" .mlchain/journal/
expect 0 "$MLCHAIN" gc
expect 0 "$MLCHAIN" fsck
echo '{"version": 1}' > ".mlchain/journal/$(printf 'ab%.0s' $(seq 32)).json"
expect 1 "$MLCHAIN" fsck
grep -q "malformed journal entry" <<< "$out" || fail "fsck output: $out"
expect 1 "$MLCHAIN" gc
echo "ok"
