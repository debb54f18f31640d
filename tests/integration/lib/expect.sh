# Sourced by the integration scripts. `expect CODE COMMAND…` runs COMMAND, leaves its stdout in $out and
# stderr in $err, and fails unless it exited CODE and — for a non-zero CODE — printed exactly one line
# starting "mlchain: error: " (DESIGN §4.3). The script must have set $work (its temporary directory).
fail() { echo "FAIL: $*" >&2; exit 1; }

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
