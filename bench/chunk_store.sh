#!/usr/bin/env bash
# The chunk-level store (a target in bench/README.md): one safetensors-shaped file of SIZE_MIB (an 8-byte
# header length, a JSON header, then tensor bytes), committed; then a second version with 10% of its 1 MiB
# chunks changed in place (a few KiB in every tenth MiB), committed. Prints how much `.mlchain/` grows for
# the second version (du) as a share of the file, the first commit against `cp -r && sync` of the same
# file, and checkout of the file against `cp -r`, page cache warm, under PROFILE.
#
#   bench/chunk_store.sh [SIZE_MIB] [PROFILE]      (defaults 1024 and unixfs-v1-2025)
# Environment: MLCHAIN (binary; default build/cli/mlchain), BENCH_DIR (default /tmp), RUNS (best of; default 1).
set -euo pipefail
size_mib=${1:-1024}
profile=${2:-unixfs-v1-2025}
mlchain=$(realpath "${MLCHAIN:-build/cli/mlchain}")
runs=${RUNS:-1}
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (set MLCHAIN)" >&2; exit 2; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench-chunks-XXXXXX")
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
used_kib() { du -sk "$1" | cut -f1; }

# model.safetensors: u64 little-endian header length, the JSON header (padded with spaces to 8 bytes),
# then the tensors' bytes, one tensor per 64 MiB.
mkdir -p "$work/repo"
file="$work/repo/model.safetensors"
bytes=$((size_mib * 1024 * 1024))
header='{"__metadata__":{"format":"pt"}'
tensors=$((size_mib / 64 > 0 ? size_mib / 64 : 1))
for i in $(seq 0 $((tensors - 1))); do
  header+=",\"layers.$i.weight\":{\"dtype\":\"BF16\",\"shape\":[4096,8192],\"data_offsets\":[$((i * 64 * 1024 * 1024)),$(((i + 1) * 64 * 1024 * 1024))]}"
done
header+='}'
while [ $(( ${#header} % 8 )) -ne 0 ]; do header+=' '; done
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<Q', ${#header}))" > "$file"
printf '%s' "$header" >> "$file"
head -c $((bytes - 8 - ${#header})) /dev/urandom >> "$file"

cd "$work/repo"
"$mlchain" init >/dev/null
"$mlchain" config set core.profile "$profile"
store_before=$(used_kib .mlchain)
sync
commit_time=$(seconds sh -c "'$mlchain' commit -m 'version 1'")
v1_kib=$(used_kib .mlchain)

clear_copy() { rm -rf "$work/copy"; }
PREPARE=clear_copy cp_sync_time=$(best sh -c "cp -r '$file' '$work/copy' && sync")
PREPARE=clear_copy cp_time=$(best cp -r "$file" "$work/copy")
rm -rf "$work/copy"
clear_work_tree() { rm -f "$file"; }
PREPARE=clear_work_tree checkout_time=$(best "$mlchain" checkout --force main)
"$mlchain" verify >/dev/null || { echo "verify failed after checkout" >&2; exit 1; }

# Version 2: 10% of the 1 MiB chunks changed in place (4 KiB of every tenth MiB, after the header).
chunks=$((bytes / 1048576))
changed=0
for ((c = 3; c < chunks; c += 10)); do
  head -c 4096 /dev/urandom | dd of="$file" bs=4096 seek=$((c * 256 + 1)) conv=notrunc status=none
  changed=$((changed + 1))
done
commit2_time=$(seconds "$mlchain" commit -m "version 2")
v2_kib=$(used_kib .mlchain)
"$mlchain" verify >/dev/null || { echo "verify failed after the second commit" >&2; exit 1; }

growth_kib=$((v2_kib - v1_kib))
share=$(echo "scale=2; 100 * $growth_kib / ($bytes / 1024)" | bc)
ratio() { echo "scale=2; $1 / $2" | bc; }
echo "input: $size_mib MiB safetensors-shaped file, profile $profile, under $work ($(df -T "$work" | awk 'NR==2 {print $2}'))"
echo "load: $(uptime | sed 's/.*load average/load average/')"
printf '\n%-52s %10s %10s\n' "operation" "seconds" "ratio"
printf '%-52s %10.2f %10s\n' "mlchain commit (first: hash + store, flushed)" "$commit_time" "$(ratio "$commit_time" "$cp_sync_time") x cp+sync"
printf '%-52s %10.2f %10s\n' "cp -r && sync" "$cp_sync_time" "1.00"
printf '%-52s %10.2f %10s\n' "mlchain checkout (verified, flushed)" "$checkout_time" "$(ratio "$checkout_time" "$cp_time") x cp"
printf '%-52s %10.2f %10s\n' "cp -r" "$cp_time" "1.00"
printf '%-52s %10.2f %10s\n' "mlchain commit (second: $changed of $chunks MiB changed)" "$commit2_time" "-"
printf '\n.mlchain/ after version 1: %d KiB (file: %d KiB)\n' "$((v1_kib - store_before))" "$((bytes / 1024))"
printf '.mlchain/ growth for version 2: %d KiB = %s%% of the file (target <= 12%%)\n' "$growth_kib" "$share"
