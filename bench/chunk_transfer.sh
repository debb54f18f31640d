#!/usr/bin/env bash
# Transfer by chunk (a target in bench/README.md): a safetensors-shaped file of SIZE_MIB (an 8-byte header
# length, a JSON header naming the tensors, random tensor bytes) committed and pushed to a fresh js-ipfs
# daemon (tests/peers/ipfs-daemon.sh) through a byte-counting TCP proxy (tests/peers/counting-proxy.mjs);
# then a second version with 10% of its 1 MiB chunks overwritten in place, committed and pushed: the bytes
# the second push sent to the node as a share of the file, and its wall time (next to the first push's, of
# the whole file). Then a clone of the first
# version (through the proxy) fetches the second: bytes received, wall time. Both profiles, each on a
# fresh daemon, RUNS times.
#
#   bench/chunk_transfer.sh [SIZE_MIB]      (default 1024)
# Environment: MLCHAIN (binary; default build/cli/mlchain), BENCH_DIR (default /tmp), RUNS (default 1),
#              MLCHAIN_PEERS (default tests/peers, where `npm ci` installed the daemon).
set -euo pipefail
size_mib=${1:-1024}
runs=${RUNS:-1}
mlchain=$(realpath "${MLCHAIN:-build/cli/mlchain}")
peers=$(realpath "${MLCHAIN_PEERS:-tests/peers}")
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (set MLCHAIN)" >&2; exit 2; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench-chunks-XXXXXX")
proxy_pid=
cleanup() {
  [ -z "$proxy_pid" ] || kill "$proxy_pid" 2>/dev/null || true
  "$peers/ipfs-daemon.sh" stop "$work/node" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export MLCHAIN_HOME="$work/home"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d
mib=1048576
size=$((size_mib * mib))

# A safetensors file: u64 little-endian header length, the JSON header (padded with spaces to 8 bytes),
# then the tensors' bytes, here random, SIZE bytes in all.
make_model() {
  python3 - "$1" "$size" <<'PY'
import json, os, struct, sys
path, size = sys.argv[1], int(sys.argv[2])
tensors, count = {}, 64
header_room = 16384
data = size - 8 - header_room
each = data // count // 2 * 2
offset = 0
for i in range(count):
    n = each if i < count - 1 else data - offset
    tensors[f"model.layers.{i}.weight"] = {"dtype": "F16", "shape": [n // 2], "data_offsets": [offset, offset + n]}
    offset += n
header = json.dumps(tensors, separators=(",", ":")).encode()
assert len(header) <= header_room
header += b" " * (header_room - len(header))
with open(path, "wb") as out:
    out.write(struct.pack("<Q", len(header)))
    out.write(header)
    left = data
    while left:
        block = os.urandom(min(left, 8 << 20))
        out.write(block)
        left -= len(block)
PY
}

# Overwrites 10% of the file's 1 MiB chunks (chosen at random, never the first) in place.
change_tenth() {
  python3 - "$1" "$size" <<'PY'
import os, random, sys
path, size = sys.argv[1], int(sys.argv[2])
chunks = size // (1 << 20)
with open(path, "r+b") as f:
    for index in random.sample(range(1, chunks), max(1, chunks // 10)):
        f.seek(index << 20)
        f.write(os.urandom(1 << 20))
PY
}

# "<bytes to node> <bytes from node>" through the proxy, once no connection is open.
proxy_counts() {
  local up down open
  for _ in $(seq 200); do
    read -r up down open < "$work/proxy-port.counts"
    [ "$open" -eq 0 ] && { echo "$up $down"; return; }
    sleep 0.05
  done
  echo "connections through the proxy stay open" >&2
  exit 1
}
elapsed() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; return 1; }; end=$(date +%s.%N); echo "$end - $start" | bc; }
share() { echo "scale=2; 100 * $1 / $size" | bc; }

echo "input: a safetensors-shaped file of $size_mib MiB, 10% of its 1 MiB chunks changed; $runs run(s); $(uptime | sed 's/.*load/load/')"
printf '%-15s %3s %8s %14s %7s %9s %14s %7s %9s\n' profile run "push 1 s" "push 2 bytes" "%" "seconds" "fetch 2 bytes" "%" \
  "seconds"
for profile in unixfs-v1-2025 unixfs-v0-2015; do
  for run in $(seq "$runs"); do
    cd "$work"
    rm -rf "$work/repo" "$work/older" "$work/node" "$work"/proxy-port*
    mkdir -p "$work/node" "$work/repo"
    "$peers/ipfs-daemon.sh" start "$work/node" >/dev/null
    node "$peers/counting-proxy.mjs" "$work/proxy-port" "$(cat "$work/node/api-url")" &
    proxy_pid=$!
    for _ in $(seq 100); do [ -s "$work/proxy-port" ] && break; sleep 0.1; done
    proxy="http://127.0.0.1:$(cat "$work/proxy-port")"

    cd "$work/repo"
    "$mlchain" init >/dev/null
    "$mlchain" config set core.profile "$profile"
    make_model model.safetensors
    "$mlchain" commit -m first >/dev/null
    "$mlchain" remote add origin --ipfs "$proxy"
    first_time=$(elapsed "$mlchain" push)
    first=$(cat .mlchain/refs/remotes/origin/main)
    change_tenth model.safetensors
    "$mlchain" commit -m second >/dev/null
    read -r up_before _ < <(proxy_counts)
    push_time=$(elapsed "$mlchain" push)
    read -r up_after _ < <(proxy_counts)
    second=$(cat .mlchain/refs/remotes/origin/main)

    cd "$work"
    "$mlchain" clone "$first" older --ipfs "$proxy" >/dev/null
    cd older
    read -r _ down_before < <(proxy_counts)
    fetch_time=$(elapsed "$mlchain" fetch origin "$second")
    read -r _ down_after < <(proxy_counts)
    "$mlchain" checkout "$second" >/dev/null
    cmp -s "$work/repo/model.safetensors" model.safetensors || { echo "the fetched second version differs" >&2; exit 1; }

    pushed=$((up_after - up_before))
    fetched=$((down_after - down_before))
    printf '%-15s %3s %8.2f %14s %7s %9.2f %14s %7s %9.2f\n' "$profile" "$run" "$first_time" "$pushed" \
      "$(share "$pushed")" "$push_time" "$fetched" "$(share "$fetched")" "$fetch_time"
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=
    "$peers/ipfs-daemon.sh" stop "$work/node" >/dev/null
  done
done
