#!/usr/bin/env bash
# Secrets stay secret (docs/format.md): no passphrase or private key in any output, error message or --json,
# and no file but the keystore written; only `key export --private-key` prints the key, on request.
source "$(dirname "$0")/lib/expect.sh"
make_workspace
unset MLCHAIN_PASSWORD MLCHAIN_PRIVATE_KEY

passphrase="s3cret-passphrase-$$"
private_key=4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
printf '%s\n' "$passphrase" > "$work/pw"
printf '0x%s\n' "$private_key" > "$work/raw"
log="$work/log"
: > "$log"
# Runs a command, appending everything it prints to the log that is searched for secrets at the end.
run() {
  set +e
  "$@" >> "$log" 2>&1
  set -e
}

run "$MLCHAIN" key import --private-key-file "$work/raw" --name ci --light --password-file "$work/pw"
run "$MLCHAIN" key new --name other --light --password-file "$work/pw"
run "$MLCHAIN" key list
run "$MLCHAIN" key list --json
run "$MLCHAIN" key export ci
run "$MLCHAIN" key sign ci "message" --password-file "$work/pw"
run env MLCHAIN_PASSWORD="$passphrase" "$MLCHAIN" key sign ci "message"
run env MLCHAIN_PASSWORD="not-$passphrase" "$MLCHAIN" key sign ci "message"
run "$MLCHAIN" key sign ci "message" </dev/null
run "$MLCHAIN" key export ci --private-key --password-file "$work/pw" </dev/null
run env MLCHAIN_PRIVATE_KEY="0x$private_key" "$MLCHAIN" key sign "message"
# Malformed keys must be refused without being echoed: a typo in a key is still most of the key.
run env MLCHAIN_PRIVATE_KEY="0x${private_key}ff" "$MLCHAIN" key sign "message"
run env MLCHAIN_PRIVATE_KEY="${private_key:0:60}zzzz" "$MLCHAIN" key sign "message"
printf '%s' "${private_key:0:63}g" > "$work/bad-raw"
run "$MLCHAIN" key import --private-key-file "$work/bad-raw" --name bad --light --password-file "$work/pw"

grep -q 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23 "$log" || fail "the commands did not run: $(cat "$log")"
echo "no secret in $(wc -l < "$log") lines of output"
! grep -qi "$private_key" "$log" || fail "the private key appears in the output: $(grep -i "$private_key" "$log")"
! grep -qi "${private_key:0:60}" "$log" || fail "a malformed private key is echoed"
! grep -q "$passphrase" "$log" || fail "the passphrase appears in the output"

echo "no secret in any file but the keystores, which hold neither in clear"
for file in $(find "$MLCHAIN_HOME" -type f); do
  ! grep -qi "$private_key" "$file" || fail "$file holds the private key in clear"
  ! grep -q "$passphrase" "$file" || fail "$file holds the passphrase"
done
[ "$(find "$MLCHAIN_HOME" -type f | sort | xargs -n1 basename | tr '\n' ' ')" = "ci.json default other.json " ] ||
  fail "unexpected files: $(find "$MLCHAIN_HOME" -type f)"

echo "export --private-key prints the key only when asked"
set +e
shown=$("$MLCHAIN" key export ci --private-key --yes --password-file "$work/pw" 2>/dev/null)
set -e
[ "$shown" = "0x$private_key" ] || fail "export --private-key --yes did not print the key"
echo "key secrets: ok"
