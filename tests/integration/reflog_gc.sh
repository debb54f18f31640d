#!/usr/bin/env bash
# The reflog and what gc keeps because of it: every commit, checkout and branch move is logged in
# .mlchain/logs/ and shown by `mlchain reflog`; leaving a detached HEAD names the commits left behind;
# gc keeps them while their reflog entry is younger than gc.reflog-expire, `gc --dry-run` names what
# would go, and an aged entry lets gc remove them. A deleted branch's commits survive through its log.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d
object_path() { local k=$1; echo ".mlchain/objects/${k: -3:2}/$k"; }
json() { node -e "const d=JSON.parse(require('fs').readFileSync(0)); console.log($1)"; }
# age LOG DAYS: moves every entry of a reflog DAYS days into the past.
age() {
  local when=$(( $(date +%s) - $2 * 86400 ))
  sed -E -i "s/^([^ ]+ [^ ]+ [^ ]+) [0-9]+ /\1 $when /" "$1"
}

"$MLCHAIN" --help | has " reflog " || fail "mlchain --help does not list reflog"
mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
expect 0 "$MLCHAIN" reflog
[ -z "$out" ] || fail "reflog of a new repository: $out"
printf 'one\n' > model.txt && "$MLCHAIN" commit -m one >/dev/null && c1=$(cat .mlchain/refs/heads/main)
printf 'two\n' > model.txt && "$MLCHAIN" commit -m two >/dev/null && c2=$(cat .mlchain/refs/heads/main)

# Each move is one line, newest first, in HEAD's log and in the branch's.
expect 0 "$MLCHAIN" reflog
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] || fail "reflog after two commits: $out"
[[ "$(printf '%s\n' "$out" | sed -n 1p)" == *" HEAD@{0}: commit: two" ]] || fail "reflog newest entry: $out"
[[ "$(printf '%s\n' "$out" | sed -n 2p)" == *" HEAD@{1}: commit (initial): one" ]] || fail "reflog oldest entry: $out"
expect 0 "$MLCHAIN" reflog main --json
[ "$(printf '%s' "$out" | json 'd.ref + " " + d.entries[0].old + " " + d.entries[0].new + " " + d.entries[1].old')" = \
  "refs/heads/main $c1 $c2 null" ] || fail "reflog --json of main: $out"
expect 0 "$MLCHAIN" reflog -n 1
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "reflog -n 1: $out"
expect 3 "$MLCHAIN" reflog no-such-branch
expect 2 "$MLCHAIN" reflog -n 0
line=$(tail -n 1 .mlchain/logs/refs/heads/main)
[[ "$line" =~ ^$c1\ $c2\ [^\ ]+\ [0-9]+\ [+-][0-9]{4}$'\t'commit:\ two$ ]] || fail "reflog line format: $line"

# A commit made on a detached HEAD, then left: the checkout succeeds and warns, naming it.
expect 0 "$MLCHAIN" checkout "$c1"
printf 'detached\n' > model.txt && "$MLCHAIN" commit -m 'detached work' >/dev/null
first_detached=$(cat .mlchain/HEAD)
printf 'detached 2\n' > model.txt && "$MLCHAIN" commit -m 'more detached work' >/dev/null
detached=$(cat .mlchain/HEAD)
expect 0 "$MLCHAIN" checkout main
[[ "$err" == *"leaving 2 commits behind, not connected to any branch"* && "$err" == *"mlchain branch NAME $detached"* ]] ||
  fail "leaving detached commits: $err"
# Each commit before its parent, whatever their times.
[[ "$(printf '%s\n' "$err" | sed -n 2p)" == "  "*" more detached work" &&
   "$(printf '%s\n' "$err" | sed -n 3p)" == "  "*" detached work" ]] || fail "commits left behind, in order: $err"
expect 0 "$MLCHAIN" reflog
[[ "$(printf '%s\n' "$out" | sed -n 1p)" == *"HEAD@{0}: checkout: moving from $detached to main" ]] || fail "reflog of checkout: $out"
# REF@{N} names what the reflog lists, so the commit left behind is reached by it.
expect 0 "$MLCHAIN" show --json 'HEAD@{1}'
[[ "$out" == *"\"cid\": \"$detached\""* ]] || fail "show HEAD@{1}: $out"
expect 0 "$MLCHAIN" show --json '@{1}~1'
[[ "$out" == *"\"cid\": \"$first_detached\""* ]] || fail "show @{1}~1: $out"
expect 0 "$MLCHAIN" show --json 'main@{0}'
[[ "$out" == *"\"cid\": \"$(cat .mlchain/refs/heads/main)\""* ]] || fail "show main@{0}: $out"
expect 3 "$MLCHAIN" show 'HEAD@{999}'
expect 2 "$MLCHAIN" show 'HEAD@{x}'
expect 0 "$MLCHAIN" checkout "$c2"
[[ "$err" != *leaving* ]] || fail "leaving a HEAD that a branch reaches warned: $err"
expect 0 "$MLCHAIN" checkout main

# gc keeps the detached commit while its reflog entries are young.
expect 0 "$MLCHAIN" gc --dry-run
[[ "$out" != *"$detached"* && "$out" == "would remove 0 objects"*"nothing was removed" ]] || fail "gc --dry-run with a young entry: $out"
expect 0 "$MLCHAIN" gc
[ -f "$(object_path "$detached")" ] || fail "gc removed a commit its reflog still names"
expect 0 "$MLCHAIN" show "$detached"

# Aged past the expiry (30 days by default): --dry-run names it and removes nothing; gc removes it and
# the entries that named it.
age .mlchain/logs/HEAD 31
expect 0 "$MLCHAIN" gc --dry-run
[[ "$out" == *"would remove commit ${detached:0:14}"*" more detached work"* &&
   "$out" == *"would remove commit ${first_detached:0:14}"*" detached work"* &&
   "$out" == *"nothing was removed" ]] || fail "gc --dry-run after expiry: $out"
[ -f "$(object_path "$detached")" ] || fail "gc --dry-run removed something"
expect 0 "$MLCHAIN" gc
[[ "$out" == "removed 6 objects, 0 files"* && "$out" == *"expired "*" reflog entries"* ]] || fail "gc after expiry: $out"
[ ! -e "$(object_path "$detached")" ] && [ ! -e "$(object_path "$first_detached")" ] ||
  fail "gc kept commits whose reflog entries expired"
expect 0 "$MLCHAIN" reflog
[[ "$out" != *"$detached"* ]] || fail "expired entries still shown: $out"
expect 0 "$MLCHAIN" fsck

# gc.reflog-expire: validated; "never" keeps aged entries, "now" lets them go at once.
expect 2 "$MLCHAIN" config set gc.reflog-expire soon
[[ "$err" == *"soon"*"gc.reflog-expire"* ]] || fail "bad gc.reflog-expire: $err"
expect 0 "$MLCHAIN" config set gc.reflog-expire never
expect 0 "$MLCHAIN" checkout "$c1"
printf 'again\n' > model.txt && "$MLCHAIN" commit -m again >/dev/null && again=$(cat .mlchain/HEAD)
"$MLCHAIN" checkout main >/dev/null 2>&1
age .mlchain/logs/HEAD 4000
expect 0 "$MLCHAIN" gc
[ -f "$(object_path "$again")" ] || fail "gc.reflog-expire=never: gc removed a logged commit"
expect 0 "$MLCHAIN" config set gc.reflog-expire 90.days
expect 0 "$MLCHAIN" config set gc.reflog-expire now
expect 0 "$MLCHAIN" gc
[ ! -e "$(object_path "$again")" ] || fail "gc.reflog-expire=now kept a detached commit"
expect 0 "$MLCHAIN" config set gc.reflog-expire 30

# A deleted branch's commits stay as long as its log is young; its log ends in the deletion.
"$MLCHAIN" checkout -f main >/dev/null 2>&1
expect 0 "$MLCHAIN" branch side "$c1"
expect 0 "$MLCHAIN" checkout side
printf 'side\n' > model.txt && "$MLCHAIN" commit -m side >/dev/null && side=$(cat .mlchain/refs/heads/side)
expect 0 "$MLCHAIN" checkout main
expect 0 "$MLCHAIN" branch -d side
expect 0 "$MLCHAIN" reflog side
[[ "$(printf '%s\n' "$out" | sed -n 1p)" == "(deleted) side@{0}: branch: deleted" ]] || fail "reflog of a deleted branch: $out"
expect 0 "$MLCHAIN" gc
[ -f "$(object_path "$side")" ] || fail "gc removed a deleted branch's commit while its log is young"

# A ref that cannot be read is never taken for one that does not exist: gc refuses, naming it.
rm .mlchain/refs/heads/main && mkdir .mlchain/refs/heads/main
objects=$(find .mlchain/objects -type f | wc -l)
expect 1 "$MLCHAIN" gc
[[ "$err" == *"refs/heads/main"*"directory"*"gc removed nothing"* ]] || fail "gc with a ref that is a directory: $err"
[ "$(find .mlchain/objects -type f | wc -l)" -eq "$objects" ] || fail "gc removed objects beside an unreadable ref"

echo "reflog/gc: ok"
