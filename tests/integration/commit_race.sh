#!/usr/bin/env bash
# Two committers racing on one branch: each round, both snapshot a work tree whose big file must be hashed
# again, then both try to move main from the same parent. One wins; the other exits 5 naming the ref (or,
# when it came second, commits on top of the winner). Never a half-written ref, a lost commit, or a lock
# left behind; fsck clean at the end.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
parents() { "$MLCHAIN" show --json "$1" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["parents"]))'; }

mkdir "$work/bundle" && cd "$work/bundle"
"$MLCHAIN" init >/dev/null
head -c 64000000 /dev/urandom > big.bin
"$MLCHAIN" commit -m base >/dev/null

conflicts=0
for round in 1 2 3 4 5 6; do
  old=$(cat .mlchain/refs/heads/main)
  # A changed big file and no stat cache: both committers spend a while hashing before either moves main.
  printf '%06d' "$round" | dd of=big.bin bs=1 seek=0 conv=notrunc status=none
  rm -f .mlchain/index
  set +e
  "$MLCHAIN" commit -m "left $round" --allow-empty >"$work/left.out" 2>"$work/left.err" & left=$!
  "$MLCHAIN" commit -m "right $round" --allow-empty >"$work/right.out" 2>"$work/right.err" & right=$!
  wait $left; left_code=$?
  wait $right; right_code=$?
  set -e
  new=$(cat .mlchain/refs/heads/main)
  [[ "$new" =~ ^bafyrei[a-z2-7]+$ ]] || fail "round $round: main holds '$new'"
  case "$left_code$right_code" in
    05|50)
      conflicts=$((conflicts + 1))
      loser_err=$([ "$left_code" = 5 ] && cat "$work/left.err" || cat "$work/right.err")
      [[ "$loser_err" == "mlchain: error: "*"refs/heads/main"* ]] || fail "round $round: the loser's error: $loser_err"
      [ "$(parents "$new")" = "$old" ] || fail "round $round: the winner's parent is not the old head"
      ;;
    00)
      # They did not overlap: the second built on the first.
      second_parent=$(parents "$new")
      [ "$(parents "$second_parent")" = "$old" ] || fail "round $round: two commits, but not one on top of the other"
      ;;
    *) fail "round $round: exit codes $left_code and $right_code; $(cat "$work/left.err" "$work/right.err")" ;;
  esac
  [ ! -e .mlchain/refs/heads/main.lock ] || fail "round $round: the ref's lock file was left behind"
done
[ "$conflicts" -gt 0 ] || fail "the committers never raced in 6 rounds"
"$MLCHAIN" fsck >/dev/null || fail "fsck after the races: $("$MLCHAIN" fsck)"
echo "commit race: $conflicts of 6 rounds raced; one won each time, the other exited 5"
