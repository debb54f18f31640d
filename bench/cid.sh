#!/usr/bin/env bash
# Hashes one warm file with `mlchain cid` and its peers and prints, side by side, each one's wall time,
# throughput, throughput relative to mlchain, CPU time (user + system: on a busy machine the wall time
# says little, CPU time over cores says what an idle one would do) and peak RSS; best of RUNS runs.
#
#   bench/cid.sh [SIZE_MIB] [PROFILE]        defaults: 1024 MiB, unixfs-v1-2025
#   MLCHAIN=path/to/mlchain   (default: build/cli/mlchain)     RUNS=3     BENCH_DIR=/tmp
#   PEERS=0: only mlchain and openssl speed (no ipfs-unixfs-importer, ipfs_cid, dgst, sha256sum)
#
# Peers: ipfs-unixfs-importer 17.1.1 with the same profile (tests/peers/unixfs-cid.mjs), Debian's ipfs_cid
# (always unixfs-v0-2015: it has no other), `openssl dgst -sha256` and `sha256sum` (plain SHA-256 of the
# file, the floor a CID cannot beat on one core). Needs /usr/bin/time (Debian package `time`) and the
# peers that `cmake/install-deps.sh test` installs. Last, what two cores can hash: `openssl speed -multi 2
# -bytes 1048576 sha256` (1 MiB buffers in memory, two processes, best of RUNS), as the seconds that rate
# would take over the file, and mlchain's share of it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size_mib=${1:-1024}
profile=${2:-unixfs-v1-2025}
mlchain=${MLCHAIN:-$root/build/cli/mlchain}
runs=${RUNS:-3}
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (build it, or set MLCHAIN)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
file=$work/input.bin
bytes=$((size_mib * 1024 * 1024))
# Random content (AES-CTR of zeros: fast and incompressible), then read once so every run finds it warm.
{ openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 0 -nosalt </dev/zero 2>/dev/null || true; } |
  head -c "$bytes" >"$file"
cat "$file" >/dev/null

# Runs a command RUNS times; prints "<best seconds> <peak RSS KiB> <CPU seconds>" of the fastest run and
# keeps its stdout.
measure() {
  local best="" rss="" cpu="" out=$work/out
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$out" 2>/dev/null
    read -r seconds kib user system <"$work/time"
    if [ -z "$best" ] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds rss=$kib cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')
    fi
  done
  echo "$best $rss $cpu"
}

declare -a names seconds rss cpu
run() {  # label, command...
  local label=$1; shift
  read -r s r c < <(measure "$@")
  names+=("$label") seconds+=("$s") rss+=("$r") cpu+=("$c")
  printf '  %-44s %s\n' "$label" "$(head -c 120 "$work/out" | head -n 1)" >&2
}

echo "input: $size_mib MiB, warm, profile $profile, $(nproc) cores, best of $runs" >&2
run "mlchain cid ($profile)" "$mlchain" cid --profile "$profile" "$file"
# openssl speed prints "sha256 <rate>k" per 1000 bytes a second, summed over its processes.
best_rate=0
for _ in $(seq "$runs"); do
  rate=$(openssl speed -multi 2 -bytes 1048576 sha256 2>/dev/null | awk '$1 == "sha256" { sub(/k$/, "", $2); print $2 * 1000 }' | tail -n 1)
  best_rate=$(awk -v a="$rate" -v b="$best_rate" 'BEGIN { print (a > b) ? a : b }')
done
echo "  openssl speed -multi 2 sha256: $(awk -v r="$best_rate" 'BEGIN { printf "%.2f GB/s", r / 1e9 }')" >&2
if [ "${PEERS:-1}" != 0 ]; then
  run "ipfs-unixfs-importer 17.1.1 ($profile)" node "$root/tests/peers/unixfs-cid.mjs" "$profile" "$file"
  run "ipfs_cid (unixfs-v0-2015)" ipfs_cid "$file"
  run "openssl dgst -sha256" openssl dgst -sha256 "$file"
  run "sha256sum" sha256sum "$file"
fi

printf '\n%-44s %8s %7s %11s %6s %11s\n' tool seconds "GB/s" "vs mlchain" "CPU s" "peak RSS"
for i in "${!names[@]}"; do
  awk -v name="${names[$i]}" -v s="${seconds[$i]}" -v base="${seconds[0]}" -v kib="${rss[$i]}" -v bytes="$bytes" \
      -v cpu="${cpu[$i]}" \
    'BEGIN { if (s <= 0) s = 0.005; if (base <= 0) base = 0.005
             printf "%-44s %8.2f %7.2f %10.2fx %6.2f %7.1f MiB\n", name, s, bytes / s / 1e9, base / s, cpu, kib / 1024 }'
done
awk -v r="$best_rate" -v base="${seconds[0]}" -v bytes="$bytes" \
  'BEGIN { if (base <= 0) base = 0.005; s = bytes / r
           printf "%-44s %8.2f %7.2f %10.2fx %6s %11s\n", "openssl speed -multi 2 sha256 (1 MiB, memory)", s, r / 1e9, base / s, "-", "-"
           printf "\nmlchain cid: %.0f%% of openssl speed -multi 2 sha256\n", 100 * bytes / base / r }'
