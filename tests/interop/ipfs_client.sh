#!/usr/bin/env bash
# mlchain's Kubo RPC client, gateway client and CAR codec against a real IPFS node: the js-ipfs 0.66.1
# daemon (tests/peers/ipfs-daemon.sh), reached through tests/interop/ipfs_tool.
#   - add of files of 0 B, 6 B, 1 MiB, 1 MiB+1 and 3 MiB+7 under both profiles: the node's CID equals
#     `mlchain cid`'s, and reading the file back (block by block, every block checked) gives the bytes;
#     the same read through a trustless gateway (hostile-proxy.mjs in pass mode in front of the API);
#   - block/put + block/get of a dag-cbor block, block/stat of a present and an absent block;
#   - the node's dag/export read by mlchain's CarReader and re-encoded byte for byte; mlchain's CAR of a
#     file accepted by the node's dag/import and served back by its cat; pin/add;
#   - hostile answers (flip-byte, truncate, swap-block) are exit 1 naming the CID; a dropped connection
#     and a stopped daemon are exit 4 naming the URL.
set -euo pipefail
: "${MLCHAIN:?path of the mlchain binary}" "${MLCHAIN_PEERS:?tests/peers with node_modules installed}"
: "${MLCHAIN_IPFS_TOOL:?path of ipfs_tool}"
tool=$MLCHAIN_IPFS_TOOL
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
proxy_pid=
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  "$MLCHAIN_PEERS/ipfs-daemon.sh" stop "$work/daemon" || true
}
at_exit cleanup
mentions() { [[ "$err" == *"$1"* ]] || fail "the error does not name $1: $err"; }

echo "starting the js-ipfs daemon"
"$MLCHAIN_PEERS/ipfs-daemon.sh" start "$work/daemon" > /dev/null
api=$(cat "$work/daemon/api-url")
echo "node API: $api"

node "$MLCHAIN_PEERS/hostile-proxy.mjs" "$work/proxy-port" "$api" pass 2> "$work/proxy.log" &
proxy_pid=$!
for _ in $(seq 100); do [ -s "$work/proxy-port" ] && break; sleep 0.1; done
[ -s "$work/proxy-port" ] || fail "the hostile proxy did not start: $(cat "$work/proxy.log")"
proxy="http://127.0.0.1:$(cat "$work/proxy-port")"
set_mode() { node -e 'fetch(process.argv[1], { method: "POST" }).then(r => process.exit(r.ok ? 0 : 1))' "$proxy/__proxy/mode?mode=$1"; }

MiB=$((1024 * 1024))
head -c $((3 * MiB + 7)) /dev/urandom > "$work/stream"
printf 'hello\n' > "$work/file-6"
head -c 0 "$work/stream" > "$work/file-0"
for size in $MiB $((MiB + 1)) $((3 * MiB + 7)); do head -c $size "$work/stream" > "$work/file-$size"; done

for profile in unixfs-v1-2025 unixfs-v0-2015; do
  for size in 0 6 $MiB $((MiB + 1)) $((3 * MiB + 7)); do
    file=$work/file-$size
    expected=$("$MLCHAIN" cid --profile $profile "$file" | cut -d' ' -f1)
    expect_exit 0 "$tool" add "kubo:$api" $profile "$file"
    echo "$profile $size B: mlchain cid $expected, node add $out"
    [ "$out" = "$expected" ] || fail "$profile, $size bytes: the node computed $out, mlchain $expected"
    expect_exit 0 "$tool" cat "kubo:$api" $profile "$expected" "$work/read"
    cmp -s "$file" "$work/read" || fail "$profile, $size bytes: the bytes read back from the node differ"
    expect_exit 0 "$tool" cat "gateway:$proxy" $profile "$expected" "$work/read"
    cmp -s "$file" "$work/read" || fail "$profile, $size bytes: the bytes read through the gateway differ"
  done
done
[ "$("$MLCHAIN" cid "$work/file-6" | cut -d' ' -f1)" = bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am ] \
  || fail "hello\\n has not its CID"

echo "block/put and block/get of a dag-cbor block"
big=$("$MLCHAIN" cid "$work/file-$((3 * MiB + 7))" | cut -d' ' -f1)
# A dag-cbor block linking to the 3 MiB file, encoded by @ipld/dag-cbor (not by mlchain).
(cd "$MLCHAIN_PEERS" && node --input-type=module -e '
  import { encode } from "@ipld/dag-cbor"
  import { CID } from "multiformats/cid"
  import { writeFileSync } from "node:fs"
  writeFileSync(process.argv[1], encode({ file: CID.parse(process.argv[2]), name: "x" }))' "$work/commit.cbor" "$big")
expect_exit 0 "$tool" put-block "kubo:$api" dag-cbor "$work/commit.cbor"
block=$out
echo "stored $block"
expect_exit 0 "$tool" get-block "kubo:$api" "$block" "$work/got"
cmp -s "$work/commit.cbor" "$work/got" || fail "block/get of $block gave other bytes"
expect_exit 0 "$tool" has-block "kubo:$api" "$block"
[ "$out" = true ] || fail "block/stat: the node should hold $block"
absent=bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy  # sha2-256 of "abc\n", never stored
expect_exit 0 "$tool" has-block "kubo:$api" "$absent"
[ "$out" = false ] || fail "block/stat: the node should not hold $absent"
expect_exit 0 "$tool" pin "kubo:$api" "$block"

echo "dag/export of $block read by mlchain, re-encoded byte for byte"
node -e '
  fetch(process.argv[1] + "/api/v0/dag/export?arg=" + process.argv[2], { method: "POST" })
    .then(r => r.arrayBuffer()).then(b => require("fs").writeFileSync(process.argv[3], Buffer.from(b)))' \
  "$api" "$block" "$work/node.car"
expect_exit 0 "$tool" read-car "$work/node.car"
[ "$(printf '%s\n' "$out" | head -1)" = "root $block" ] || fail "the node's CAR has other roots: $out"
blocks=$(printf '%s\n' "$out" | grep -c '^block ')
echo "the node's CAR: $blocks blocks"
[ "$blocks" -eq 6 ] || fail "the node's CAR of $block should hold 6 blocks (itself, the file's root, 4 leaves): $out"
expect_exit 0 "$tool" export "kubo:$api" "$block" "$work/ours.car"
cmp -s "$work/node.car" "$work/ours.car" || fail "mlchain's CAR of the node's blocks differs from the node's CAR"
expect_exit 0 "$tool" export "gateway:$proxy" "$block" "$work/gateway.car"
cmp -s "$work/node.car" "$work/gateway.car" || fail "the CAR read through the gateway differs"

echo "mlchain's CAR of a file through the node's dag/import"
head -c $((2 * MiB + 5)) /dev/urandom > "$work/car-source"
expect_exit 0 "$tool" file-car unixfs-v1-2025 "$work/car-source" "$work/file.car"
car_root=$out
expect_exit 0 "$tool" has-block "kubo:$api" "$car_root"
[ "$out" = false ] || fail "$car_root should not be on the node before dag/import"
expect_exit 0 "$tool" import "kubo:$api" "$work/file.car"
node -e '
  fetch(process.argv[1] + "/api/v0/cat?arg=" + process.argv[2], { method: "POST" })
    .then(r => r.arrayBuffer()).then(b => require("fs").writeFileSync(process.argv[3], Buffer.from(b)))' \
  "$api" "$car_root" "$work/cat"
cmp -s "$work/car-source" "$work/cat" || fail "the node's cat of $car_root after dag/import differs"
echo "imported $car_root, the node's cat gives the bytes back"

echo "hostile answers"
for mode in flip-byte truncate swap-block; do
  set_mode $mode
  expect_exit 1 "$tool" get-block "kubo:$proxy" "$block" "$work/got"
  mentions "$block"
  expect_exit 1 "$tool" cat "kubo:$proxy" unixfs-v1-2025 "$big" "$work/read"
  mentions "$big"
  expect_exit 1 "$tool" get-block "gateway:$proxy" "$block" "$work/got"
  mentions "$block"
  echo "$mode: exit 1 naming the CID"
done
for mode in flip-byte truncate; do
  set_mode $mode
  expect_exit 1 "$tool" export "kubo:$proxy" "$block" "$work/bad.car"
  mentions "$block"
  expect_exit 1 "$tool" export "gateway:$proxy" "$block" "$work/bad.car"
  mentions "$block"
done
set_mode drop
expect_exit 4 "$tool" get-block "kubo:$proxy" "$block" "$work/got"
mentions "$proxy"
expect_exit 4 "$tool" add "kubo:$proxy" unixfs-v1-2025 "$work/file-6"
mentions "$proxy"
echo "drop: exit 4 naming the URL"

echo "js-ipfs's own gateway ignores format=raw: the gateway client refuses it"
gateway=$(cat "$work/daemon/gateway-url")
expect_exit 4 "$tool" get-block "gateway:$gateway" "$big" "$work/got"
mentions "not a trustless gateway"
mentions "$big"

"$MLCHAIN_PEERS/ipfs-daemon.sh" stop "$work/daemon"
expect_exit 4 "$tool" get-block "kubo:$api" "$block" "$work/got"
mentions "$api"
expect_exit 4 "$tool" add "kubo:$api" unixfs-v1-2025 "$work/file-6"
echo "stopped daemon: exit 4 naming $api"
echo "ok"
