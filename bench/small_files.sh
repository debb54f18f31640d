#!/usr/bin/env bash
# The CID of one directory holding COUNT small files (a sharded directory under either profile) with
# `mlchain cid`, beside ipfs-unixfs-importer on the same tree: wall time, CPU time and peak RSS, best of
# RUNS runs, with the page cache warm.
#
#   bench/small_files.sh [COUNT] [PROFILE]       defaults: 100000 files, unixfs-v1-2025
#   MLCHAIN=path/to/mlchain   (default: build/cli/mlchain)     RUNS=3     BENCH_DIR=/tmp
#   PEER=1 adds the reference importer (it takes minutes on 100,000 files).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-100000}
profile=${2:-unixfs-v1-2025}
mlchain=${MLCHAIN:-$root/build/cli/mlchain}
runs=${RUNS:-3}
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (build it, or set MLCHAIN)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/files
mkdir "$tree"
# COUNT files of 1000 random bytes each (split names them xaaaaa, xaaaab, …).
file_bytes=1000
{ openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 0 -nosalt </dev/zero 2>/dev/null || true; } |
  head -c $((count * file_bytes)) | (cd "$tree" && split -b $file_bytes -a 5)
find "$tree" -type f -exec cat {} + >/dev/null
echo "tree: $(find "$tree" -type f | wc -l) files of $file_bytes bytes in one directory, profile $profile, best of $runs" >&2

best_of() {  # label, command...
  local label=$1 best="" line=""
  shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>/dev/null
    read -r seconds kib user system <"$work/time"
    if [ -z "$best" ] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds
      line=$(awk -v n="$label" -v s="$seconds" -v k="$kib" -v u="$user" -v y="$system" \
        'BEGIN { printf "%-44s %8.2f %6.2f %7.1f MiB", n, s, u + y, k / 1024 }')
    fi
  done
  printf '%s   %s\n' "$line" "$(cut -d' ' -f1 "$work/out")"
}

printf '%-44s %8s %6s %11s   %s\n' tool seconds "CPU s" "peak RSS" cid
best_of "mlchain cid ($profile)" "$mlchain" cid --profile "$profile" "$tree"
if [ "${PEER:-0}" = 1 ]; then
  best_of "ipfs-unixfs-importer 17.1.1 ($profile)" node "$root/tests/peers/unixfs-cid.mjs" "$profile" "$tree"
fi
