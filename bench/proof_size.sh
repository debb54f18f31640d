#!/usr/bin/env bash
# Single-file proofs on a model bundle shaped like a 10 GB release (the target in bench/README.md: a proof
# of one file under 64 KiB, whatever the file's size):
#   - four large weight shards, one file of exactly 1 GiB (1,024 chunks of 1 MiB under unixfs-v1-2025: the
#     widest root node a file can have, 1,024 links, hence the largest proof), and a tokenizer/ directory
#     of 6,000 small files (HAMT-sharded);
#   - `mlchain prove` of each shard, of the 1 GiB file and of one HAMT entry: the proof's size and blocks;
#   - `mlchain verify --proof` of each: wall seconds (no chain asked: the anchor check is a handful of RPC
#     calls, and the proof carries no anchor here since nothing is pushed; an anchor adds ~190 bytes).
#
#   bench/proof_size.sh [TOTAL_GIB]      default 10 (the shards are sparse files: truncate -s)
#   MLCHAIN=path/to/mlchain (default: build/cli/mlchain)     BENCH_DIR=/tmp (needs TOTAL_GIB free: commit
#   stores the zeros it hashes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
total_gib=${1:-10}
mlchain=${MLCHAIN:-$root/build/cli/mlchain}
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (build it, or set MLCHAIN)" >&2; exit 1; }
[ "$total_gib" -ge 2 ] || { echo "TOTAL_GIB must be at least 2 (the 1 GiB file and the shards)" >&2; exit 2; }
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
export MLCHAIN_HOME

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
MLCHAIN_HOME=$work/home
bundle=$work/bundle
mkdir -p "$bundle/tokenizer"

gib=$((1024 * 1024 * 1024))
shard=$(( (total_gib - 1) * gib / 4 ))
for i in 1 2 3 4; do truncate -s "$shard" "$bundle/model-0000$i-of-00004.safetensors"; done
truncate -s "$gib" "$bundle/embeddings.bin"
python3 -c 'import sys
for i in range(6000): open(f"{sys.argv[1]}/piece-{i:05d}.json", "w").write("{\"id\": %d}" % i)' "$bundle/tokenizer"

cd "$bundle"
"$mlchain" init . > /dev/null
start=$(date +%s.%N)
"$mlchain" commit -m "release" > /dev/null
commit_seconds=$(echo "$(date +%s.%N) - $start" | bc)
bytes=$(du -sb --apparent-size "$bundle" --exclude=.mlchain | cut -f1)
printf 'bundle: %s bytes (%s GiB), committed in %.1f s\n\n' "$bytes" "$total_gib" "$commit_seconds"

row() { printf '%-44s %14s %10s %7s %12s\n' "$@"; }
row "file" "file bytes" "proof B" "blocks" "verify s"
largest=0
for path in model-00001-of-00004.safetensors model-00004-of-00004.safetensors embeddings.bin \
  tokenizer/piece-01234.json; do
  out=$("$mlchain" prove HEAD "$path" --out "$work/proof.car" --json)
  size=$(python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["size"], d["bytes"], d["blocks"])' <<< "$out")
  read -r file_bytes proof_bytes blocks <<< "$size"
  start=$(date +%s.%N)
  "$mlchain" verify --proof "$work/proof.car" > /dev/null
  verify_seconds=$(echo "$(date +%s.%N) - $start" | bc)
  row "$path" "$file_bytes" "$proof_bytes" "$blocks" "$(printf '%.3f' "$verify_seconds")"
  [ "$proof_bytes" -gt "$largest" ] && largest=$proof_bytes
done
echo
if [ "$largest" -lt 65536 ]; then
  echo "largest proof $largest bytes: under 64 KiB"
else
  echo "largest proof $largest bytes: OVER 64 KiB" >&2
  exit 1
fi
