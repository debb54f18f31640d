#!/usr/bin/env bash
# Transfer by chunk against a real js-ipfs 0.66.1 node, bytes counted at a TCP proxy in front of it (not
# from mlchain's own report): a second version of a file with 2 of its 16 chunks changed in place is pushed
# as those chunks and the file's root, under both profiles; the node then serves the whole new file (`cat`)
# and pins the new head; a clone from a fresh directory verifies; a clone of the first version fetches the
# second receiving only the changed chunks; and a node that lost what it was given (unpinned and
# garbage-collected) still ends up with every block.
: "${MLCHAIN_PEERS:?tests/peers}"
source "$(dirname "$0")/lib/expect.sh"
make_workspace

source "$(dirname "$0")/lib/peers.sh"
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

start_ipfs
start_proxy counting-proxy.mjs "$api"
counts="$work/proxy-port-0.counts"

# "<to node> <from node>" once every connection through the proxy has closed.
proxy_counts() {
  for _ in $(seq 100); do
    read -r up down open < "$counts"
    [ "$open" -eq 0 ] && { echo "$up $down"; return; }
    sleep 0.05
  done
  fail "connections through the proxy stay open"
}

# Overwrites chunk N (of SIZE bytes) of FILE in place with other bytes.
change_chunk() {
  head -c "$2" /dev/urandom | dd of="$3" bs="$2" seek="$1" conv=notrunc status=none
}

api_call() { curl -sf --max-time 60 -X POST "$api/api/v0/$1"; }

for profile in unixfs-v1-2025 unixfs-v0-2015; do
  if [ "$profile" = unixfs-v1-2025 ]; then chunk=1048576; else chunk=262144; fi
  repo="$work/$profile"
  mkdir -p "$repo" && cd "$repo"
  "$MLCHAIN" init . >/dev/null
  "$MLCHAIN" config set core.profile "$profile"
  head -c $((16 * chunk)) /dev/urandom > model.safetensors
  expect 0 "$MLCHAIN" commit -m first
  "$MLCHAIN" remote add origin --ipfs "$proxy"
  expect 0 "$MLCHAIN" push
  first=$out

  change_chunk 3 "$chunk" model.safetensors
  change_chunk 11 "$chunk" model.safetensors
  expect 0 "$MLCHAIN" commit -m second
  read -r up_before _ < <(proxy_counts)
  expect 0 "$MLCHAIN" push
  second=$out
  read -r up_after _ < <(proxy_counts)
  sent=$((up_after - up_before))
  echo "$profile: second push sent $sent bytes to the node for 2 changed chunks of $chunk bytes ($err)"
  [ "$sent" -ge $((2 * chunk)) ] || fail "$profile: the second push sent $sent bytes, less than the changed chunks"
  [ "$sent" -le $((2 * chunk + 65536)) ] || fail "$profile: the second push sent $sent bytes, more than the changed chunks"
  [[ "$err" == *"bytes of the uploaded files' chunks (sent $((2 * chunk)) of $((16 * chunk)))"* ]] ||
    fail "$profile: push report: $err"

  cid=$("$MLCHAIN" cid --profile "$profile" model.safetensors | cut -d" " -f1)
  curl -sf --max-time 60 -X POST "$api/api/v0/cat?arg=$cid" | cmp -s - model.safetensors ||
    fail "$profile: the node's cat of $cid differs from the second version"
  api_call "pin/ls?arg=$second&type=recursive&cid-base=base32" | has "$second" || fail "$profile: $second is not pinned recursively"
  api_call "refs?arg=$second&recursive=true&unique=true&offline=true&timeout=20s" >"$work/refs"
  ! has '"Err":"[^"]' <"$work/refs" || fail "$profile: refs -r of $second: $(cat "$work/refs")"

  cd "$work"
  expect 0 "$MLCHAIN" clone "$second" "fresh-$profile" --ipfs "$api"
  cmp -s "$repo/model.safetensors" "fresh-$profile/model.safetensors" || fail "$profile: the fresh clone differs"
  (cd "fresh-$profile" && expect 0 "$MLCHAIN" verify) || fail "$profile: the fresh clone does not verify"

  # A clone of the first version fetches the second: only the changed chunks come from the node.
  expect 0 "$MLCHAIN" clone "$first" "older-$profile" --ipfs "$proxy"
  cd "older-$profile"
  read -r _ down_before < <(proxy_counts)
  expect 0 "$MLCHAIN" fetch origin "$second"
  read -r _ down_after < <(proxy_counts)
  received=$((down_after - down_before))
  echo "$profile: fetch of the second version received $received bytes ($out)"
  [ "$received" -le $((2 * chunk + 131072)) ] || fail "$profile: the fetch received $received bytes"
  [[ "$out" == *"$((14 * chunk)) of them from chunks stored here already"* ]] || fail "$profile: fetch report: $out"
  expect 0 "$MLCHAIN" checkout "$second"
  cmp -s "$repo/model.safetensors" model.safetensors || fail "$profile: the fetched second version differs"
done

# The node loses what it was given: unpinned and garbage-collected. The next push leaves out the chunks
# the tracking ref says the node holds, finds them missing, and sends the files again whole.
cd "$work/unixfs-v1-2025"
for pinned in $(api_call "pin/ls?type=recursive" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["Keys"]))'); do
  api_call "pin/rm?arg=$pinned" >/dev/null
done
api_call "repo/gc" >/dev/null
! curl -s --max-time 10 -X POST "$api/api/v0/block/stat?arg=$cid&timeout=500ms" | has '"Key"' ||
  fail "the garbage collection kept $cid"
change_chunk 7 1048576 model.safetensors
expect 0 "$MLCHAIN" commit -m third
expect 0 "$MLCHAIN" push
third=$out
echo "after the node lost its blocks: $err"
[[ "$err" == *"3 files ("*" bytes) were sent again whole"* ]] || fail "the push did not notice the lost chunks: $err"
cid=$("$MLCHAIN" cid model.safetensors | cut -d" " -f1)
curl -sf --max-time 60 -X POST "$api/api/v0/cat?arg=$cid" | cmp -s - model.safetensors ||
  fail "the node's cat of $cid differs from the third version"
api_call "pin/ls?arg=$third&type=recursive&cid-base=base32" | has "$third" || fail "$third is not pinned recursively"
cd "$work"
expect 0 "$MLCHAIN" clone "$third" third --ipfs "$api"
cmp -s unixfs-v1-2025/model.safetensors third/model.safetensors || fail "the clone of the third version differs"
echo "chunk transfer: pushes and fetches move the changed chunks; a node that lost blocks gets them again"
