#!/usr/bin/env bash
# log and diff limited to paths: `log [REV] [--] PATH…` lists only the commits that changed a file or a
# directory's contents, `diff [REV [REV]] [--] PATH…` only those files; "--" separates revisions from
# paths (needed for a path that no longer exists, or one named like a branch); paths are relative to the
# current directory; a path outside the work tree is a usage error. A merge is listed only when it
# changed the path against every parent.
: "${MLCHAIN_REPO_COMMIT_TOOL:?path of repo_commit_tool}"
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

subjects() { "$MLCHAIN" log --oneline "$@" | cut -d' ' -f2 | tr '\n' ' '; }

mkdir -p "$work/bundle/model" && cd "$work/bundle"
"$MLCHAIN" init >/dev/null
printf 'a' > a.txt && printf 'w1' > model/weights.bin && printf 'cfg' > modelcard.md
"$MLCHAIN" commit -m c1 >/dev/null
printf 'w2' > model/weights.bin
"$MLCHAIN" commit -m c2 >/dev/null
printf 'cfg2' > modelcard.md
"$MLCHAIN" commit -m c3 >/dev/null
printf 'tok' > model/tokenizer.json && rm a.txt
"$MLCHAIN" commit -m c4 >/dev/null

[ "$(subjects)" = "c4 c3 c2 c1 " ] || fail "log without paths: $(subjects)"
# A directory selects what lies below it, not a sibling that shares its prefix (modelcard.md).
[ "$(subjects model)" = "c4 c2 c1 " ] || fail "log model: $(subjects model)"
[ "$(subjects -- model/)" = "c4 c2 c1 " ] || fail "log -- model/: $(subjects -- model/)"
[ "$(subjects modelcard.md)" = "c3 c1 " ] || fail "log modelcard.md: $(subjects modelcard.md)"
[ "$(subjects model/weights.bin modelcard.md)" = "c3 c2 c1 " ] || fail "log of two paths"
[ "$(subjects HEAD~2 model)" = "c2 c1 " ] || fail "log REV PATH: $(subjects HEAD~2 model)"
[ "$(subjects -n 1 model)" = "c4 " ] || fail "log -n 1 PATH: $(subjects -n 1 model)"
[ "$(subjects .)" = "c4 c3 c2 c1 " ] || fail "log .: $(subjects .)"
# A deleted file is named after "--"; without it, it is taken for a revision.
[ "$(subjects -- a.txt)" = "c4 c1 " ] || fail "log -- a.txt: $(subjects -- a.txt)"
expect 3 "$MLCHAIN" log a.txt
expect 0 "$MLCHAIN" log --json -- a.txt
[ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(c["message"] for c in json.load(sys.stdin)))')" = "c4 c1" ] ||
  fail "log --json -- a.txt: $out"
# Paths are relative to the current directory.
(cd model && [ "$(subjects weights.bin)" = "c2 c1 " ]) || fail "log from a subdirectory"
(cd model && [ "$(subjects ..)" = "c4 c3 c2 c1 " ]) || fail "log .. from a subdirectory"
expect 2 "$MLCHAIN" log -- ../elsewhere
[[ "$err" == *"outside the work tree"* ]] || fail "path outside the work tree: $err"
# A name that is both a branch and a file is ambiguous until "--" says which.
"$MLCHAIN" branch model-v1 HEAD~2
printf 'x' > model-v1
expect 2 "$MLCHAIN" log model-v1
[[ "$err" == *"both a revision and a path"* ]] || fail "ambiguous name: $err"
[ "$(subjects model-v1 --)" = "c2 c1 " ] || fail "log BRANCH --: $(subjects model-v1 --)"
[ -z "$(subjects -- model-v1)" ] || fail "log -- FILE never committed: $(subjects -- model-v1)"
rm model-v1
expect 2 "$MLCHAIN" log HEAD HEAD~1
expect 2 "$MLCHAIN" log model HEAD

# diff: only the files under the paths; REV REV still lists metrics and params.
expect 0 "$MLCHAIN" diff HEAD~3 HEAD -- model
[ "$(printf '%s\n' "$out" | awk '{print $1, $2}' | tr '\n' ';')" = "added model/tokenizer.json;changed model/weights.bin;" ] ||
  fail "diff REV REV -- model: $out"
# a.txt is gone from the work tree: without "--" it is a third revision.
expect 2 "$MLCHAIN" diff HEAD~3 HEAD a.txt
expect 0 "$MLCHAIN" diff HEAD~3 HEAD -- a.txt
[[ "$out" == "removed  a.txt  1 bytes "* && "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]] || fail "diff -- a.txt: $out"
printf 'w3' > model/weights.bin && printf 'cfg3' > modelcard.md
expect 0 "$MLCHAIN" diff model
[[ "$out" == "changed  model/weights.bin  "* && "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]] || fail "diff PATH: $out"
expect 0 "$MLCHAIN" diff HEAD~1 modelcard.md
[[ "$out" == "changed  modelcard.md  "* && "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]] || fail "diff REV PATH: $out"
(cd model && "$MLCHAIN" diff weights.bin | has '^changed  model/weights.bin ') || fail "diff from a subdirectory"
expect 2 "$MLCHAIN" diff HEAD~2 HEAD~1 HEAD
expect 0 "$MLCHAIN" diff -- nothing-here
[ -z "$out" ] || fail "diff of a path nobody has: $out"
# Merges: one that took a side's file as it was changed nothing at that path; one that made a new
# version of it (against both parents) did.
mkdir "$work/merges" "$work/tree" && cd "$work/merges" && "$MLCHAIN" init >/dev/null
tree() { printf '%s' "$1" > "$work/tree/a" && printf '%s' "$2" > "$work/tree/b"; }
commit() { "$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/tree" "$@"; }
tree a1 b1 && base=$(commit -m base --time 1000)
tree a2 b1 && side=$(commit -m side --time 1500 --parent "$base" --no-ref)
tree a1 b2 && main=$(commit -m main --time 2000)
tree a2 b2 && commit -m merge --time 3000 --parent "$main" --parent "$side" >/dev/null
[ "$(subjects -- a)" = "side base " ] || fail "log -- a across a clean merge: $(subjects -- a)"
[ "$(subjects -- b)" = "main base " ] || fail "log -- b across a clean merge: $(subjects -- b)"
tree a3 b2 && "$MLCHAIN" branch evil "$(commit -m evil --time 4000 --parent "$side" --parent "$main" --no-ref)"
[ "$(subjects evil -- a)" = "evil side base " ] || fail "log -- a with a merge that changed a: $(subjects evil -- a)"
echo "log and diff limited to paths: all checks passed"
