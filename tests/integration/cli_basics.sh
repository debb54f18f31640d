#!/usr/bin/env bash
# The command line's frame: version, help, and usage errors with exit code 2 (DESIGN §4.3).
set -euo pipefail
: "${MLCHAIN:?path to the mlchain binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$MLCHAIN" --version | grep -Eq '^mlchain [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$MLCHAIN" --help | grep -q 'Usage' || fail "--help"

set +e
err=$("$MLCHAIN" no-such-command 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] || fail "unknown command exits $code, not 2"
[[ "$err" == "mlchain: error: "* ]] || fail "unknown command message: $err"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "error is not one line: $err"

set +e
"$MLCHAIN" --no-such-flag >/dev/null 2>&1; code=$?
set -e
[ "$code" -eq 2 ] || fail "unknown flag exits $code, not 2"
echo "cli basics: ok"
