#!/usr/bin/env bash
# Code provenance (meta.code.git) read with libgit2 from the git repository enclosing the work tree:
# HEAD's commit id, its branch (none when detached), the origin URL with credentials stripped, the dirty
# flag (tracked changes, untracked files; never the .mlchain directory, never ignored files); no code at
# all outside git.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
# meta.code as show --json gives it, fields that are absent (or null) left out.
code() {
  "$MLCHAIN" show --json | python3 -c '
import json, sys
code = json.load(sys.stdin).get("code")
if code: code = {"git": {k: v for k, v in code["git"].items() if v is not None}}
print(json.dumps(code, sort_keys=True))'
}

mkdir "$work/project" && cd "$work/project"
git init -q -b main
git config user.name "Test" && git config user.email test@example.com
git remote add origin "https://alice:s3cret-token@git.example.com/org/model.git"
mkdir model && printf 'train.py' > train.py && printf 'w1' > model/weights.bin
git add train.py model/weights.bin && git commit -q -m code
git_head=$(git rev-parse HEAD)

cd model && "$MLCHAIN" init >/dev/null
# .mlchain/ is untracked but never makes the tree dirty.
"$MLCHAIN" commit -m clean >/dev/null
[ "$(code)" = '{"git": {"branch": "main", "commit": "'"$git_head"'", "dirty": false, "remote": "https://git.example.com/org/model.git"}}' ] ||
  fail "clean provenance: $(code)"
"$MLCHAIN" show --json | has s3cret && fail "the remote's credentials were recorded"

# A tracked change makes it dirty; so does an untracked file; an ignored one does not.
printf 'w2' > weights.bin
"$MLCHAIN" commit -m "tracked change" >/dev/null
[ "$(code | python3 -c 'import json,sys; print(json.load(sys.stdin)["git"]["dirty"])')" = True ] || fail "a tracked change is not dirty: $(code)"
git -C .. add model/weights.bin && git -C .. commit -q -m w2
printf 'new' > notes.txt
"$MLCHAIN" commit -m "untracked file" >/dev/null
[ "$(code | python3 -c 'import json,sys; print(json.load(sys.stdin)["git"]["dirty"])')" = True ] || fail "an untracked file is not dirty: $(code)"
printf 'model/notes.txt\n' > ../.gitignore && git -C .. add .gitignore && git -C .. commit -q -m ignore
printf 'more' > notes.txt
"$MLCHAIN" commit -m "ignored file" >/dev/null
[ "$(code | python3 -c 'import json,sys; print(json.load(sys.stdin)["git"]["dirty"])')" = False ] || fail "an ignored file made it dirty: $(code)"

# Detached: no branch.
git -C .. checkout -q --detach
printf 'more!' > notes.txt
"$MLCHAIN" commit -m detached >/dev/null
[ "$(code)" = '{"git": {"commit": "'"$(git rev-parse HEAD)"'", "dirty": false, "remote": "https://git.example.com/org/model.git"}}' ] ||
  fail "detached provenance: $(code)"

# No origin: no remote. No git repository at all: no code.
git -C .. remote remove origin
printf 'again' > notes.txt
"$MLCHAIN" commit -m "no origin" >/dev/null
[ "$(code)" = '{"git": {"commit": "'"$(git rev-parse HEAD)"'", "dirty": false}}' ] || fail "provenance without origin: $(code)"
rm -rf ../.git
printf 'outside' > notes.txt
"$MLCHAIN" commit -m "no git" >/dev/null
[ "$(code)" = null ] || fail "provenance without git: $(code)"
echo "commit provenance: all checks passed"
