#!/usr/bin/env bash
# A checkout killed (SIGKILL) at 20 random moments never leaves a partly written file at a final path:
# every file there is whole, either the version before or the version checked out; HEAD names one of
# the two commits; and `checkout --force` then restores a tree that verify accepts.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
mkdir model
for i in $(seq -w 1 12); do head -c 4000000 /dev/urandom > "model/part-$i.bin"; done
"$MLCHAIN" commit -m one >/dev/null
"$MLCHAIN" branch one
sha256sum model/* > "$work/one.sums"
for i in $(seq -w 1 12); do head -c 3000000 /dev/urandom > "model/part-$i.bin"; done
"$MLCHAIN" commit -m two >/dev/null
sha256sum model/* > "$work/two.sums"
c1=$(cat .mlchain/refs/heads/one)
c2=$(cat .mlchain/refs/heads/main)

for round in $(seq 1 20); do
  target=$([ $((round % 2)) -eq 1 ] && echo one || echo main)
  "$MLCHAIN" checkout --force "$target" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 6))$((RANDOM % 10))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for path in model/part-*.bin; do
    sum=$(sha256sum "$path")
    grep -qxF "$sum" "$work/one.sums" || grep -qxF "$sum" "$work/two.sums" \
      || fail "round $round: $path is neither version (partly written?)"
  done
  head=$(cat .mlchain/HEAD)
  case "$head" in
    "ref: refs/heads/one" | "ref: refs/heads/main" | "$c1" | "$c2") ;;
    *) fail "round $round: HEAD is '$head'" ;;
  esac
done

"$MLCHAIN" checkout --force main >/dev/null
"$MLCHAIN" verify >/dev/null || fail "verify after the interrupted checkouts"
leftovers=$(find . -path ./.mlchain -prune -o -name '*.mlchain.tmp-*' -print)
[ -z "$leftovers" ] || fail "a forced checkout left temporary files: $leftovers"

# What a checkout killed mid-file leaves (its temporary, named for a process that no longer runs) is
# never part of a snapshot, and fsck reports it and gc removes it.
leftover=model/.part-01.bin.mlchain.tmp-2147483646-0
head -c 1000 /dev/urandom > "$leftover"
[ "$("$MLCHAIN" status --json | tr -d ' \n' | grep -o '"added":\[[^]]*\]')" = '"added":[]' ] \
  || fail "status counts a checkout temporary: $("$MLCHAIN" status --json)"
"$MLCHAIN" commit -m "nothing new" | has "nothing to commit" || fail "commit recorded a checkout temporary"
"$MLCHAIN" fsck | has -F "leftover $PWD/$leftover" || fail "fsck does not report $leftover: $("$MLCHAIN" fsck)"
"$MLCHAIN" gc >/dev/null
[ ! -e "$leftover" ] || fail "gc left $leftover"
sha256sum -c --quiet "$work/two.sums" || fail "the final tree is not main's"
echo "interrupted checkouts: every file whole, HEAD consistent, the tree restored"
