#!/usr/bin/env bash
# mlchain prove and verify --proof against a real anvil and a real js-ipfs daemon (tests/peers): a pushed
# commit with a chunked file and small files (HAMT-sharded directories are covered in-process by the unit
# tests and by bench/proof_size.sh, since pushing thousands of files here would be slow); each proof is a few KiB,
# verifies outside any repository, with --file (the same bytes: exit 0; one byte changed: exit 1) and with
# --chain (--rpc outside a repository, the remote's inside one). Refused with exit 1: single-bit changes at
# offsets across the proof (each offset is covered in-process by the unit tests), truncations, a block
# swapped for another proof's, a proof read as another path's, anchor facts naming another block, another
# transaction or another log (the offline check passes: only the chain can tell), and --chain on a proof of
# an unpushed commit ("not anchored"). Missing files are exit 3, bad usage exit 2. The CAR is read by
# @ipld/car with every block re-hashed by multiformats, and taken by the daemon's /api/v0/dag/import, which
# then serves the proof block byte for byte.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
proof_car() { timeout 60 node "$MLCHAIN_PEERS/proof-car.mjs" "$@"; }
json_field() { python3 -c 'import json, sys; d = json.load(sys.stdin)
for k in sys.argv[1].split("."): d = d[k] if not k.isdigit() else d[int(k)]
print(json.dumps(d) if isinstance(d, (dict, list, bool)) or d is None else d)' "$1"; }

start_anvil
start_ipfs
export MLCHAIN_PRIVATE_KEY=$(account private_keys 0)
owner=$(account available_accounts 0)

expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)

mkdir "$work/repo"
cd "$work/repo"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo proved --chain-id 31337
mkdir -p models/sub
head -c 3000000 /dev/urandom > models/big.bin
echo "head weights" > models/sub/head.bin
echo '{"lr": 0.1}' > config.json
expect 0 "$MLCHAIN" commit -m "proved model"
expect 0 "$MLCHAIN" push
commit=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" cid models/big.bin
big_cid=$(head -n 1 <<< "$out" | cut -d' ' -f1)

echo "prove a chunked file of the pushed commit: anchored"
expect 0 "$MLCHAIN" prove HEAD models/big.bin --out "$work/big.car"
grep -q "^proved models/big.bin in $commit: $big_cid (3000000 bytes); 5 blocks, [0-9]* bytes written" <<< "$out" ||
  fail "prove output: $out"
grep -q "^anchored by proved/main in block [0-9]* (0x[0-9a-f]\{64\}) of chain 31337, transaction 0x[0-9a-f]\{64\} log [0-9]*, registry $registry" <<< "$out" ||
  fail "prove output: $out"
size=$(stat -c %s "$work/big.car")
[ "$size" -lt 4096 ] || fail "the proof of one file is $size bytes"
echo "  $size bytes"

echo "prove a one-block file two directories down, and one at the top"
expect 0 "$MLCHAIN" prove HEAD models/sub/head.bin --out "$work/deep.car" --json
[ "$(json_field cid <<< "$out")" = "$("$MLCHAIN" cid models/sub/head.bin | cut -d' ' -f1)" ] || fail "deep CID: $out"
[ "$(json_field size <<< "$out")" = 13 ] || fail "deep size: $out"
[ "$(json_field blocks <<< "$out")" = 5 ] || fail "the proof of models/sub/head.bin: $out"
[ "$(json_field anchor.repo <<< "$out")" = proved ] || fail "prove --json anchor: $out"
expect 0 "$MLCHAIN" prove HEAD config.json --out "$work/config.car"

echo "refusals of prove"
expect 3 "$MLCHAIN" prove HEAD models/none.bin --out "$work/none.car"
[ ! -e "$work/none.car" ] || fail "a refused prove wrote its file"
expect 2 "$MLCHAIN" prove HEAD models --out "$work/none.car"
expect 2 "$MLCHAIN" prove HEAD ../config.json --out "$work/none.car"
expect 3 "$MLCHAIN" prove nosuchbranch config.json --out "$work/none.car"
expect 2 "$MLCHAIN" prove HEAD config.json

echo "verify outside any repository"
cd "$work"
for car in big deep config; do
  expect 0 "$MLCHAIN" verify --proof "$work/$car.car"
  grep -qi "^verified proof of .* in $commit: .* signed by $owner$" <<< "$out" || fail "verify output: $out"
done
expect 0 "$MLCHAIN" verify --proof big.car --json
[ "$(json_field ok <<< "$out")" = true ] || fail "verify --json: $out"
[ "$(json_field path <<< "$out")" = models/big.bin ] || fail "verify --json path: $out"
[ "$(json_field entry <<< "$out")" = "$big_cid" ] || fail "verify --json entry: $out"
[ "$(json_field size <<< "$out")" = 3000000 ] || fail "verify --json size: $out"
[ "$(json_field signer <<< "$out" | tr A-F a-f)" = "$(tr A-F a-f <<< "$owner")" ] || fail "verify --json signer: $out"
[ "$(json_field problems <<< "$out")" = "[]" ] || fail "verify --json problems: $out"

echo "--file: the same bytes pass, one byte changed fails, a missing file is exit 3"
expect 0 "$MLCHAIN" verify --proof big.car --file repo/models/big.bin
grep -q "imports to that CID" <<< "$out" || fail "verify --file output: $out"
cp repo/models/big.bin changed.bin
printf '\x00' | dd of=changed.bin bs=1 seek=1234567 conv=notrunc status=none
cmp -s changed.bin repo/models/big.bin && printf '\x01' | dd of=changed.bin bs=1 seek=1234567 conv=notrunc status=none
expect 1 "$MLCHAIN" verify --proof big.car --file changed.bin
grep -q "^mlchain: verify: file: changed.bin imports to " <<< "$out" || fail "verify --file output: $out"
expect 1 "$MLCHAIN" verify --proof config.car --file repo/models/big.bin
expect 3 "$MLCHAIN" verify --proof big.car --file nothing.bin
expect 3 "$MLCHAIN" verify --proof nothing.car
expect 2 "$MLCHAIN" verify --proof big.car HEAD
expect 2 "$MLCHAIN" verify --file repo/config.json

echo "--file follows a symlink to the weights (as a Hugging Face cache keeps them); a FIFO or directory is refused"
ln -s repo/models/big.bin linked.bin
expect 0 "$MLCHAIN" verify --proof big.car --file linked.bin
mkfifo pipe.bin
expect 2 timeout 20 "$MLCHAIN" verify --proof big.car --file pipe.bin
expect 2 "$MLCHAIN" verify --proof big.car --file repo/models
echo "a file far larger than any proof is refused before it is read"
truncate -s 20M huge.car
expect 1 "$MLCHAIN" verify --proof huge.car
grep -q "more than any proof" <<< "$err" || fail "a huge proof file: $err"

echo "single-bit changes and truncations are refused"
flips=0
for offset in $(python3 -c "import sys; n=$size; print(*sorted(set(list(range(0, n, max(1, n // 40))) + [n - 1])))"); do
  cp big.car flipped.car
  byte=$(od -An -tu1 -j "$offset" -N1 big.car | tr -d ' ')
  printf "\\x$(printf '%02x' $((byte ^ 4)))" | dd of=flipped.car bs=1 seek="$offset" conv=notrunc status=none
  expect 1 "$MLCHAIN" verify --proof flipped.car
  flips=$((flips + 1))
done
for length in 0 10 100 $((size / 2)) $((size - 1)); do
  head -c "$length" big.car > truncated.car
  expect 1 "$MLCHAIN" verify --proof truncated.car
done
echo "  $flips offsets, 5 truncations refused"

echo "an independent CAR reader agrees"
proof_car list big.car > listed.json
python3 - "$commit" "$big_cid" listed.json << 'EOF' || fail "@ipld/car: $(cat listed.json)"
import json, sys
commit, big, listed = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
assert len(listed["roots"]) == 1 and listed["roots"][0] == listed["blocks"][0]["cid"], listed["roots"]
assert all(b["hash_ok"] for b in listed["blocks"]), "a block does not hash to its CID"
assert [b["codec"] for b in listed["blocks"]] == [0x71, 0x71, 0x70, 0x70, 0x70], listed["blocks"]
assert listed["blocks"][1]["cid"] == commit and listed["blocks"][4]["cid"] == big, listed["blocks"]
proof = listed["proof"]
assert proof["type"] == "mlchain/file-proof" and proof["path"] == "models/big.bin" and proof["commit"] == commit, proof
assert proof["anchor"]["repo"] == "proved" and proof["anchor"]["chain"] == 31337, proof
EOF
root=$(json_field roots.0 < listed.json)
tx=$(json_field proof.anchor.transaction < listed.json)
block=$(json_field proof.anchor.block < listed.json)
[ "$("$cast" receipt --rpc-url "$rpc" "$tx" blockNumber)" = "$block" ] || fail "cast puts $tx elsewhere than block $block"

echo "the IPFS node imports the proof"
timeout 60 curl -sS --max-time 60 -X POST -F "file=@big.car" "$api/api/v0/dag/import?pin-roots=false" > imported.json ||
  fail "dag/import: $(cat imported.json)"
timeout 60 curl -sS --max-time 60 -X POST "$api/api/v0/block/get?arg=$root" > served.block
python3 - big.car served.block << 'EOF' || fail "the node serves other bytes for $root"
import sys
car, served = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert len(served) > 0 and served in car, "the served proof block is not the one in the CAR"
EOF

echo "a block swapped for another proof's, and a proof read as another path's"
proof_car replace big.car swapped.car 4 config.car 2
expect 1 "$MLCHAIN" verify --proof swapped.car
proof_car replace big.car swapped.car 3 deep.car 4
expect 1 "$MLCHAIN" verify --proof swapped.car
proof_car replace big.car other-path.car 0 config.car 0
expect 1 "$MLCHAIN" verify --proof other-path.car
grep -q "^mlchain: verify: proof: " <<< "$out" || fail "verify output: $out"

echo "--chain: the honest proof holds, inside and outside the repository"
expect 0 "$MLCHAIN" verify --proof big.car --chain --rpc "$rpc"
grep -qi "^anchored by proved/main in block $block .* confirmation.*pusher $owner$" <<< "$out" || fail "verify --chain: $out"
expect 0 "$MLCHAIN" verify --proof deep.car --chain --rpc "$rpc" --json
[ "$(json_field anchor.confirmed <<< "$out")" = true ] || fail "verify --chain --json: $out"
(cd repo && expect 0 "$MLCHAIN" verify --proof ../big.car --chain --file models/big.bin)
expect 2 "$MLCHAIN" verify --proof big.car --chain
expect 4 "$MLCHAIN" verify --proof big.car --chain --rpc http://127.0.0.1:9

echo "checks a proof cannot make are refused, never passed over: --authorized, --deployed-to, --rpc without --chain"
expect 2 "$MLCHAIN" verify --proof big.car --chain --rpc "$rpc" --authorized
expect 2 "$MLCHAIN" verify --proof big.car --chain --rpc "$rpc" --deployed-to prod
expect 2 "$MLCHAIN" verify --proof big.car --rpc "$rpc"

echo "--chain: forged anchor facts pass offline and fail against the chain"
"$cast" block --rpc-url "$rpc" 1 --json > block1.json
deploy_tx=$(json_field transactions.0 < block1.json)
block_hash=$(json_field proof.anchor.blockHash < listed.json)
log_index=$(json_field proof.anchor.logIndex < listed.json)
other_hash=$(json_field hash < block1.json)
for forgery in "block $((block - 1))" "transaction $deploy_tx" "logIndex $((log_index ^ 1))" "blockHash $other_hash" \
  "branch other" "repo other" "chain 1" "registry 0x000000000000000000000000000000000000dEaD"; do
  proof_car forge big.car forged.car $forgery > /dev/null
  expect 0 "$MLCHAIN" verify --proof forged.car
  expect 1 "$MLCHAIN" verify --proof forged.car --chain --rpc "$rpc"
  grep -q "^mlchain: verify: chain: " <<< "$out" || fail "forged $forgery: $out"
done
[ "$block_hash" != "$other_hash" ] || fail "block 1 is the anchoring block"

echo "--min-confirmations beyond the chain's height fails"
expect 1 "$MLCHAIN" verify --proof big.car --chain --rpc "$rpc" --min-confirmations 1000

echo "a proof of an unpushed commit carries no anchor: --chain fails with not-anchored"
cd repo
echo "v2" > config.json
expect 0 "$MLCHAIN" commit -m "not pushed"
expect 0 "$MLCHAIN" prove HEAD config.json --out "$work/unpushed.car"
grep -q "^not anchored: no push to repository proved" <<< "$out" || fail "prove output: $out"
cd "$work"
expect 0 "$MLCHAIN" verify --proof unpushed.car --file repo/config.json
expect 1 "$MLCHAIN" verify --proof unpushed.car --chain --rpc "$rpc" --json
[ "$(json_field problems.0.kind <<< "$out")" = not-anchored ] || fail "verify --chain of an unpushed commit: $out"
echo "ok"
