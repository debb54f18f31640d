#!/usr/bin/env bash
# Hostile and broken IPFS nodes, through tests/peers/hostile-proxy.mjs in front of a real
# js-ipfs daemon: a flipped byte, a truncated answer, another block in place of the one asked for — clone,
# fetch and verify exit 1 naming the CID, and nothing is left at a final path (no clone directory, no
# remote-tracking ref, no stored file contents); a dropped connection is exit 4 naming the URL; so is the
# daemon stopped. The proxy's gateway face (?format=raw) passes the same tests and clones when honest.
: "${MLCHAIN_PEERS:?tests/peers}"
source "$(dirname "$0")/lib/expect.sh"
make_workspace

source "$(dirname "$0")/lib/peers.sh"
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

start_ipfs

mkdir -p "$work/repo/sub" && cd "$work/repo"
head -c 2500000 /dev/urandom > weights.bin
printf 'vocab\n' > sub/vocab.txt
"$MLCHAIN" init . >/dev/null && "$MLCHAIN" commit -m first >/dev/null
"$MLCHAIN" remote add origin --ipfs "$api"
head=$("$MLCHAIN" push)
echo "pushed $head to $api"

start_proxy hostile-proxy.mjs "$api" pass
set_mode() { curl -sf --max-time 120 -X POST "$proxy/__proxy/mode?mode=$1" >/dev/null || fail "cannot switch the proxy to $1"; }

cd "$work"
# Honest through the proxy, over both faces.
expect 0 "$MLCHAIN" clone "$head" via-api --ipfs "$proxy"
expect 0 "$MLCHAIN" clone "$head" via-gateway --gateway "$proxy"
diff -r --exclude=.mlchain repo via-gateway || fail "clone through the gateway differs"
cp -r via-gateway deploy && rm -rf deploy/.mlchain
expect 0 "$MLCHAIN" verify "$head" --path deploy --gateway "$proxy"
expect 0 "$MLCHAIN" verify "$head" --path deploy --ipfs "$proxy"

mkdir fetcher && (cd fetcher && "$MLCHAIN" init . >/dev/null && "$MLCHAIN" remote add hostile --ipfs "$proxy" \
  && "$MLCHAIN" remote add hostilegw --gateway "$proxy")
for mode in flip-byte truncate swap-block; do
  set_mode "$mode"
  for face in --ipfs --gateway; do
    expect 1 "$MLCHAIN" clone "$head" "bad-$mode" "$face" "$proxy"
    [[ "$err" == *"baf"* ]] || fail "$mode $face clone: the error names no CID: $err"
    [ ! -e "bad-$mode" ] || fail "$mode $face: a failed clone left its directory"
    expect 1 "$MLCHAIN" verify "$head" --path deploy "$face" "$proxy"
    [[ "$err" == *"baf"* ]] || fail "$mode $face verify: the error names no CID: $err"
  done
  cd fetcher
  for remote in hostile hostilegw; do
    expect 1 "$MLCHAIN" fetch "$remote" "$head"
    [ ! -e ".mlchain/refs/remotes/$remote/$head" ] || fail "$mode: a failed fetch recorded a ref"
    [ -z "$(find .mlchain/files .mlchain/objects -type f \( -path '*/files/*' -o -name 'bafkrei*' \) ! -name '*.tmp-*' 2>/dev/null)" ] || fail "$mode: a failed fetch stored file contents"
  done
  cd "$work"
  echo "$mode: clone, fetch and verify refused it (exit 1)"
done

set_mode drop
expect 4 "$MLCHAIN" clone "$head" dropped --ipfs "$proxy"
[[ "$err" == *"127.0.0.1"* ]] || fail "drop: the error names no URL: $err"
[ ! -e dropped ] || fail "drop: a failed clone left its directory"
mkdir empty-target
expect 4 "$MLCHAIN" clone "$head" empty-target --ipfs "$proxy"
[ -d empty-target ] && [ -z "$(ls -A empty-target)" ] || fail "a failed clone into an empty directory left something in it"
echo "drop: exit 4"

"$MLCHAIN_PEERS/ipfs-daemon.sh" stop "$work/ipfs" >/dev/null
expect 4 "$MLCHAIN" clone "$head" stopped --ipfs "$api"
[[ "$err" == *"${api#http://}"* ]] || fail "stopped daemon: the error names no URL: $err"
[ ! -e stopped ] || fail "stopped daemon: a failed clone left its directory"
expect 4 "$MLCHAIN" verify "$head" --path via-api --ipfs "$api"
cd repo
expect 4 "$MLCHAIN" push
echo "daemon stopped: clone, verify and push exit 4"
