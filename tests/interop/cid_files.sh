#!/usr/bin/env bash
# `mlchain cid` on single files against independent implementations, under both IPIP-499 profiles:
# ipfs-unixfs-importer 17.1.1 (tests/peers/unixfs-cid.mjs) for both, and Debian's ipfs_cid (its "CIDv0"
# is the unixfs-v0-2015 CID) for v0. Sizes: 0 and 1 byte; one chunk -1/exact/+1; 174 and 1024 chunks
# -1/exact/+1 byte (where the balanced tree gains a level, or a lone leftover gets a parent of its own);
# and random sizes up to 300 MiB. Contents are random, so no two leaves of a file are alike.
#   MLCHAIN_TEST_SEED  picks the random sizes and contents (printed, so a failure can be replayed)
set -euo pipefail
: "${MLCHAIN:?path of the mlchain binary}" "${MLCHAIN_PEERS:?tests/peers with node_modules installed}"
command -v ipfs_cid >/dev/null || { echo "ipfs_cid is missing: run cmake/install-deps.sh test (Debian package ipfs-cid)" >&2; exit 1; }

source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace

seed=${MLCHAIN_TEST_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed: $seed"
RANDOM=$((seed % 32768))

KiB=1024
MiB=$((1024 * KiB))
v0_chunk=$((256 * KiB))
v1_chunk=$MiB

# "PROFILE SIZE" pairs.
cases=()
for profile in unixfs-v1-2025 unixfs-v0-2015; do
  if [ $profile = unixfs-v1-2025 ]; then chunk=$v1_chunk; else chunk=$v0_chunk; fi
  cases+=("$profile 0" "$profile 1")
  for chunks in 1 174 1024; do
    for delta in -1 0 1; do cases+=("$profile $((chunks * chunk + delta))"); done
  done
done
for _ in 1 2; do
  for limit in 3 30 300; do
    size=$(( (RANDOM * 32768 + RANDOM) % (limit * MiB) ))
    cases+=("unixfs-v1-2025 $size" "unixfs-v0-2015 $size")
  done
done

# Every file is a prefix of one stream, so the largest is generated once and cut down from there.
largest=0
for case in "${cases[@]}"; do size=${case#* }; [ "$size" -gt "$largest" ] && largest=$size; done
key=$(printf '%032x' "$seed")
file=$work/content
# (openssl stops on SIGPIPE once head has enough.)
{ openssl enc -aes-128-ctr -K "$key" -iv 0 -nosalt </dev/zero 2>/dev/null || true; } | head -c "$largest" >"$file"

failures=0
compare() {  # what, expected, actual
  if [ "$2" = "$3" ]; then
    echo "  ok   $1: $2"
  else
    echo "  FAIL $1: expected $2, mlchain printed $3"
    failures=$((failures + 1))
  fi
}

mapfile -t sizes < <(for case in "${cases[@]}"; do echo "${case#* }"; done | sort -un -r)
for size in "${sizes[@]}"; do
  truncate -s "$size" "$file"
  for case in "${cases[@]}"; do
    [ "${case#* }" = "$size" ] || continue
    profile=${case% *}
    ours=$("$MLCHAIN" cid --profile "$profile" "$file")
    reference=$(node "$MLCHAIN_PEERS/unixfs-cid.mjs" "$profile" "$file")
    echo "$profile, $size bytes:"
    compare "ipfs-unixfs-importer" "$reference" "$ours"
    if [ "$profile" = unixfs-v0-2015 ]; then
      ipfs_cid_v0=$(ipfs_cid "$file" 2>/dev/null | sed -n 's/.*"CIDv0":"\([^"]*\)".*/\1/p')
      compare "ipfs_cid" "$ipfs_cid_v0  $file" "$ours"
    fi
  done
done

# The same through --json: the size field is the content length.
truncate -s $((3 * MiB + 5)) "$file"
json=$("$MLCHAIN" cid --json "$file")
expected_cid=$(node "$MLCHAIN_PEERS/unixfs-cid.mjs" unixfs-v1-2025 "$file" | cut -d' ' -f1)
actual=$(node -e 'const [e] = JSON.parse(process.argv[1]); console.log(`${e.cid} ${e.size}`)' "$json")
echo "--json:"
compare "ipfs-unixfs-importer CID and size" "$expected_cid $((3 * MiB + 5))" "$actual"

if [ "$failures" -ne 0 ]; then
  echo "cid files: $failures mismatches (seed $seed)"
  exit 1
fi
echo "cid files: all match (${#cases[@]} files)"
