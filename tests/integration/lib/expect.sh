# Sourced first by every integration and interop script: it makes the script stop at the first failing
# command or pipeline and at an unset variable, and requires $MLCHAIN, the binary under test.
set -euo pipefail
: "${MLCHAIN:?path of the mlchain binary}"

# `expect CODE COMMAND…` runs COMMAND, leaves its stdout in $out and stderr in $err, and fails unless it
# exited CODE and — for a non-zero CODE — printed exactly one line starting "mlchain: error: "
# (docs/architecture.md). The script must have made its $work (make_workspace).
fail() { echo "FAIL: $*" >&2; exit 1; }

# `COMMAND | has GREP-ARGS…`: whether COMMAND's output matches. It reads all of it before grep looks, since
# `grep -q` stops at the first match and a writer still writing then dies of SIGPIPE, which pipefail turns
# into a failure of the whole pipeline whenever the scheduler lets grep win the race.
has() { local input; input=$(cat); grep -q "$@" <<<"$input"; }

# `expect_exit CODE COMMAND…`: as expect, for a command other than mlchain itself: only its exit code is checked.
expect_exit() {
  local want=$1; shift
  set +e
  out=$("$@" 2>"$work/.err"); local code=$?
  set -e
  err=$(cat "$work/.err")
  [ "$code" -eq "$want" ] || fail "'$*' exited $code, not $want; stdout: $out; stderr: $err"
}

expect() {
  local want=$1
  expect_exit "$@"
  shift
  if [ "$want" -ne 0 ]; then
    [[ "$err" == "mlchain: error: "* ]] || fail "'$*' error message: $err"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "'$*' error is not one line: $err"
  fi
}

# `at_exit COMMAND`: COMMAND (a string, evaluated then) runs when the script exits, before $work is removed,
# in the order given; its failure is ignored. For what a script starts: a daemon, a lock holder.
exit_commands=(release_lock)
at_exit() { exit_commands+=("$1"); }

# `hold_lock [FLOCK-OPTION…] FILE`: a process in the background holds FILE's lock (for 30 s at most), for
# a test of how commands meet a held lock; `release_lock` ends it, flock and the sleep it runs (which
# inherits the lock) both, and so does the script's exit.
lock_holder=
hold_lock() { flock "$@" sleep 30 & lock_holder=$!; }
release_lock() {
  [ -n "$lock_holder" ] || return 0
  pkill -P "$lock_holder" 2>/dev/null || true
  kill "$lock_holder" 2>/dev/null || true
  wait "$lock_holder" 2>/dev/null || true
  lock_holder=
}

# The script's temporary directory as $work, removed when it exits (made writable first, since tests take
# permissions away), with its own MLCHAIN_HOME, and git kept from looking above it for a repository.
make_workspace() {
  work=$(mktemp -d)
  trap 'for exit_command in "${exit_commands[@]}"; do eval "$exit_command" || true; done; chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
  export MLCHAIN_HOME="$work/home" GIT_CEILING_DIRECTORIES="$work"
}

# Every path below the current directory but .mlchain/, with its type and bytes: what "unchanged" and
# "byte-identical" compare.
fingerprint() {
  find . -path ./.mlchain -prune -o -mindepth 1 -print0 | sort -z | while IFS= read -r -d '' path; do
    if [ -L "$path" ]; then echo "link $path -> $(readlink "$path")"
    elif [ -d "$path" ]; then echo "dir $path"
    else echo "file $path $(sha256sum < "$path" | cut -d' ' -f1)"; fi
  done
}

# Where the repository in the current directory keeps the block of CID: a one-chunk file's contents
# (docs/format.md §5).
stored() { local cid=$1; printf '%s/.mlchain/objects/%s/%s' "$PWD" "${cid: -3:2}" "$cid"; }
