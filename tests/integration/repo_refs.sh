#!/usr/bin/env bash
# Branches, tags and revisions end to end: branch/tag list, create, delete and their exit codes; REV
# syntax (HEAD, branch, tag, full and short CIDs, ~N, ^N); refs moved by compare-and-swap under a lock
# file (a racing writer exits 5 with nothing half-written; a live holder is named after a short wait; a
# dead holder's lock is taken over).
: "${MLCHAIN_REPO_COMMIT_TOOL:?path of repo_commit_tool}"
source "$(dirname "$0")/lib/expect.sh"

work=$(mktemp -d)
holder=
# The lock holder is flock and the sleep it runs (which inherits the lock): both must go.
release() { pkill -P "$holder" 2>/dev/null || true; kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; holder=; }
trap '[ -n "$holder" ] && release; rm -rf "$work"' EXIT
cd "$work"

commit() { "$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/bundle" "$@"; }

for command in branch tag; do "$MLCHAIN" --help | has " $command " || fail "mlchain --help does not list $command"; done
"$MLCHAIN" branch --help | has -- '-d' || fail "branch --help does not mention -d"

mkdir repo bundle && cd repo && "$MLCHAIN" init >/dev/null
echo one > "$work/bundle/weights.bin"

# Nothing committed yet: no branches listed; creating one from the unborn HEAD is "not found".
expect 0 "$MLCHAIN" branch
[ -z "$out" ] || fail "branches before the first commit: $out"
expect 3 "$MLCHAIN" branch dev
[[ "$err" == *"main"*"no commits yet"* ]] || fail "branch from an unborn HEAD: $err"
expect 0 "$MLCHAIN" tag
[ -z "$out" ] || fail "tags before the first commit: $out"

c1=$(commit -m one --time 1000)
echo two > "$work/bundle/weights.bin"
c2=$(commit -m two --time 2000)
echo three > "$work/bundle/weights.bin"
c3=$(commit -m three --time 3000)
[ "$(cat .mlchain/refs/heads/main)" = "$c3" ] || fail "refs/heads/main is not '<cid>': $(cat .mlchain/refs/heads/main)"

# branch: create at HEAD or at REV; list with '*' on the current branch, sorted.
expect 0 "$MLCHAIN" branch dev
[ "$(cat .mlchain/refs/heads/dev)" = "$c3" ] || fail "branch dev is not at HEAD"
expect 0 "$MLCHAIN" branch old "$c1"
[ "$(cat .mlchain/refs/heads/old)" = "$c1" ] || fail "branch old is not at $c1"
expect 0 "$MLCHAIN" branch feature/x main~1
[ "$(cat .mlchain/refs/heads/feature/x)" = "$c2" ] || fail "branch feature/x is not at main~1"
expect 0 "$MLCHAIN" branch
[ "$out" = "  dev
  feature/x
* main
  old" ] || fail "branch list: $out"

# Exit codes: an existing branch 5, a bad name 2, an unknown REV 3, deleting the current branch 5,
# deleting a missing one 3.
expect 5 "$MLCHAIN" branch dev "$c1"
[[ "$err" == *"'dev' already exists"* ]] || fail "existing branch message: $err"
[ "$(cat .mlchain/refs/heads/dev)" = "$c3" ] || fail "a refused branch moved"
for bad in '' 'a..b' 'x.lock' '.hidden' 'with space' 'a~1' 'HEAD' 'trail/'; do
  expect 2 "$MLCHAIN" branch -- "$bad"
done
expect 3 "$MLCHAIN" branch nowhere no-such-rev
[[ "$err" == *"no-such-rev"* ]] || fail "unknown REV message: $err"
expect 5 "$MLCHAIN" branch -d main
[[ "$err" == *"current branch"* ]] || fail "deleting the current branch: $err"
expect 3 "$MLCHAIN" branch -d ghost
expect 0 "$MLCHAIN" branch -d old
[[ "$out" == *"old"*"$c1"* ]] || fail "branch -d output: $out"
[ ! -e .mlchain/refs/heads/old ] || fail "branch -d left the ref"
expect 2 "$MLCHAIN" branch -d

# tag: create, list, immutable.
expect 0 "$MLCHAIN" tag v1 "$c1"
expect 0 "$MLCHAIN" tag v3
expect 0 "$MLCHAIN" tag
[ "$out" = "v1
v3" ] || fail "tag list: $out"
[ "$(cat .mlchain/refs/tags/v1)" = "$c1" ] || fail "tag v1 not at $c1"
expect 5 "$MLCHAIN" tag v1 "$c2"
[[ "$err" == *"'v1' already exists"* ]] || fail "existing tag message: $err"
[ "$(cat .mlchain/refs/tags/v1)" = "$c1" ] || fail "a tag moved"
expect 2 "$MLCHAIN" tag 'bad name'
expect 2 "$MLCHAIN" tag ''
expect 3 "$MLCHAIN" tag v9 nothing-here

# Revisions, through the ref they create: branch, tag, full and short CID, ~N, ^, ^N, chains.
check_rev() {
  expect 0 "$MLCHAIN" branch probe "$1"
  [ "$(cat .mlchain/refs/heads/probe)" = "$2" ] || fail "revision '$1' resolved to $(cat .mlchain/refs/heads/probe), not $2"
  "$MLCHAIN" branch -d probe >/dev/null
}
check_rev HEAD "$c3"
check_rev main "$c3"
check_rev v1 "$c1"
check_rev "$c2" "$c2"
check_rev HEAD~1 "$c2"
check_rev HEAD~2 "$c1"
check_rev main^ "$c2"
check_rev main^1^1 "$c1"
check_rev v3~1^ "$c1"
check_rev feature/x~1 "$c1"
check_rev "${c2:0:20}" "$c2"
expect 3 "$MLCHAIN" branch probe HEAD~3
[[ "$err" == *"$c1"*"0 parent"* ]] || fail "walking past the root: $err"
expect 3 "$MLCHAIN" branch probe main^2
expect 2 "$MLCHAIN" branch probe 'main~x'
expect 2 "$MLCHAIN" branch probe 'main^0'

# A short prefix shared by several commits is ambiguous (exit 2, listing them); no match is 3.
expect 2 "$MLCHAIN" branch probe bafy
[[ "$err" == *"ambiguous"*"$c1"* && "$err" == *"$c2"* && "$err" == *"$c3"* ]] || fail "ambiguous prefix: $err"
expect 3 "$MLCHAIN" branch probe bafyreiaaaaaaaaaaaaaaaaa

# A CID that is not a commit (the tree) is a usage error; a well-formed CID not stored is not found.
tree=$("$MLCHAIN" cid "$work/bundle" | cut -d' ' -f1)
expect 2 "$MLCHAIN" branch probe "$tree"
[[ "$err" == *"not a commit"* ]] || fail "tree as a revision: $err"
expect 3 "$MLCHAIN" branch probe bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy

# A missing parent is "not found" naming it.
orphan=$(commit -m orphan --parent bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy --no-ref --time 4000)
expect 3 "$MLCHAIN" branch probe "$orphan~1"
[[ "$err" == *"bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"* ]] || fail "missing parent: $err"

# Races: two committers on one branch. Both start from c3; the loser's compare-and-swap fails (exit 5)
# and the branch holds exactly the winner's commit.
echo race-a > "$work/bundle/weights.bin"
wins=0; losses=0
for round in 1 2 3 4 5 6; do
  base=$(cat .mlchain/refs/heads/main)
  set +e
  "$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/bundle" -m "a$round" --parent "$base" >"$work/a.out" 2>"$work/a.err" & a=$!
  "$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/bundle" -m "b$round" --parent "$base" >"$work/b.out" 2>"$work/b.err" & b=$!
  wait $a; code_a=$?; wait $b; code_b=$?
  set -e
  head_now=$(cat .mlchain/refs/heads/main)
  for side in a b; do
    code_var=code_$side
    if [ "${!code_var}" -eq 0 ]; then
      wins=$((wins + 1)); [ "$head_now" = "$(cat "$work/$side.out")" ] || fail "round $round: winner $side is not the head"
    else
      losses=$((losses + 1)); [ "${!code_var}" -eq 5 ] || fail "round $round: loser $side exited ${!code_var}: $(cat "$work/$side.err")"
    fi
  done
  [[ "$head_now" =~ ^bafyrei[a-z2-7]+$ ]] || fail "round $round: ref is torn: $head_now"
done
# Each round has at most one winner, and every round moved the branch.
[ $((wins + losses)) -eq 12 ] && [ "$wins" -ge 6 ] || fail "races: $wins wins, $losses losses"
echo "races: $wins wins, $losses losses (a loser always exits 5)"

# A live holder of a ref's lock: the other waits briefly, then exits 5 naming the lock and holder.
flock .mlchain/refs/heads/held.lock sleep 30 & holder=$!
sleep 0.3
start=$(date +%s%N)
expect 5 "$MLCHAIN" branch held
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ "$err" == *"refs/heads/held.lock is held by"* ]] || fail "held lock message: $err"
[ "$elapsed_ms" -ge 1000 ] || fail "a held lock was given up after only ${elapsed_ms} ms"
[ ! -e .mlchain/refs/heads/held ] || fail "a ref was written while its lock was held"
release

# A lock file left by a process that no longer runs is taken over without asking.
printf 'pid 999999 on %s\n' "$(hostname)" > .mlchain/refs/heads/stale.lock
expect 0 "$MLCHAIN" branch stale
[ "$(cat .mlchain/refs/heads/stale)" = "$(cat .mlchain/refs/heads/main)" ] || fail "stale lock not taken over"
[ ! -e .mlchain/refs/heads/stale.lock ] || fail "lock file left behind"

# Outside a repository: 3.
cd "$work"
expect 3 "$MLCHAIN" branch
expect 3 "$MLCHAIN" tag

echo "repo refs: ok"
