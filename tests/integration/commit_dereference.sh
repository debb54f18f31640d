#!/usr/bin/env bash
# Commit makes nothing checkout would refuse: a symlink leaving the work tree (absolute, climbing out with
# '..') or a tree deeper than 512 directories is refused, exit 2, naming the path and the fix, nothing
# stored. `commit --dereference` stores what symlinks point to: a Hugging Face cache snapshot directory
# (snapshots/<rev>/model.safetensors -> ../../blobs/<sha>) commits, verifies (with core.dereference = true)
# and checks out byte for byte as regular files. Dangling links and loops are named. `cid --dereference` gives the same tree.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
stored() { find .mlchain/objects .mlchain/files -type f | wc -l; }

# The Hugging Face hub cache layout, in HUB/models--org--name.
head -c 3000000 /dev/urandom > "$work/weights"
make_cache() {
  local cache="$1/models--org--name"
  mkdir -p "$cache/blobs" "$cache/refs" "$cache/snapshots/abc123"
  cp "$work/weights" "$cache/blobs/5f1e"
  printf '{"model_type": "bert"}\n' > "$cache/blobs/9c0d"
  printf 'abc123' > "$cache/refs/main"
  ln -s ../../blobs/5f1e "$cache/snapshots/abc123/model.safetensors"
  ln -s ../../blobs/9c0d "$cache/snapshots/abc123/config.json"
}
make_cache "$work/hub"
cache="$work/hub/models--org--name"

# The work tree is the snapshot directory: without --dereference the commit would hold no byte of the
# weights and checkout would refuse it forever.
cd "$cache/snapshots/abc123"
"$MLCHAIN" init >/dev/null
before=$(stored)
expect 2 "$MLCHAIN" commit -m weights
[[ "$err" == *"'config.json'"*"../../blobs/9c0d"*"--dereference"* ]] || fail "refusal message: $err"
[ "$(stored)" -eq "$before" ] || fail "a refused commit stored something"
expect 3 "$MLCHAIN" log
"$MLCHAIN" status | has model.safetensors || fail "status no longer lists the symlink"

expect 0 "$MLCHAIN" commit --dereference -m weights
[[ "$err" == *"config set core.dereference true"* ]] || fail "no hint about core.dereference: $err"
files=$("$MLCHAIN" show --json HEAD | json '" ".join(f["path"] + ":" + f["kind"] + ":" + str(f["size"]) for f in d["files"])')
[ "$files" = "config.json:file:23 model.safetensors:file:3000000" ] || fail "the commit holds: $files"
# core.dereference = true makes status and verify see the work tree as commit --dereference did.
"$MLCHAIN" config set core.dereference true >/dev/null
[ -z "$("$MLCHAIN" status --json | json '" ".join(x for k in ("modified", "added", "deleted") for x in d[k])')" ] ||
  fail "status after commit --dereference: $("$MLCHAIN" status)"
expect 0 "$MLCHAIN" verify
tree=$("$MLCHAIN" show --json HEAD | json 'd["tree"]')
[ "$tree" = "$("$MLCHAIN" cid --dereference . | awk '{print $1}')" ] || fail "cid --dereference differs from the commit"
mkdir "$work/copy" && cp -L model.safetensors config.json "$work/copy/"
[ "$tree" = "$("$MLCHAIN" cid "$work/copy" | awk '{print $1}')" ] || fail "the tree is not the bytes of the blobs"

# Deleted, then checked out: the bytes come back as regular files.
rm model.safetensors config.json
expect 0 "$MLCHAIN" checkout --force main
[ -f model.safetensors ] && [ ! -L model.safetensors ] || fail "model.safetensors is not a regular file"
cmp model.safetensors "$cache/blobs/5f1e" || fail "the weights differ after checkout"
cmp config.json "$cache/blobs/9c0d" || fail "config.json differs after checkout"

# The whole cache as the work tree: its links stay inside, so they are kept as links and check out.
make_cache "$work/hub2" && cd "$work/hub2" && "$MLCHAIN" init >/dev/null
expect 0 "$MLCHAIN" commit -m cache
kinds=$("$MLCHAIN" show --json HEAD | json '" ".join(f["kind"] for f in d["files"] if "snapshots/" in f["path"])')
[ "$kinds" = "symlink symlink" ] || fail "links inside the work tree were not kept: $kinds"

# Each kind of symlink checkout refuses, refused by commit, named.
mkdir "$work/unsafe" && cd "$work/unsafe" && "$MLCHAIN" init >/dev/null && echo data > a
ln -s /etc/hostname absolute
expect 2 "$MLCHAIN" commit -m x
[[ "$err" == *"symlink 'absolute'"*"/etc/hostname"*"--dereference"* ]] || fail "absolute link: $err"
rm absolute && mkdir sub && ln -s ../../outside sub/climbs
expect 2 "$MLCHAIN" commit -m x
[[ "$err" == *"'sub/climbs'"*"climbs out"* ]] || fail "climbing link: $err"
rm sub/climbs && ln -s .mlchain/config into-repo
expect 2 "$MLCHAIN" commit -m x
[[ "$err" == *"'into-repo'"*".mlchain"* ]] || fail "link into .mlchain: $err"
expect 2 "$MLCHAIN" commit --dereference -m x
[[ "$err" == *"'into-repo'"*".mlchain"* ]] || fail "dereferenced link into .mlchain: $err"
rm into-repo && ln -s missing dangling
expect 2 "$MLCHAIN" commit --dereference -m x
[[ "$err" == *"'dangling'"*dangling* ]] || fail "dangling link: $err"
rm dangling && ln -s .. sub/up
expect 2 "$MLCHAIN" commit --dereference -m x
[[ "$err" == *"'sub/up'"*loop* ]] || fail "loop: $err"
rm sub/up && ln -s self self
expect 2 "$MLCHAIN" commit --dereference -m x
[[ "$err" == *"'self'"*loop* ]] || fail "self loop: $err"
rm self && expect 3 "$MLCHAIN" log

# Deeper than checkout's limit of 512 directories: refused, named, nothing stored.
mkdir "$work/deep" && cd "$work/deep" && "$MLCHAIN" init >/dev/null
deep=$(printf 'd/%.0s' $(seq 1 512)) && mkdir -p "$deep" && echo x > "${deep}leaf"
before=$(stored)
expect 2 "$MLCHAIN" commit -m deep
[[ "$err" == *"leaf'"*"deeper than 512"* ]] || fail "deep tree: $err"
[ "$(stored)" -eq "$before" ] || fail "a refused deep commit stored something"
rm "${deep}leaf" && rmdir "${deep}"
expect 0 "$MLCHAIN" commit -m "512 deep"

echo "commit dereference: ok"
