#!/usr/bin/env bash
# Version-control metadata is never part of a snapshot (docs/format.md, "Files and directories"): mlchain
# initialised at the root of a git checkout neither commits `.git/` nor rewinds it on checkout, status
# never lists it, a worktree's `.git` file and the other systems' directories are left out too, and
# `mlchain cid DIR` gives the tree CID the commit records.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
export GIT_CEILING_DIRECTORIES=$work GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

mkdir "$work/project" && cd "$work/project"
git init -q . && echo v1 > train.py && git add . && git commit -qm g1
"$MLCHAIN" init >/dev/null && echo w1 > weights.bin && "$MLCHAIN" commit -m m1 >/dev/null
echo v2 >> train.py && git commit -qam g2 && echo w2 > weights.bin && "$MLCHAIN" commit -m m2 >/dev/null

"$MLCHAIN" status --json > "$work/status.json"
grep -q '\.git' "$work/status.json" && fail "status lists .git: $(cat "$work/status.json")"
"$MLCHAIN" status | has '\.git' && fail "status text lists .git"

expect 0 "$MLCHAIN" checkout HEAD~1
[ "$(cat weights.bin)" = w1 ] || fail "checkout HEAD~1 did not restore weights.bin"
git log --oneline | has g2 || fail "git commit g2 is gone after mlchain checkout HEAD~1: $(git log --oneline)"
git status --porcelain >/dev/null || fail "git status fails after checkout"
[ "$(git rev-list --count HEAD)" -eq 2 ] || fail "git history rewound"
expect 0 "$MLCHAIN" checkout main
git log --oneline | has g2 || fail "git commit g2 is gone after checkout main"

# The tree holds no .git entry at all: the commit's tree equals the CID of the same files without it.
mkdir "$work/plain" && cp train.py weights.bin "$work/plain/"
tree=$("$MLCHAIN" show --json HEAD | json 'd["tree"]')
[ "$tree" = "$("$MLCHAIN" cid "$work/plain" | awk '{print $1}')" ] || fail "the commit's tree holds more than train.py and weights.bin"
# mlchain cid of the work tree itself leaves out .git and .mlchain as commit does.
[ "$tree" = "$("$MLCHAIN" cid . | awk '{print $1}')" ] || fail "cid . differs from the commit's tree"

# A git worktree's (or submodule's) `.git` is a file; other systems' directories; all left out, at any depth.
printf 'gitdir: /elsewhere\n' > "$work/plain/.git" && mkdir -p "$work/plain/.svn" "$work/plain/.jj"
echo x > "$work/plain/.svn/entries" && echo x > "$work/plain/.jj/repo"
[ "$tree" = "$("$MLCHAIN" cid "$work/plain" | awk '{print $1}')" ] || fail "cid counts a .git file, .svn or .jj"
cd "$work/plain" && "$MLCHAIN" init >/dev/null && mkdir -p deep/.hg && echo x > deep/.hg/store && echo y > deep/keep
expect 0 "$MLCHAIN" commit -m vcs
files=$("$MLCHAIN" show --json HEAD | json '" ".join(f["path"] for f in d["files"])')
[ "$files" = "deep/keep train.py weights.bin" ] || fail "the commit holds: $files"

# A name that is version-control metadata in another letter case (`.GIT`, `.Mlchain`) is an ordinary
# directory on this file system but one that checkout refuses: commit refuses it too, naming the path,
# rather than make a commit that can never be checked out.
mkdir -p models/.GIT && echo x > models/.GIT/config
expect 2 "$MLCHAIN" commit -m case
[[ "$err" == *"'models/.GIT/config'"*".mlchainignore"* ]] || fail "commit with .GIT: $err"
rm -r models && mkdir .Mlchain
expect 2 "$MLCHAIN" commit -m case
[[ "$err" == *"'.Mlchain'"* ]] || fail "commit with an empty .Mlchain: $err"
rmdir .Mlchain
[ "$("$MLCHAIN" show --json HEAD | json 'd["message"]')" = vcs ] || fail "a refused commit was made"

echo "snapshot vcs metadata: ok"
