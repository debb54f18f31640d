#!/usr/bin/env bash
# Private models as a hostile user, node and reader would meet them, against one anvil and one js-ipfs daemon:
# a sealed push killed half-way (against a node of its own) leaves no temporary gc cannot remove and seals
# nothing twice when run again;
# a repeated push wraps nothing twice for a reader; the owner fetches and pulls its own private model;
# damaged owner key records are refused by name; a grant or shred on a public repository is refused; a reader
# whose head was shredded and collected by the node is told so at once; a reader who published another
# encryption key is told its grants were wrapped for another key, and opens the model once granted again;
# an RPC that is down is exit 4.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"

start_anvil
start_ipfs
export MLCHAIN_PRIVATE_KEY=$(account private_keys 0)
r1_key=$(account private_keys 1); r1=$(account available_accounts 1)
r2=$(account available_accounts 2)
r1_sum=$("$cast" to-check-sum-address "$r1")
expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
url="mlchain://31337@$registry/model"
expect 0 as_key "$r1_key" "$MLCHAIN" key encryption publish --rpc "$rpc" --registry "$registry"

files=16
# js-ipfs 0.66 never releases its gc lock after a client dies mid-import, so the push killed below talks to a
# node of its own: the node the rest of the script collects garbage on must not have met it.
shared_api=$api
start_ipfs ipfs-killed
killed_api=$api
api=$shared_api
mkdir "$work/k" && cd "$work/k"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$killed_api" --rpc "$rpc" --registry "$registry" --repo killed \
  --chain-id 31337 --private
for i in $(seq $files); do head -c 1500000 /dev/urandom > "shard$i.bin"; done
expect 0 "$MLCHAIN" commit -m v1

echo "kill -9 during a sealed push: fsck and gc are content, the next push seals nothing twice"
"$MLCHAIN" push > /dev/null 2>&1 &
push_pid=$!
killed=
for _ in $(seq 400); do
  held=$(find .mlchain/private/keys -type f 2>/dev/null | wc -l || true)
  if [ "$held" -ge 2 ]; then
    kill -9 "$push_pid" && killed=yes
    break
  fi
  sleep 0.02
done
wait "$push_pid" 2>/dev/null || true
[ -n "$killed" ] || fail "the push ended before it could be killed while sealing"
held=$(find .mlchain/private/keys -type f | wc -l)
expect 0 "$MLCHAIN" fsck
expect 0 "$MLCHAIN" gc
[ -z "$(find .mlchain/private -name '*.tmp-*')" ] || fail "gc left a temporary: $(find .mlchain/private -name '*.tmp-*')"
expect 0 "$MLCHAIN" push
grep -q "sealed $((files - held)) files" <<< "$err" || fail "the second push sealed another number than $((files - held)): $err"
grep -q "; $held files and 0 blocks were there already" <<< "$err" || fail "the second push re-sealed: $err"
[ "$(find .mlchain/private/keys -type f | wc -l)" = "$files" ] || fail "not one key record per file"
bash "$MLCHAIN_PEERS/ipfs-daemon.sh" stop "$work/ipfs-killed" > /dev/null

mkdir "$work/a" && cd "$work/a"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model \
  --chain-id 31337 --private
for i in $(seq $files); do head -c 150000 /dev/urandom > "shard$i.bin"; done
expect 0 "$MLCHAIN" commit -m v1
v1=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push

echo "the owner fetches and pulls its own private model"
expect 0 "$MLCHAIN" fetch
expect 0 "$MLCHAIN" pull

echo "a push repeated after its anchor wraps nothing twice for a reader"
expect 0 "$MLCHAIN" access grant "$r1"
expect 0 "$MLCHAIN" push
grep -q "wrapped" <<< "$err" && fail "a push with nothing new wrapped again: $err"
echo "v2" > notes.txt
expect 0 "$MLCHAIN" commit -m v2
v2=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
grep -q "wrapped $v2 for reader $r1_sum" <<< "$err" || fail "v2 not wrapped for r1: $err"
expect 0 "$MLCHAIN" push
grep -q "wrapped" <<< "$err" && fail "a repeated push wrapped v2 again: $err"
expect 0 "$MLCHAIN" access list --json
[ "$(json_field <(echo "$out") readers 0 versions)" = "[\"$v1\", \"$v2\"]" ] || fail "r1 holds other grants: $out"

echo "damaged owner key records are refused by name (exit 1), never followed or waited on"
record=$(ls .mlchain/private/keys | head -n 1)
other=$(ls .mlchain/private/keys | sed -n 2p)
mv ".mlchain/private/keys/$record" "$work/record"
echo "v3" > notes.txt
expect 0 "$MLCHAIN" commit -m v3
# A content unchanged since v1 whose record is gone is sealed afresh; a damaged one stops the push.
ln -s "$work/record" ".mlchain/private/keys/$record"
expect 1 "$MLCHAIN" push
grep -q "$record is a symlink" <<< "$err" || fail "symlinked record: $err"
rm ".mlchain/private/keys/$record" && mkfifo ".mlchain/private/keys/$record"
expect 1 timeout 20 "$MLCHAIN" push
grep -q "$record is a FIFO" <<< "$err" || fail "FIFO record: $err"
rm ".mlchain/private/keys/$record" && head -c 10000000 /dev/zero > ".mlchain/private/keys/$record"
expect 1 "$MLCHAIN" push
grep -q "$record is larger than" <<< "$err" || fail "huge record: $err"
cp ".mlchain/private/keys/$other" ".mlchain/private/keys/$record"
expect 1 "$MLCHAIN" push
grep -q "$record holds the key of $other" <<< "$err" || fail "another content's record: $err"
mv "$work/record" ".mlchain/private/keys/$record"
expect 1 as_key "$(account private_keys 5)" "$MLCHAIN" push
grep -q "is not sealed to this signer's encryption key" <<< "$err" || fail "another identity's record: $err"

echo "grants the registry cannot honour"
expect 3 "$MLCHAIN" access grant "$r2"
grep -q "has published no encryption key" <<< "$err" || fail "grant to a reader without a key: $err"
expect 3 "$MLCHAIN" access grant "$r1" --versions HEAD
grep -q "was never a head of model on chain" <<< "$err" || fail "grant of a version not anchored: $err"
mkdir "$work/public" && cd "$work/public"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo open-model \
  --chain-id 31337
echo "public" > readme.txt
expect 0 "$MLCHAIN" commit -m public
expect 0 "$MLCHAIN" push
expect 5 "$MLCHAIN" access grant "$r1"
grep -q "open-model is not private" <<< "$err" || fail "grant on a public repository: $err"
expect 5 "$MLCHAIN" shred HEAD
grep -q "open-model is not private" <<< "$err" || fail "shred of a public repository: $err"

echo "a reader whose head was shredded and collected by the node is told so at once"
cd "$work/a"
expect 0 "$MLCHAIN" shred "$v2"
curl -sf --max-time 60 -X POST "$api/api/v0/repo/gc" > /dev/null || fail "the node's repo/gc failed"
cd "$work"
SECONDS=0
expect 6 as_key "$r1_key" "$MLCHAIN" clone "$url" r1 --rpc "$rpc" --ipfs "$api"
grep -q "version $v2 of model was shredded" <<< "$err" || fail "the denial does not say the head was shredded: $err"
[ "$SECONDS" -lt 30 ] || fail "the clone waited ${SECONDS}s for the shredded version's pages"
[ ! -e r1 ] || fail "a denied clone left $work/r1 behind"

echo "a reader who publishes another encryption key: grants for the old key no longer open, new ones do"
mkdir "$work/second" && cd "$work/second"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo second \
  --chain-id 31337 --private
echo "second secret" > secret.txt
expect 0 "$MLCHAIN" commit -m s1
expect 0 "$MLCHAIN" push
# The secp256k1 generator as r1's key, published with r1's EIP-712 signature made by cast.
foreign=0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798
nonce=$("$cast" call --rpc-url "$rpc" "$registry" 'encryptionKeyOf(address)(bytes,uint256)' "$r1" | tail -n 1)
cat > "$work/typed.json" << EOF
{"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                            {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
           "EncryptionKey": [{"name": "account", "type": "address"}, {"name": "key", "type": "bytes"},
                             {"name": "nonce", "type": "uint256"}]},
 "primaryType": "EncryptionKey",
 "domain": {"name": "mlchain", "version": "1", "chainId": 31337, "verifyingContract": "$registry"},
 "message": {"account": "$r1", "key": "$foreign", "nonce": $nonce}}
EOF
signature=$("$cast" wallet sign --private-key "$r1_key" --data --from-file "$work/typed.json")
"$cast" send --rpc-url "$rpc" --private-key "$r1_key" "$registry" 'publishEncryptionKey(address,bytes,bytes)' \
  "$r1" "$foreign" "$signature" > /dev/null
expect 0 "$MLCHAIN" access grant "$r1"
cd "$work"
expect 6 as_key "$r1_key" "$MLCHAIN" clone "mlchain://31337@$registry/second" r1-second --rpc "$rpc" --ipfs "$api"
grep -q "its 1 grants were wrapped for another encryption key" <<< "$err" || fail "foreign-key denial: $err"
expect 0 as_key "$r1_key" "$MLCHAIN" key encryption publish --rpc "$rpc" --registry "$registry"
expect 6 as_key "$r1_key" "$MLCHAIN" clone "mlchain://31337@$registry/second" r1-second --rpc "$rpc" --ipfs "$api"
(cd "$work/second" && expect 0 "$MLCHAIN" access grant "$r1") || fail "the grant for r1's new key"
expect 0 as_key "$r1_key" "$MLCHAIN" clone "mlchain://31337@$registry/second" r1-second --rpc "$rpc" --ipfs "$api"
cmp "$work/second/secret.txt" "$work/r1-second/secret.txt" || fail "r1's secret.txt differs"

echo "an RPC that is down: exit 4"
cd "$work/a"
expect 0 "$MLCHAIN" remote add dead --ipfs "$api" --rpc http://127.0.0.1:1 --registry "$registry" --repo model \
  --chain-id 31337 --private
expect 4 "$MLCHAIN" access list dead
expect 4 "$MLCHAIN" access grant dead "$r1"
expect 4 as_key "$r1_key" "$MLCHAIN" clone "$url" r1-dead --rpc http://127.0.0.1:1 --ipfs "$api"
echo "all hostile private-model checks passed"
