#!/usr/bin/env bash
# Checkout of a large version (a target in bench/README.md): `mlchain checkout` writing every file of a SIZE_MIB bundle
# of FILES files (each written under a temporary name, flushed, re-hashed against its CID, renamed) vs
# `cp -r` of the same files on the same file system (without and with the `sync` that makes it as
# durable), both with the page cache warm; then the space a second version that changes one file takes
# in .mlchain/ (du), and the checkout back to the first version (one file written).
#
#   bench/repo_checkout.sh [SIZE_MIB] [FILES]      (defaults 4096 and 40)
# Run it as root for figures that repeat: see settle() below.
# Environment: MLCHAIN (binary; default build/cli/mlchain), BENCH_DIR (default /tmp), RUNS (best of; default 1),
# IDLE (seconds to wait after settling; default 0: see settle()).
set -euo pipefail
size_mib=${1:-4096}
files=${2:-40}
mlchain=$(realpath "${MLCHAIN:-build/cli/mlchain}")
runs=${RUNS:-1}
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (set MLCHAIN)" >&2; exit 2; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench-checkout-XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export MLCHAIN_HOME="$work/home"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
best() {  # best of $runs: best CMD... (a setup function named by PREPARE runs before each, untimed)
  local best_time=
  for _ in $(seq "$runs"); do
    [ -n "${PREPARE:-}" ] && "$PREPARE"
    local t; t=$(seconds "$@")
    if [ -z "$best_time" ] || [ "$(echo "$t < $best_time" | bc)" = 1 ]; then best_time=$t; fi
  done
  echo "$best_time"
}
kib() { du -sk --apparent-size "$1" | cut -f1; }
used_kib() { du -sk "$1" | cut -f1; }

echo "input: $files files, $size_mib MiB in all, under $work ($(df -T "$work" | awk 'NR==2 {print $2}')); idle after settling: ${IDLE:-0} s"
mkdir -p "$work/bundle/model"
per_file=$(( size_mib * 1024 * 1024 / files ))
for i in $(seq -w 1 "$files"); do head -c "$per_file" /dev/urandom > "$work/bundle/model/shard-$i.bin"; done

# Before each timed run everything dirty is flushed, so no run pays for the write-back of another's bytes
# (or of the bundle just generated). As root, the page cache is emptied too and the run's input read back
# in: every run starts warm and with free memory (with the cache full, each new page costs a reclaim, and
# the system time of the same commit varied from 1.7 to 11 s here). On a virtual machine whose host takes
# back free memory (virtio-balloon free page reporting), pages freed by the drop are handed back within
# seconds, and every later first touch of one costs a host fault: IDLE seconds of waiting makes all free
# memory that cold for every run alike; without it, a run gets whatever the host has not yet taken.
settle() {  # settle INPUT...
  sync
  if [ "$(id -u)" = 0 ]; then
    echo 3 > /proc/sys/vm/drop_caches
    find "$@" -type f -exec cat {} + > /dev/null
  fi
  sleep "${IDLE:-0}"
}
# Each first commit in a repository of its own, the bundle hard-linked in: a store deleted just before
# would make ext4 pass over its freed inodes one by one (they were "recently deleted") while the commit
# creates its blocks' files. The last one is kept for the checkouts.
new_repository() {
  run=$((run + 1))
  mkdir -p "$work/commit-$run" && cp -al "$work/bundle/model" "$work/commit-$run/"
  cd "$work/commit-$run" && "$mlchain" init >/dev/null && settle model
}
run=0
PREPARE=new_repository commit_time=$(best "$mlchain" commit -m "version 1")
cd "$work/commit-$runs"
for ((r = 1; r < runs; r++)); do rm -rf "$work/commit-$r"; done
v1=$("$mlchain" log -n 1 --oneline | cut -d' ' -f1)
store_after_v1=$(used_kib .mlchain)

clear_copy() { rm -rf "$work/copy" && settle "$work/commit-$runs/model"; }
clear_work_tree() { rm -rf "$work/commit-$runs/model" && settle "$work/commit-$runs/.mlchain/objects"; }
PREPARE=clear_copy cp_time=$(best cp -r "$work/commit-$runs/model" "$work/copy")
PREPARE=clear_copy cp_sync_time=$(best sh -c "cp -r '$work/commit-$runs/model' '$work/copy' && sync")
rm -rf "$work/copy"
PREPARE=clear_work_tree checkout_time=$(best "$mlchain" checkout --force main)
"$mlchain" verify >/dev/null || { echo "verify failed after checkout" >&2; exit 1; }

# A second version: one file replaced by one of 10 MB; everything else shared.
head -c $((10 * 1024 * 1024)) /dev/urandom > model/shard-01.bin
"$mlchain" commit -m "version 2" >/dev/null
store_after_v2=$(used_kib .mlchain)
back_time=$(seconds "$mlchain" checkout "$v1")
"$mlchain" verify >/dev/null || { echo "verify failed after checkout back" >&2; exit 1; }

ratio() { echo "scale=2; $1 / $2" | bc; }
gbps() { echo "scale=2; $size_mib * 1.048576 / 1000 / $1" | bc; }
printf '\n%-52s %10s %8s %10s\n' "operation" "seconds" "GB/s" "vs cp -r"
printf '%-52s %10.2f %8.2f %10s\n' "mlchain commit (first, hash + store, flushed)" "$commit_time" "$(gbps "$commit_time")" "$(ratio "$commit_time" "$cp_time")"
printf '%-52s %10.2f %8.2f %10s\n' "cp -r" "$cp_time" "$(gbps "$cp_time")" "1.00"
printf '%-52s %10.2f %8.2f %10s\n' "cp -r && sync" "$cp_sync_time" "$(gbps "$cp_sync_time")" "$(ratio "$cp_sync_time" "$cp_time")"
printf '%-52s %10.2f %8.2f %10s\n' "mlchain checkout (all files; verified, flushed)" "$checkout_time" "$(gbps "$checkout_time")" "$(ratio "$checkout_time" "$cp_time")"
printf '%-52s %10.2f %8s %10s\n' "mlchain checkout back to v1 (one file differs)" "$back_time" "-" "-"
printf '\n.mlchain/ after version 1: %d KiB (bundle: %d KiB)\n' "$store_after_v1" "$(kib model)"
printf '.mlchain/ after version 2: %d KiB (+%d KiB for a 10240 KiB changed file: unchanged files take no extra space)\n' \
  "$store_after_v2" "$((store_after_v2 - store_after_v1))"
printf 'first commit vs cp -r && sync: %sx; checkout vs cp -r: %sx (targets: at most 1 each)\n' \
  "$(ratio "$commit_time" "$cp_sync_time")" "$(ratio "$checkout_time" "$cp_time")"
