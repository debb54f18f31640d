#!/usr/bin/env bash
# mlchain diff end to end: exit codes; HEAD against the work tree, REV against the work tree, REV against
# REV with sizes and CIDs of files added, removed and changed, and the metrics and params that changed.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

cid() { "$MLCHAIN" cid "$1" | cut -d' ' -f1; }

"$MLCHAIN" diff --help | has REV || fail "diff --help does not mention REV"
mkdir "$work/bundle" && cd "$work/bundle"
expect 3 "$MLCHAIN" diff
"$MLCHAIN" init >/dev/null
expect 2 "$MLCHAIN" diff --no-such-flag
expect 2 "$MLCHAIN" diff a b c

# Before the first commit: everything is added; an unknown REV is not found.
printf 'weights one' > weights.bin
expect 0 "$MLCHAIN" diff
[ "$out" = "added    weights.bin  11 bytes $(cid weights.bin)" ] || fail "diff before the first commit: $out"
expect 3 "$MLCHAIN" diff no-such-branch
expect 3 "$MLCHAIN" diff main

printf 'cfg' > config.json && printf 'old' > old.txt
"$MLCHAIN" commit -m one --metric accuracy=0.9 --metric loss=0.5 --param lr=0.01 --param batch=32 >/dev/null
expect 0 "$MLCHAIN" diff
[ -z "$out" ] || fail "diff of a clean work tree: $out"

old_weights=$(cid weights.bin) && old_txt=$(cid old.txt)
printf 'weights two!' > weights.bin && rm old.txt && printf 'new' > new.txt
expect 0 "$MLCHAIN" diff
[ "$out" = "added    new.txt  3 bytes $(cid new.txt)
removed  old.txt  3 bytes $old_txt
changed  weights.bin  11 bytes $old_weights -> 12 bytes $(cid weights.bin)" ] || fail "diff HEAD vs work tree: $out"

"$MLCHAIN" commit -m two --metric accuracy=0.95 --metric f1=0.7 --param lr=0.005 --param batch=32 >/dev/null
expect 0 "$MLCHAIN" diff main~1 main
[ "$out" = "added    new.txt  3 bytes $(cid new.txt)
removed  old.txt  3 bytes $old_txt
changed  weights.bin  11 bytes $old_weights -> 12 bytes $(cid weights.bin)
metric  accuracy  0.9 -> 0.95
metric  f1  (none) -> 0.7
metric  loss  0.5 -> (none)
param   lr  0.01 -> 0.005" ] || fail "diff REV REV: $out"

# One REV: that commit against the work tree.
expect 0 "$MLCHAIN" diff main~1
[[ "$out" == *"changed  weights.bin  11 bytes $old_weights -> 12 bytes"* ]] || fail "diff REV vs work tree: $out"
expect 0 "$MLCHAIN" diff HEAD HEAD
[ -z "$out" ] || fail "diff of a commit against itself: $out"
expect 3 "$MLCHAIN" diff main~5 main
echo "diff: all checks passed"
