#!/usr/bin/env bash
# `mlchain cid` on directory trees against ipfs-unixfs-importer 17.1.1 (tests/peers/unixfs-cid.mjs), under
# both IPIP-499 profiles: nested and empty directories, non-ASCII names, symlinks (never followed),
# files of several chunks, and directories just at and just past each profile's HAMT threshold,
# including the importer's rule that a non-empty subdirectory counts, for the moment it is added, as an
# empty one; nested shards and directories inside shards.
set -euo pipefail
: "${MLCHAIN:?path of the mlchain binary}" "${MLCHAIN_PEERS:?tests/peers with node_modules installed}"

source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
cd "$work"

# COUNT empty files with 200-byte names, file-000001-xxx… (long names reach the threshold with about a
# thousand entries; the reference's time grows faster than linearly with a directory's size).
empty_files() {
  local filler
  filler=$(printf '%188s' '' | tr ' ' x)
  mkdir -p "$1"
  (cd "$1" && seq -f "file-%06g-$filler" 1 "$2" | xargs touch)
}

# A name of exactly LENGTH bytes that sorts after file-…: a 'g' and then 'x's.
name_of_length() {
  printf 'g%*s' "$(($1 - 1))" '' | tr ' ' x
}

mkdir -p mixed/sub/deeper mixed/empty mixed/sub/empty-too mixed/'naïve dir'
printf 'hello\n' > mixed/hello.txt
: > mixed/empty.txt
printf x > mixed/sub/x
head -c 2500000 /dev/urandom > mixed/sub/three-chunks-in-v1.bin
head -c 262145 /dev/urandom > mixed/sub/deeper/one-past-a-v0-chunk.bin
printf 'composed' > mixed/$'caf\xc3\xa9'
printf 'decomposed' > mixed/$'cafe\xcc\x81'
printf 'emoji' > "mixed/naïve dir/ünï€😀"
printf 'space' > 'mixed/with space'
ln -s hello.txt mixed/link-to-file
ln -s sub mixed/link-to-dir
ln -s /nonexistent/target mixed/sub/dangling
ln -s ../../hello.txt mixed/sub/deeper/up

# unixfs-v1-2025 (block-bytes): an empty directory's Data is 4 bytes, a 200-byte name's link to an empty
# raw leaf 246 bytes, a 105-byte name's 150; 4 + 1065 × 246 + 150 = 262144, the threshold itself, so the
# 105-byte name stays flat and a 106-byte one shards.
empty_files v1-at-threshold 1065
touch "v1-at-threshold/$(name_of_length 105)"
empty_files v1-past-threshold 1065
touch "v1-past-threshold/$(name_of_length 106)"
# unixfs-v0-2015 (links-bytes): name bytes + 34 CID bytes per link; 1120 × 234 + (30 + 34) = 262144.
empty_files v0-at-threshold 1120
touch "v0-at-threshold/$(name_of_length 30)"
empty_files v0-past-threshold 1120
touch "v0-past-threshold/$(name_of_length 31)"

# Files just under the threshold (v1: 262139, v0: 262134) and one non-empty subdirectory: added last
# ('zsub') it briefly counts as an empty directory (48 and 38 bytes) and the importer shards; added
# first ('asub') it never does.
for profile in v1 v0; do
  if [ $profile = v1 ]; then count=1065 name=100; else count=1120 name=20; fi
  for sub in asub zsub; do
    empty_files "$profile-transient-$sub" $count
    touch "$profile-transient-$sub/$(name_of_length $name)"
    mkdir "$profile-transient-$sub/$sub"
    printf 'inside' > "$profile-transient-$sub/$sub/file"
  done
done

# Far past the threshold: 2500 entries over 256 slots, so every slot holds a sub-shard and some of those
# hold sub-shards again; subdirectories (empty, flat and sharded) and symlinks live inside the shards.
empty_files nested 2500
for i in $(seq 1 40); do printf '%s' "$i" > "nested/content-$i"; done
mkdir nested/empty-dir nested/flat-dir
printf 'in a flat dir' > nested/flat-dir/f
empty_files nested/sharded-dir 1500
ln -s content-1 nested/a-symlink

trees=(mixed mixed/sub mixed/empty mixed/link-to-dir v1-at-threshold v1-past-threshold v0-at-threshold
       v0-past-threshold v1-transient-asub v1-transient-zsub v0-transient-asub v0-transient-zsub nested)

failures=0
for profile in unixfs-v1-2025 unixfs-v0-2015; do
  echo "== $profile: mlchain cid vs ipfs-unixfs-importer on ${#trees[@]} paths"
  node "$MLCHAIN_PEERS/unixfs-cid.mjs" "$profile" "${trees[@]}" > "expected-$profile"
  "$MLCHAIN" cid --profile "$profile" "${trees[@]}" > "actual-$profile"
  if diff -u "expected-$profile" "actual-$profile"; then
    sed 's/^/   same: /' "actual-$profile"
  else
    failures=$((failures + 1))
  fi
done

# Which side of the threshold each boundary tree lands on is pinned in tests/unit/directory_builder_test.cpp.
exit $((failures > 0))
