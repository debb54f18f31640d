#!/usr/bin/env bash
# The command line's frame: version, help (`--help` and `help CMD`), and usage errors with exit code 2
# that name the unknown or missing command.
source "$(dirname "$0")/lib/expect.sh"

"$MLCHAIN" --version | grep -Eq '^mlchain [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$MLCHAIN" --help | has 'Usage' || fail "--help"

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

make_workspace
expect 2 "$MLCHAIN" no-such-command
[ "$err" = "mlchain: error: unknown command 'no-such-command' (see 'mlchain --help')" ] || fail "unknown command: $err"
expect 2 "$MLCHAIN" remote no-such-thing --json
[ "$err" = "mlchain: error: unknown command 'remote no-such-thing' (see 'mlchain remote --help')" ] ||
  fail "unknown subcommand: $err"
expect 2 "$MLCHAIN"
[ "$err" = "mlchain: error: no command given (see 'mlchain --help')" ] || fail "no command: $err"
expect 2 "$MLCHAIN" remote
[[ "$err" == "mlchain: error: 'mlchain remote' needs a command: add, list, "*"(see 'mlchain remote --help')" ]] ||
  fail "group without its command: $err"
# A mistyped flag where a command is expected is named as the wrong word, not as a missing command.
expect 2 "$MLCHAIN" --bogus
[ "$err" = "mlchain: error: unknown option '--bogus' (see 'mlchain --help')" ] || fail "unknown top-level flag: $err"
expect 2 "$MLCHAIN" remote --bogus
[ "$err" = "mlchain: error: unknown option '--bogus' (see 'mlchain remote --help')" ] || fail "unknown group flag: $err"

# A count that is not one is named in a short message (not a range up to DBL_MAX printed in full).
for count in -1 0 abc; do
  expect 2 "$MLCHAIN" log -n "$count"
  [ "$err" = "mlchain: error: --max-count: '$count' is not a whole number of at least 1 (see 'mlchain log --help')" ] ||
    fail "log -n $count: $err"
done

# `mlchain help CMD…` is `mlchain CMD… --help`; `mlchain help` is `mlchain --help`.
expect 0 "$MLCHAIN" help
[ "$out" = "$("$MLCHAIN" --help)" ] || fail "help differs from --help"
[[ "$out" == *" help "* ]] || fail "--help does not list help"
for command in commit "remote add" "key new"; do
  expect 0 "$MLCHAIN" help $command
  [ "$out" = "$("$MLCHAIN" $command --help)" ] || fail "help $command differs from $command --help: $out"
  [[ "$out" == *"Usage: mlchain $command "* ]] || fail "help $command usage line: $out"
done
expect 2 "$MLCHAIN" help no-such-command
[[ "$err" == *"unknown command 'no-such-command'"* ]] || fail "help of an unknown command: $err"
expect 2 "$MLCHAIN" help remote nothing
echo "cli basics: ok"
