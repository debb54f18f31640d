#!/usr/bin/env bash
# A lock another process holds is reported as a held lock, naming its file (exit 5), by every command that
# moves HEAD or a branch: checkout and reset never pass it off as "HEAD moved (another process committed)",
# and nothing moves while the lock is held. Once the holder is gone, the same command succeeds.
set -euo pipefail
: "${MLCHAIN:?path of the mlchain binary}"
source "$(dirname "$0")/lib/expect.sh"

work=$(mktemp -d)
holder=
# The lock holder is flock and the sleep it runs (which inherits the lock): both must go.
release() { pkill -P "$holder" 2>/dev/null || true; kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; holder=; }
trap '[ -n "$holder" ] && release; chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
export MLCHAIN_HOME="$work/home" GIT_CEILING_DIRECTORIES="$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

hold() { flock "$1" sleep 30 & holder=$!; sleep 0.3; }
# `expect_held LOCK`: the last command's error names LOCK as held and blames no other process's commit.
expect_held() {
  [[ "$err" == *"$1 is held"* ]] || fail "the error does not say $1 is held: $err"
  [[ "$err" != *"HEAD moved"* && "$err" != *"another process committed"* ]] || fail "a held $1 reported as a moved HEAD: $err"
}

mkdir "$work/repo" && cd "$work/repo"
"$MLCHAIN" init >/dev/null
printf 'one\n' > a.txt && "$MLCHAIN" commit -m one >/dev/null
c1=$(cat .mlchain/refs/heads/main)
printf 'two\n' > a.txt && "$MLCHAIN" commit -m two >/dev/null
c2=$(cat .mlchain/refs/heads/main)

echo "checkout while HEAD.lock is held"
hold .mlchain/HEAD.lock
expect 5 "$MLCHAIN" checkout "$c1"
expect_held .mlchain/HEAD.lock
[ "$(cat .mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "HEAD moved while its lock was held"
release
expect 0 "$MLCHAIN" checkout "$c1"
[ "$(cat .mlchain/HEAD)" = "$c1" ] && [ "$(cat a.txt)" = one ] || fail "checkout after the lock was released"
expect 0 "$MLCHAIN" checkout main

echo "reset while HEAD.lock is held"
hold .mlchain/HEAD.lock
expect 5 "$MLCHAIN" reset "$c1"
expect_held .mlchain/HEAD.lock
[ "$(cat .mlchain/refs/heads/main)" = "$c2" ] || fail "reset moved main while HEAD.lock was held"
release

echo "reset while the branch's lock is held"
hold .mlchain/refs/heads/main.lock
expect 5 "$MLCHAIN" reset --hard "$c1"
expect_held .mlchain/refs/heads/main.lock
[ "$(cat .mlchain/refs/heads/main)" = "$c2" ] || fail "reset moved main while its lock was held"
release
expect 0 "$MLCHAIN" reset --hard "$c1"
[ "$(cat .mlchain/refs/heads/main)" = "$c1" ] && [ "$(cat a.txt)" = one ] || fail "reset after the lock was released"

echo "lock held reports: all checks passed"
