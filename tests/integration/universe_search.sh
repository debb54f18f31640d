#!/usr/bin/env bash
# mlchain search against a real anvil and js-ipfs daemon, with the catalogue deployed and driven by cast
# (the independent check): a publish is found by its name, its tag and a word of its card (README.md,
# fetched from IPFS and verified); --license and --json; an unlisted listing leaves search but stays with
# --all; two publishes of one name racing in one block: the index shows only the winner; a reorganisation
# (evm_snapshot / evm_revert) that removes an indexed publish rebuilds the index and search no longer
# shows it; --offline and an unreachable node answer from the index with a warning naming its block; with
# no index yet, --offline is not_found (exit 3), an unreachable node remote unavailable (exit 4); usage errors and a node serving another chain than the
# remote's are exit 2.
: "${MLCHAIN_PEERS:?path to tests/peers}"
: "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"

start_anvil
start_ipfs
owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
rival_key=$(account private_keys 1); rival=$(account available_accounts 1)

# The binary form of a CIDv1 in base32 (what the catalogue keeps as a listing's card), as 0x-hex.
cid_bytes() { python3 -c '
import base64, sys
cid = sys.argv[1][1:].upper()
print("0x" + base64.b32decode(cid + "=" * (-len(cid) % 8)).hex())' "$1"; }
terms_type="(bytes,string,string[],bool,uint256,uint64,address[],uint16[])"
publish() {  # KEY NAME REPO TERMS
  "$cast" send --quiet --private-key "$1" --rpc-url "$rpc" "$catalogue" "publish(string,string,$terms_type)" "$2" "$3" "$4" \
    > /dev/null
}

echo "a registry, a pushed repository with a model card, and a catalogue deployed with cast"
export MLCHAIN_PRIVATE_KEY=$owner_key
expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
mkdir "$work/a" && cd "$work/a"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model-a --chain-id 31337
printf '# Tiny MLP\nA perceptron trained on handwritten digits.\n' > README.md
echo "weights" > weights.bin
expect 0 "$MLCHAIN" commit -m "first"
expect 0 "$MLCHAIN" push
card=$("$MLCHAIN" cid README.md | cut -d' ' -f1)
bytecode=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["bytecode"])' \
  "$MLCHAIN_SOURCE_DIR/contracts/MlchainCatalogue.json")
catalogue=$("$cast" send --json --private-key "$owner_key" --rpc-url "$rpc" --create "$bytecode" "constructor(address)" \
  "$registry" | python3 -c 'import json, sys; print(json.load(sys.stdin)["contractAddress"])')
cd "$work"
where=(--rpc "$rpc" --universe "$catalogue")

echo "publish, then search by name, tag, card text and licence"
publish "$owner_key" tiny-mlp model-a "($(cid_bytes "$card"),MIT,[vision,small],false,0,0,[$owner],[10000])"
expect 0 "$MLCHAIN" search "${where[@]}" --ipfs "$api"
grep -q "^tiny-mlp  MIT  free  tags: vision, small$" <<< "$out" || fail "search output: $out"
[ -z "$err" ] || fail "a fresh search warned: $err"
index_file="$MLCHAIN_HOME/catalogue/31337-$(tr 'A-F' 'a-f' <<< "$catalogue").sqlite3"
[ -f "$index_file" ] || fail "no index at $index_file: $(ls -R "$MLCHAIN_HOME")"
expect 0 "$MLCHAIN" search HANDWRITTEN "${where[@]}"
grep -q "^tiny-mlp " <<< "$out" || fail "the card's text was not searched: $out"
expect 0 "$MLCHAIN" search Vision "${where[@]}"
grep -q "^tiny-mlp " <<< "$out" || fail "the tag was not searched: $out"
expect 0 "$MLCHAIN" search "${where[@]}" --license mit
grep -q "^tiny-mlp " <<< "$out" || fail "--license mit: $out"
expect 0 "$MLCHAIN" search "${where[@]}" --license Apache-2.0
[ -z "$out" ] || fail "--license Apache-2.0 found: $out"
expect 0 "$MLCHAIN" search nothing-like-it "${where[@]}"
[ -z "$out" ] || fail "an unmatched text found: $out"
expect 0 "$MLCHAIN" search tiny "${where[@]}" --json
python3 - "$out" "$owner" "$card" <<'EOF' || fail "search --json: $out"
import json, sys
listings = json.loads(sys.argv[1])
assert len(listings) == 1, listings
l = listings[0]
assert l["name"] == "tiny-mlp" and l["repo"] == "model-a" and l["owner"].lower() == sys.argv[2].lower(), l
assert l["card"] == sys.argv[3] and l["license"] == "MIT" and l["tags"] == ["vision", "small"], l
assert l["private"] is False and l["price_wei"] == "0" and l["duration_seconds"] == 0 and l["listed"] is True, l
assert l["splits"] == [{"payee": l["owner"], "bps": 10000}] and l["purchases"] == 0 and l["stages"] == [], l
assert isinstance(l["indexed_block"], int) and l["indexed_block"] > 0, l
EOF

echo "inside the repository, the remote's universe setting names the catalogue"
cd "$work/a"
expect 0 "$MLCHAIN" config set remote.origin.universe "$catalogue"
expect 0 "$MLCHAIN" search tiny
grep -q "^tiny-mlp " <<< "$out" || fail "search from the repository: $out"

echo "usage errors and a node of another chain"
expect 2 "$MLCHAIN" search tiny --rpc "$rpc"
expect 2 "$MLCHAIN" search tiny --universe "$catalogue"
expect 2 "$MLCHAIN" search tiny --rpc "$rpc" --universe 0x1234
expect 0 "$MLCHAIN" config set remote.origin.chain-id 1
expect 2 "$MLCHAIN" search tiny
grep -q "serves chain 31337, not the remote's chain 1" <<< "$err" || fail "another chain: $err"
expect 0 "$MLCHAIN" config set remote.origin.chain-id 31337
cd "$work"
expect 2 "$MLCHAIN" search tiny

echo "two publishes of one name racing in one block: only the winner is indexed"
mkdir "$work/b" && cd "$work/b"
export MLCHAIN_PRIVATE_KEY=$rival_key
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model-b --chain-id 31337
echo "other" > weights.bin
expect 0 "$MLCHAIN" commit -m "rival"
expect 0 "$MLCHAIN" push
export MLCHAIN_PRIVATE_KEY=$owner_key
cd "$work"
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
for who in owner rival; do
  key_var=${who}_key; address_var=$who
  repo=model-a; [ $who = rival ] && repo=model-b
  "$cast" send --async --gas-limit 1000000 --private-key "${!key_var}" --rpc-url "$rpc" "$catalogue" \
    "publish(string,string,$terms_type)" contested "$repo" "($(cid_bytes "$card"),MIT,[],false,0,0,[${!address_var}],[10000])" \
    > "$work/$who.tx"
done
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null
status() { "$cast" receipt --json --rpc-url "$rpc" "$(cat "$work/$1.tx")" | python3 -c 'import json, sys; print(int(json.load(sys.stdin)["status"], 16))'; }
[ "$(status owner)" = 1 ] || fail "the first publish failed"
[ "$(status rival)" = 0 ] || fail "the rival publish did not revert"
expect 0 "$MLCHAIN" search contested "${where[@]}" --all --json
python3 - "$out" "$owner" <<'EOF' || fail "the race: $out"
import json, sys
listings = json.loads(sys.argv[1])
assert [l["repo"] for l in listings] == ["model-a"] and listings[0]["owner"].lower() == sys.argv[2].lower(), listings
EOF

echo "unlist hides from search and keeps the listing with --all"
"$cast" send --quiet --private-key "$owner_key" --rpc-url "$rpc" "$catalogue" "unlist(string)" tiny-mlp > /dev/null
expect 0 "$MLCHAIN" search tiny-mlp "${where[@]}"
[ -z "$out" ] || fail "an unlisted listing is found: $out"
expect 0 "$MLCHAIN" search tiny-mlp "${where[@]}" --all
grep -q "^tiny-mlp  MIT  free  tags: vision, small  (unlisted)$" <<< "$out" || fail "--all: $out"
history=$(python3 -c 'import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT kind FROM events WHERE name = ? ORDER BY block, log_index", ("tiny-mlp",))
print(",".join(kind for (kind,) in rows))' "$index_file")
[ "$history" = "published,unlisted" ] || fail "the index's history of tiny-mlp: $history"

echo "a reorganisation removing an indexed publish rebuilds the index"
snapshot=$("$cast" rpc --rpc-url "$rpc" evm_snapshot | tr -d '"')
publish "$owner_key" doomed-model model-a "($(cid_bytes "$card"),MIT,[],false,0,0,[$owner],[10000])"
expect 0 "$MLCHAIN" search doomed "${where[@]}"
grep -q "^doomed-model " <<< "$out" || fail "the publish before the reorg is not found: $out"
"$cast" rpc --rpc-url "$rpc" evm_revert "$snapshot" > /dev/null
"$cast" rpc --rpc-url "$rpc" anvil_mine 3 > /dev/null
expect 0 "$MLCHAIN" search "${where[@]}" --all
if grep -q doomed-model <<< "$out"; then fail "a publish the chain dropped is still found: $out"; fi
grep -q "^contested " <<< "$out" || fail "the rebuilt index lost a listing: $out"
grep -q "^mlchain: warning: the chain reorganised past block [0-9]*: the catalogue index was rebuilt$" <<< "$err" ||
  fail "no word of the rebuild: $err"

echo "offline and unreachable: the index as it is, with its block and age"
block=$("$cast" block-number --rpc-url "$rpc")
expect 0 "$MLCHAIN" search contested "${where[@]}" --offline
grep -q "^contested " <<< "$out" || fail "--offline: $out"
grep -q "^mlchain: warning: --offline: showing the index as of block $block (updated [0-9]* seconds\? ago)$" <<< "$err" ||
  fail "--offline warning: $err"
expect 0 "$MLCHAIN" search contested --rpc http://127.0.0.1:1 --universe "$catalogue"
grep -q "^contested " <<< "$out" || fail "unreachable node: $out"
grep -q "^mlchain: warning: .*127.0.0.1:1.*: showing the index as of block $block (updated " <<< "$err" ||
  fail "unreachable warning: $err"
expect 3 "$MLCHAIN" search --offline --rpc "$rpc" --universe 0x000000000000000000000000000000000000dEaD
grep -q "no catalogue index of 0x000000000000000000000000000000000000dEaD" <<< "$err" || fail "no index: $err"
expect 4 "$MLCHAIN" search --rpc http://127.0.0.1:1 --universe 0x000000000000000000000000000000000000dEaD
grep -q "no catalogue index of 0x000000000000000000000000000000000000dEaD" <<< "$err" || fail "no index, no node: $err"
echo "ok"
