#!/usr/bin/env bash
# Push, clone, fetch and verify by CID against a real IPFS node (js-ipfs 0.66.1, tests/peers/ipfs-daemon.sh):
# remote add/list/remove and their errors; push prints the head, records refs/remotes/origin/main, and
# the node's `cat` of every file's CID equals the file; a second push uploads nothing; clone into a fresh
# directory is byte-exact (diff -r) with branch main, remote origin and a clean fsck; verify by CID
# without a repository (clean, tampered, --signer, --json); fetch into another repository; --depth; a
# push cut off half-way (the network dropped after N requests) resumed uploads only the rest; CAR round
# trips both ways (our export -> the node's dag/import -> cat; the node's dag/export -> our import).
: "${MLCHAIN_PEERS:?tests/peers}"
source "$(dirname "$0")/lib/expect.sh"
make_workspace

source "$(dirname "$0")/lib/peers.sh"
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
address=0x2c7536E3605D9C16a7a3D7b1898e529396a65c23

start_ipfs
echo "IPFS API: $api"

# A bundle: two files of several chunks, a one-chunk file, a nested file, an empty file.
mkdir -p "$work/repo/sub"
cd "$work/repo"
head -c 3500000 /dev/urandom > weights.bin
head -c 2200000 /dev/urandom > sub/shard.bin
printf '{"layers": 2}\n' > config.json
: > empty.txt
"$MLCHAIN" init . >/dev/null

# remote add / list / remove.
expect 2 "$MLCHAIN" remote add origin --ipfs not-a-url
expect 2 "$MLCHAIN" remote add origin --ipfs http://
expect 2 "$MLCHAIN" remote add Bad.Name --ipfs "$api"
expect 2 "$MLCHAIN" remote add origin
expect 2 "$MLCHAIN" remote add chain --rpc http://127.0.0.1:8545 --registry 0x1234 --repo m
expect 2 "$MLCHAIN" remote add chain --rpc http://127.0.0.1:8545
expect 0 "$MLCHAIN" remote add origin --ipfs "$api"
expect 5 "$MLCHAIN" remote add origin --ipfs "$api"
expect 0 "$MLCHAIN" remote add spare --gateway http://127.0.0.1:9 --rpc http://127.0.0.1:8545 \
  --registry 0x5FbDB2315678afecb367f032d93F642f64180aa3 --repo model --chain-id 31337
expect 0 "$MLCHAIN" remote list
[ "$out" = "origin  ipfs $api
spare  gateway http://127.0.0.1:9  rpc http://127.0.0.1:8545 registry 0x5FbDB2315678afecb367f032d93F642f64180aa3 repo model chain-id 31337" ] \
  || fail "remote list: $out"
expect 0 "$MLCHAIN" remote list --json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [r["name"] for r in d] == ["origin", "spare"], d
assert d[1]["chain_id"] == 31337 and d[0]["gateway"] is None, d
' "$out" || fail "remote list --json: $out"
[ "$("$MLCHAIN" config get remote.spare.repo)" = model ] || fail "config get remote.spare.repo"
expect 0 "$MLCHAIN" remote remove spare
expect 3 "$MLCHAIN" remote remove spare
expect 3 "$MLCHAIN" push nowhere

expect 3 "$MLCHAIN" push
"$MLCHAIN" commit -m "first" >/dev/null
first=$("$MLCHAIN" log --json -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cid"])')
printf 'more\n' > notes.txt
"$MLCHAIN" commit -m "second" >/dev/null
head=$("$MLCHAIN" log --json -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cid"])')

# Push: the head on stdout, the tracking ref, every file readable from the node byte for byte.
expect 0 "$MLCHAIN" push
[ "$out" = "$head" ] || fail "push printed '$out', not the head $head"
echo "push: $err"
[ "$(cat .mlchain/refs/remotes/origin/main)" = "$head" ] || fail "refs/remotes/origin/main is not the head"
for file in weights.bin sub/shard.bin config.json empty.txt notes.txt; do
  cid=$("$MLCHAIN" cid "$file" | cut -d' ' -f1)
  curl -sf --max-time 120 -X POST "$api/api/v0/cat?arg=$cid" > "$work/cat.out" || fail "the node cannot cat $file ($cid)"
  cmp -s "$work/cat.out" "$file" || fail "cat $cid from the node differs from $file"
done
echo "cat through the node's API equals every file"
pins=$(curl -sf --max-time 120 -X POST "$api/api/v0/pin/ls?arg=$head&type=recursive") || fail "the head is not pinned"
[[ "$pins" == *"recursive"* ]] || fail "pin/ls: $pins"
# Nothing left to upload the second time.
expect 0 "$MLCHAIN" push origin main
[[ "$err" == "uploaded 0 files (0 bytes) and 0 blocks"* ]] || fail "a second push uploaded something: $err"

# Clone into a fresh directory: byte-exact, branch main, remote origin, fsck clean.
cd "$work"
expect 0 "$MLCHAIN" clone "$head" clone --ipfs "$api"
echo "clone: $out"
diff -r --exclude=.mlchain repo clone || fail "the clone differs from the pushed work tree"
[ "$(cat clone/.mlchain/refs/heads/main)" = "$head" ] || fail "clone: main is not the head"
cd clone
[ "$("$MLCHAIN" config get remote.origin.ipfs)" = "$api" ] || fail "clone: no origin remote"
expect 0 "$MLCHAIN" fsck
expect 0 "$MLCHAIN" verify --signer "$address"
expect 0 "$MLCHAIN" log --oneline
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] || fail "clone log: $out"
cd "$work"
# The default directory is the CID; a non-empty target is refused.
expect 0 "$MLCHAIN" clone "$head" --ipfs "$api"
[ -f "$head/weights.bin" ] || fail "clone without DIR did not create ./$head"
expect 5 "$MLCHAIN" clone "$head" clone --ipfs "$api"
expect 2 "$MLCHAIN" clone "$head" other
expect 2 "$MLCHAIN" clone "$head" other --ipfs "$api" --gateway "$api"
expect 2 "$MLCHAIN" clone not-a-cid other --ipfs "$api"
# A CID the node does not hold: exit 3 naming the node, nothing left behind.
unknown=bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
expect 3 "$MLCHAIN" clone "$unknown" missing --ipfs "$api"
[[ "$err" == *"not found on"* ]] || fail "unknown CID: $err"
[ ! -e missing ] || fail "a failed clone left 'missing' behind"

# --depth 1: only the head commit.
expect 0 "$MLCHAIN" clone "$head" shallow --ipfs "$api" --depth 1
[[ "$out" == *"1 commit,"* ]] || fail "clone --depth 1: $out"
[[ "$out" == *"not fetched"*"$first"* || "$out" == *"$first"*"not fetched"* ]] || fail "clone --depth 1 does not name the cut parent: $out"
[ -f shallow/notes.txt ] || fail "shallow clone lacks notes.txt"

# verify by CID without a repository.
# (--path counts every file: a deployment directory, without .mlchain/.)
cp -r "$work/clone" "$work/deploy" && rm -rf "$work/deploy/.mlchain"
mkdir outside && cd outside
expect 0 "$MLCHAIN" verify "$head" --path "$work/deploy" --ipfs "$api" --signer "$address"
echo "verify: $out"
expect 1 "$MLCHAIN" verify "$head" --path "$work/deploy" --ipfs "$api" --signer 0x000000000000000000000000000000000000dEaD
printf 'x' >> "$work/deploy/config.json"
rm "$work/deploy/empty.txt"
printf 'new\n' > "$work/deploy/extra.txt"
expect 1 "$MLCHAIN" verify "$head" --path "$work/deploy" --ipfs "$api" --json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert list(d) == ["ok", "commit", "problems"] and d["ok"] is False, d
kinds = sorted((p["kind"], p["path"]) for p in d["problems"])
assert kinds == [("extra", "extra.txt"), ("missing", "empty.txt"), ("modified", "config.json")], kinds
' "$out" || fail "verify --json of a tampered directory: $out"
expect 2 "$MLCHAIN" verify main --path "$work/clone" --ipfs "$api"
expect 2 "$MLCHAIN" verify "$head" --ipfs "$api"
expect 3 "$MLCHAIN" verify "$unknown" --path "$work/clone" --ipfs "$api"
cd "$work"

# fetch into another repository: the commits, refs/remotes/origin/<cid>, then a branch and checkout.
mkdir other && cd other && "$MLCHAIN" init . >/dev/null
expect 3 "$MLCHAIN" fetch origin "$head"
"$MLCHAIN" remote add origin --ipfs "$api"
expect 0 "$MLCHAIN" fetch origin "$head"
[ "$(cat ".mlchain/refs/remotes/origin/$head")" = "$head" ] || fail "fetch did not record refs/remotes/origin/$head"
"$MLCHAIN" branch main "$head"
"$MLCHAIN" checkout main >/dev/null
diff -r --exclude=.mlchain "$work/repo" . || fail "fetched and checked out tree differs"
expect 3 "$MLCHAIN" fetch origin "$unknown"
cd "$work"

# CAR round trips. Ours -> the node: a commit not pushed, exported, dag/import-ed, its new file cat-ed.
cd repo
head -c 1500000 /dev/urandom > late.bin
"$MLCHAIN" commit -m "third" >/dev/null
third=$("$MLCHAIN" log --json -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cid"])')
expect 0 "$MLCHAIN" export "$third" --car "$work/ours.car"
echo "export: $out"
imported=$(curl -sf --max-time 120 -X POST -F "file=@$work/ours.car" "$api/api/v0/dag/import") || fail "the node's dag/import refused our CAR"
echo "node dag/import: $imported"
late=$("$MLCHAIN" cid late.bin | cut -d' ' -f1)
curl -sf --max-time 120 -X POST "$api/api/v0/cat?arg=$late" | cmp -s - late.bin || fail "cat of late.bin after dag/import differs"
expect 0 "$MLCHAIN" export "$third" --car "$work/shallow.car" --depth 1
[[ "$out" == *"1 commit,"* ]] || fail "export --depth 1: $out"
# The node's dag/export -> our import, in a fresh repository; branches do not move.
cd "$work" && mkdir fromcar && cd fromcar && "$MLCHAIN" init . >/dev/null
curl -sf --max-time 120 -X POST "$api/api/v0/dag/export?arg=$third" > "$work/node.car" || fail "dag/export"
expect 0 "$MLCHAIN" import "$work/node.car"
echo "import: $out"
[[ "$out" == *"3 commits"* && "$out" == *"root $third"* ]] || fail "import of the node's CAR: $out"
[ ! -e .mlchain/refs/heads/main ] || fail "import moved a branch"
"$MLCHAIN" branch main "$third" && "$MLCHAIN" checkout main >/dev/null
diff -r --exclude=.mlchain "$work/repo" . || fail "tree imported from the node's CAR differs"
expect 0 "$MLCHAIN" fsck
# Our own shallow CAR names where its history ends.
cd "$work" && mkdir fromshallow && cd fromshallow && "$MLCHAIN" init . >/dev/null
expect 0 "$MLCHAIN" import "$work/shallow.car"
[[ "$out" == *"1 commit,"* && "$out" == *"not included"* ]] || fail "import of a shallow CAR: $out"
# A truncated CAR: exit 1, nothing named.
head -c 1000 "$work/ours.car" > "$work/cut.car"
expect 1 "$MLCHAIN" import "$work/cut.car"
cd "$work"

# A push cut off half-way: the network drops after 7 requests (6 block/stat of the plan, one file
# uploaded), then the push is run again directly: it uploads only what is missing.
mkdir resume && cd resume
head -c 2000000 /dev/urandom > a.bin
head -c 2000000 /dev/urandom > b.bin
head -c 2000000 /dev/urandom > c.bin
"$MLCHAIN" init . >/dev/null && "$MLCHAIN" commit -m resume >/dev/null
start_proxy hostile-proxy.mjs "$api" drop-after:7
"$MLCHAIN" remote add cut --ipfs "$proxy"
"$MLCHAIN" remote add origin --ipfs "$api"
expect 4 "$MLCHAIN" push cut main
[ ! -e .mlchain/refs/remotes/cut/main ] || fail "a failed push recorded refs/remotes/cut/main"
expect 0 "$MLCHAIN" push origin main
echo "resumed push: $err"
uploaded=$(sed -n 's/^uploaded \([0-9]*\) files.*/\1/p' <<<"$err")
present=$(sed -n 's/.*; \([0-9]*\) files and.*/\1/p' <<<"$err")
[ "$present" -ge 1 ] && [ $((uploaded + present)) -eq 3 ] || fail "the resumed push re-uploaded: $err"
[[ "$err" != *$'\r'* ]] || fail "push drew a progress bar on a stderr that is not a terminal"

# On a terminal, push draws a progress bar on stderr (bytes, rate, time left), then clears it.
head -c 3000000 /dev/urandom > d.bin
"$MLCHAIN" commit -m "on a terminal" >/dev/null
script -qec "'$MLCHAIN' push origin main" /dev/null > "$work/terminal.out" || fail "push on a terminal failed: $(cat "$work/terminal.out")"
grep -q $'push [0-9.]* [KMG]*i*B / [0-9.]* [KMG]*i*B  [0-9.]* [KMG]*i*B/s' "$work/terminal.out" \
  || fail "no progress bar on a terminal: $(cat -v "$work/terminal.out")"
echo "ipfs push/clone/fetch/verify/CAR: all good"
