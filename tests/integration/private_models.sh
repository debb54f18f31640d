#!/usr/bin/env bash
# Private models against a real anvil and js-ipfs daemon (tests/peers): readers publish their encryption keys
# on the registry; the owner pushes to a private remote and grants one reader; no block the node holds
# contains a plaintext byte run of any file; the grantee clones and its files are byte for byte the owner's;
# a reader never granted gets exit 6 with nothing written; a reader revoked before a version gets exit 6 for
# it while the remaining grantee pulls it; a node that flips bits of what it serves gives exit 1 with nothing
# written; `access list` shows who holds what; `shred` leaves the owner unable to open the version, its
# ciphertext unpinned and the shredding on chain.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
lower() { tr 'A-F' 'a-f' <<< "$1"; }

start_anvil
start_ipfs
owner_key=$(account private_keys 0)
r1_key=$(account private_keys 1); r1=$(account available_accounts 1)
r2_key=$(account private_keys 2); r2=$(account available_accounts 2)
r3_key=$(account private_keys 3); r3=$(account available_accounts 3)
export MLCHAIN_PRIVATE_KEY=$owner_key

expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)

echo "readers publish their encryption keys, found from the chain alone"
for reader in r1_key r2_key r3_key; do
  expect 0 as_key "${!reader}" "$MLCHAIN" key encryption publish --rpc "$rpc" --registry "$registry"
done
expect 0 as_key "$r1_key" "$MLCHAIN" key encryption show --rpc "$rpc" --registry "$registry" --json
r1_encryption=$(json_field <(echo "$out") encryption_key)
[ "$(json_field <(echo "$out") published)" = True ] || fail "r1's key is not shown as published: $out"
expect 0 as_key "$r1_key" "$MLCHAIN" key encryption publish --rpc "$rpc" --registry "$registry"
grep -q "already published" <<< "$out" || fail "a second publish of the same key is not a no-op: $out"

echo "the owner pushes to a private remote: ciphertext only"
mkdir "$work/a" && cd "$work/a"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model \
  --chain-id 31337 --private
python3 - <<'PY'
import os, random
random.seed(16)
os.makedirs("layers", exist_ok=True)
open("weights.bin", "wb").write(bytes(random.getrandbits(8) for _ in range(3 * 1024 * 1024 + 77)))
open("layers/head.bin", "wb").write(bytes(random.getrandbits(8) for _ in range(70000)))
open("config.json", "w").write('{"secret_hyperparameter": "lantern-octopus-42", "layers": 12}\n')
open("empty.txt", "w").close()
PY
expect 0 "$MLCHAIN" commit -m "v1"
v1=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
grep -q "sealed 4 files" <<< "$err" || fail "push did not say it sealed the files: $err"
grep -q "marked model private" <<< "$err" || fail "push did not mark the repository private: $err"
[ "$("$cast" call --rpc-url "$rpc" "$registry" 'isPrivate(string)(bool)' model)" = true ] ||
  fail "the registry does not mark the repository private"

echo "no block on the node holds a plaintext byte run of any file"
python3 - "$api" weights.bin layers/head.bin config.json <<'PY' || fail "plaintext found on the node"
import sys, urllib.request, json
api = sys.argv[1]
def call(path):
    return urllib.request.urlopen(urllib.request.Request(api + "/api/v0/" + path, method="POST")).read()
probes = []
for name in sys.argv[2:]:
    data = open(name, "rb").read()
    step = max(1, len(data) // 64)
    probes += [data[i:i + 24] for i in range(0, max(1, len(data) - 24), step)]
blocks = [json.loads(line)["Ref"] for line in call("refs/local").decode().splitlines() if line.strip()]
assert len(blocks) > 10, blocks
for cid in blocks:
    block = call("block/get?arg=" + cid)
    for probe in probes:
        if len(probe) >= 16 and probe in block:
            sys.exit("block %s holds plaintext %r" % (cid, probe[:16]))
print("scanned %d blocks for %d probes" % (len(blocks), len(probes)))
PY

echo "a grant to r1; r1 clones and gets every byte"
expect 0 "$MLCHAIN" access grant "$r1"
grep -q "granted 1 version of model to" <<< "$out" || fail "grant: $out"
cd "$work"
expect 0 as_key "$r1_key" "$MLCHAIN" clone "mlchain://31337@$registry/model" r1 --rpc "$rpc" --ipfs "$api"
for file in weights.bin layers/head.bin config.json empty.txt; do
  cmp "$work/a/$file" "$work/r1/$file" || fail "r1's $file differs from the owner's"
done
(cd r1 && expect 0 "$MLCHAIN" verify) || fail "verify in r1's clone"

echo "a reader never granted: exit 6, nothing written"
expect 6 as_key "$r2_key" "$MLCHAIN" clone "mlchain://31337@$registry/model" r2 --rpc "$rpc" --ipfs "$api"
grep -q "access denied" <<< "$err" && grep -qi "$(lower "$r2")" <<< "$(lower "$err")" ||
  fail "the denial does not name the address: $err"
[ ! -e r2 ] || fail "a denied clone left $work/r2 behind"

echo "r3 granted, then revoked before v3: v2 is wrapped for r3, v3 is not"
cd "$work/a"
expect 0 "$MLCHAIN" access grant "$r3"
echo '{"secret_hyperparameter": "lantern-octopus-43", "layers": 12}' > config.json
expect 0 "$MLCHAIN" commit -m "v2"
v2=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
grep -q "wrapped $v2 for reader $("$cast" to-check-sum-address "$r3")" <<< "$err" || fail "v2 not wrapped for r3: $err"
grep -q "sealed 1 files" <<< "$err" || fail "v2's push re-sealed unchanged files: $err"
cd "$work"
expect 0 as_key "$r3_key" "$MLCHAIN" clone "mlchain://31337@$registry/model" r3 --rpc "$rpc" --ipfs "$api"
cmp "$work/a/config.json" "$work/r3/config.json" || fail "r3's v2 config differs"
rm -rf "$work/r3"
cd "$work/a"
expect 0 "$MLCHAIN" access revoke "$r3"
echo "v3 head" > layers/head.bin
expect 0 "$MLCHAIN" commit -m "v3"
v3=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
grep -q "for reader $("$cast" to-check-sum-address "$r3")" <<< "$err" && fail "v3 was wrapped for the revoked r3: $err"
cd "$work"
expect 6 as_key "$r3_key" "$MLCHAIN" clone "mlchain://31337@$registry/model" r3 --rpc "$rpc" --ipfs "$api"
[ ! -e r3 ] || fail "a denied clone left $work/r3 behind"
(cd r1 && expect 0 as_key "$r1_key" "$MLCHAIN" pull) || fail "r1 could not pull v3"
cmp "$work/a/layers/head.bin" "$work/r1/layers/head.bin" || fail "r1's v3 layers/head.bin differs"

echo "access list shows who holds what"
cd "$work/a"
expect 0 "$MLCHAIN" access list --json
echo "$out" > "$work/access.json"
[ "$(json_field "$work/access.json" private)" = True ] || fail "access list: not private: $out"
[ "$(lower "$(json_field "$work/access.json" readers 0 address)")" = "$(lower "$r1")" ] || fail "access list r1: $out"
[ "$(json_field "$work/access.json" readers 0 current)" = True ] || fail "access list r1 current: $out"
[ "$(json_field "$work/access.json" readers 0 encryption_key)" = "$r1_encryption" ] || fail "access list key: $out"
[ "$(json_field "$work/access.json" readers 0 versions)" = "[\"$v1\", \"$v2\", \"$v3\"]" ] ||
  fail "access list r1 versions: $out"
[ "$(json_field "$work/access.json" readers 1 current)" = False ] || fail "access list r3 revoked: $out"
[ "$(json_field "$work/access.json" readers 1 versions)" = "[\"$v1\", \"$v2\"]" ] || fail "access list r3 versions: $out"

echo "a node that flips bits of what it serves: exit 1, nothing written"
start_proxy hostile-proxy.mjs "$api" flip-byte
cd "$work"
expect 1 as_key "$r1_key" "$MLCHAIN" clone "mlchain://31337@$registry/model" r1-tampered --rpc "$rpc" --ipfs "$proxy"
[ ! -e r1-tampered ] || fail "a clone from a lying node left $work/r1-tampered behind"

echo "shred v3: its unique contents' keys are destroyed, their ciphertext unpinned, the chain records it"
cd "$work/a"
expect 0 "$MLCHAIN" shred "$v3"
grep -q "shredded $v3" <<< "$out" || fail "shred: $out"
grep -q "destroyed 1 file keys" <<< "$out" || fail "shred destroyed another number of keys: $out"
[ "$("$cast" call --rpc-url "$rpc" "$registry" 'shreddedAt(string,bytes32)(uint256)' model "$(digest_of "$v3")")" != 0 ] ||
  fail "the chain does not record the shredding"
new_head=$("$MLCHAIN" cid layers/head.bin)
[ ! -e ".mlchain/private/keys/$new_head" ] || fail "the key of v3's layers/head.bin survived the shredding"
[ "$(ls .mlchain/private/keys | wc -l)" = 5 ] || fail "the owner holds $(ls .mlchain/private/keys | wc -l) keys, not 5"
for unpinned in $(sed -n 's/^unpinned //p' <<< "$out"); do
  curl -sf --max-time 120 -X POST "$api/api/v0/pin/ls?arg=$unpinned" > /dev/null && fail "$unpinned is still pinned"
done
[ -n "$(sed -n 's/^unpinned //p' <<< "$out")" ] || fail "shred names nothing it unpinned: $out"
expect 5 "$MLCHAIN" access grant "$r2" --versions "$v3"
grep -q "shredded" <<< "$err" || fail "granting a shredded version: $err"
echo "all private-model checks passed"
