# Sourced first by every integration script: it makes the script stop at the first failing command or
# pipeline and at an unset variable, and requires $MLCHAIN, the binary under test.
set -euo pipefail
: "${MLCHAIN:?path of the mlchain binary}"

# `expect CODE COMMAND…` runs COMMAND, leaves its stdout in $out and stderr in $err, and fails unless it
# exited CODE and — for a non-zero CODE — printed exactly one line starting "mlchain: error: "
# (docs/architecture.md). The script must have set $work (its temporary directory).
fail() { echo "FAIL: $*" >&2; exit 1; }

# `COMMAND | has GREP-ARGS…`: whether COMMAND's output matches. It reads all of it before grep looks, since
# `grep -q` stops at the first match and a writer still writing then dies of SIGPIPE, which pipefail turns
# into a failure of the whole pipeline whenever the scheduler lets grep win the race.
has() { local input; input=$(cat); grep -q "$@" <<<"$input"; }

expect() {
  local want=$1; shift
  set +e
  out=$("$@" 2>"$work/.err"); local code=$?
  set -e
  err=$(cat "$work/.err")
  [ "$code" -eq "$want" ] || fail "'$*' exited $code, not $want; stdout: $out; stderr: $err"
  if [ "$want" -ne 0 ]; then
    [[ "$err" == "mlchain: error: "* ]] || fail "'$*' error message: $err"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "'$*' error is not one line: $err"
  fi
}

# The script's temporary directory as $work, removed when it exits (made writable first, since tests take
# permissions away), with its own MLCHAIN_HOME, and git kept from looking above it for a repository.
make_workspace() {
  work=$(mktemp -d)
  trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
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

# Where the repository in the current directory keeps the contents of file CID (docs/format.md, files/).
stored() { local cid=$1; printf '%s/.mlchain/files/%s/%s' "$PWD" "${cid: -3:2}" "$cid"; }
