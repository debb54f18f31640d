#!/usr/bin/env bash
# mlchain key end to end: creating, listing, the default key, signing and verifying, exit codes and the
# modes of what is written (docs/format.md, docs/architecture.md).
source "$(dirname "$0")/lib/expect.sh"
make_workspace
unset MLCHAIN_PASSWORD MLCHAIN_PRIVATE_KEY
mode() { stat -c %a "$1"; }
# Runs a command, keeping its stdout, stderr and exit code in $out, $err and $code.
run() {
  set +e
  out=$("$@" 2>"$work/stderr")
  code=$?
  set -e
  err=$(cat "$work/stderr")
}

printf 'first passphrase\n' > "$work/pw"

for command in new import list export sign verify default; do
  "$MLCHAIN" key "$command" --help | has "Usage" || fail "key $command --help"
done

echo "key new: the first key becomes the default, files 0600 in a 0700 directory"
run "$MLCHAIN" key new --name alice --light --password-file "$work/pw"
[ "$code" -eq 0 ] || fail "key new exits $code: $err"
alice=$out
[[ $alice =~ ^0x[0-9a-fA-F]{40}$ ]] || fail "key new printed '$alice', not an address"
[ "$(mode "$MLCHAIN_HOME/keys")" = 700 ] || fail "keys directory mode $(mode "$MLCHAIN_HOME/keys")"
[ "$(mode "$MLCHAIN_HOME/keys/alice.json")" = 600 ] || fail "keystore mode $(mode "$MLCHAIN_HOME/keys/alice.json")"
grep -q '"n":4096' "$MLCHAIN_HOME/keys/alice.json" || fail "--light did not write n=4096"
grep -q '"p":6' "$MLCHAIN_HOME/keys/alice.json" || fail "--light did not write p=6"
[ -z "$(find "$MLCHAIN_HOME" -name '.*tmp*')" ] || fail "a temporary file was left behind"

run "$MLCHAIN" key new --light --password-file "$work/pw"
[ "$code" -eq 0 ] || fail "second key new exits $code: $err"
second=$out
second_name="key-$(printf '%s' "${second:2:8}" | tr 'A-F' 'a-f')"
[ -f "$MLCHAIN_HOME/keys/$second_name.json" ] || fail "unnamed key not stored as $second_name.json"

echo "key list: text and --json, the default marked"
run "$MLCHAIN" key list
[ "$code" -eq 0 ] || fail "key list exits $code"
printf '%s\n' "$out" | has "^\* alice  *$alice  *$MLCHAIN_HOME/keys/alice.json$" || fail "list text: $out"
printf '%s\n' "$out" | has "^  $second_name  *$second " || fail "list text for the second key: $out"
run "$MLCHAIN" key list --json
python3 - "$out" "$alice" "$second" "$MLCHAIN_HOME" <<'EOF' || fail "list --json: $out"
import json, sys
keys = json.loads(sys.argv[1])
assert [set(k) for k in keys] == [{"name", "address", "file", "default"}] * 2, keys
by_address = {k["address"]: k for k in keys}
assert by_address[sys.argv[2]]["default"] is True and by_address[sys.argv[2]]["name"] == "alice"
assert by_address[sys.argv[3]]["default"] is False
assert by_address[sys.argv[2]]["file"] == sys.argv[4] + "/keys/alice.json"
EOF

echo "key default: shows and moves the default"
run "$MLCHAIN" key default
[ "$out" = alice ] || fail "key default printed '$out'"
run "$MLCHAIN" key default "$second_name"
[ "$code" -eq 0 ] || fail "key default NAME exits $code: $err"
run "$MLCHAIN" key default
[ "$out" = "$second_name" ] || fail "default did not move: '$out'"
run "$MLCHAIN" key default nobody
[ "$code" -eq 3 ] || fail "key default of an unknown key exits $code"
"$MLCHAIN" key default alice

echo "key sign / key verify"
run "$MLCHAIN" key sign alice "hello world" --password-file "$work/pw"
[ "$code" -eq 0 ] || fail "key sign exits $code: $err"
signature=$out
[[ $signature =~ ^0x[0-9a-f]{130}$ ]] || fail "signature '$signature' is not 65 bytes of hex"
[[ ${signature: -2} == 1b || ${signature: -2} == 1c ]] || fail "v is not 27 or 28: $signature"
run "$MLCHAIN" key sign alice "hello world" --password-file "$work/pw"
[ "$out" = "$signature" ] || fail "signing is not deterministic (RFC 6979)"
run "$MLCHAIN" key verify --address "$alice" "hello world" "$signature"
[ "$code" -eq 0 ] || fail "a good signature does not verify: $err"
run "$MLCHAIN" key verify --address "$second" "hello world" "$signature"
[ "$code" -eq 1 ] || fail "a signature by another key exits $code, not 1"
[[ $err == "mlchain: error: signature does not verify: it was made by $alice, not $second" ]] || fail "$err"
run "$MLCHAIN" key verify --address "$alice" "hello world!" "$signature"
[ "$code" -eq 1 ] || fail "a signature of another message exits $code, not 1"
run "$MLCHAIN" key verify --address "$alice" "hello world" "${signature:0:130}"
[ "$code" -eq 1 ] || fail "a 64-byte signature exits $code, not 1"
run "$MLCHAIN" key verify --address "$alice" "hello world" "xyz"
[ "$code" -eq 2 ] || fail "a signature that is not hex exits $code, not 2"
run "$MLCHAIN" key verify --address 0x1234 "hello world" "$signature"
[ "$code" -eq 2 ] || fail "a malformed address exits $code, not 2"

echo "key sign without NAME uses the default key, or MLCHAIN_PRIVATE_KEY"
run "$MLCHAIN" key sign "hello world" --password-file "$work/pw"
[ "$out" = "$signature" ] || fail "signing with the default key differs from signing with alice"
env_key=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
run env MLCHAIN_PRIVATE_KEY=$env_key MLCHAIN_HOME="$work/empty-home" "$MLCHAIN" key sign "hello world"
[ "$code" -eq 0 ] || fail "signing with MLCHAIN_PRIVATE_KEY exits $code: $err"
run "$MLCHAIN" key verify --address 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23 "hello world" "$out"
[ "$code" -eq 0 ] || fail "the MLCHAIN_PRIVATE_KEY signature does not verify as its address"
[ ! -e "$work/empty-home" ] || fail "signing with MLCHAIN_PRIVATE_KEY touched MLCHAIN_HOME"
run env MLCHAIN_PRIVATE_KEY=0x1234 "$MLCHAIN" key sign "hello world"
[ "$code" -eq 2 ] || fail "a malformed MLCHAIN_PRIVATE_KEY exits $code, not 2"
run env MLCHAIN_HOME="$work/empty-home" "$MLCHAIN" key sign "hello world"
[ "$code" -eq 3 ] || fail "signing with no key at all exits $code, not 3"

echo "exit codes: wrong passphrase 1, unknown key 3, no passphrase source 2, taken name 5"
run env MLCHAIN_PASSWORD=wrong "$MLCHAIN" key sign alice "hello"
[ "$code" -eq 1 ] || fail "a wrong passphrase exits $code, not 1"
[[ $err == "mlchain: error: wrong passphrase for key alice"* ]] || fail "wrong passphrase message: $err"
run "$MLCHAIN" key sign nobody "hello" --password-file "$work/pw"
[ "$code" -eq 3 ] || fail "an unknown key exits $code, not 3"
[[ $err == *"nobody"* ]] || fail "the unknown key is not named: $err"
run "$MLCHAIN" key sign alice "hello" </dev/null
[ "$code" -eq 2 ] || fail "no passphrase source exits $code, not 2"
[[ $err == *"--password-file"*"MLCHAIN_PASSWORD"* ]] || fail "the message does not say how to give one: $err"
run "$MLCHAIN" key new --name alice --light --password-file "$work/pw"
[ "$code" -eq 5 ] || fail "a taken name exits $code, not 5"
run "$MLCHAIN" key new --name ../escape --light --password-file "$work/pw"
[ "$code" -eq 2 ] || fail "a name with a path in it exits $code, not 2"
[ ! -e "$MLCHAIN_HOME/escape.json" ] || fail "a key was written outside the key directory"
run env MLCHAIN_PASSWORD= "$MLCHAIN" key new --name empty --light
[ "$code" -eq 2 ] || fail "an empty passphrase for a new key exits $code, not 2"

echo "key export"
run "$MLCHAIN" key export alice
[ "$code" -eq 0 ] || fail "key export exits $code"
[ "$out" = "$(cat "$MLCHAIN_HOME/keys/alice.json")" ] || fail "export does not print the keystore"
run "$MLCHAIN" key export alice --private-key --password-file "$work/pw" </dev/null
[ "$code" -eq 2 ] || fail "export --private-key without a terminal or --yes exits $code, not 2"
[ -z "$out" ] || fail "export --private-key printed something without confirmation"
run "$MLCHAIN" key export alice --private-key --yes --password-file "$work/pw"
[ "$code" -eq 0 ] || fail "export --private-key --yes exits $code: $err"
[[ $out =~ ^0x[0-9a-f]{64}$ ]] || fail "export --private-key printed no key"
exported=$out

echo "key import --private-key-file: the same key, the same address, stored encrypted"
printf '%s\n' "$exported" > "$work/raw"
run "$MLCHAIN" key import --private-key-file "$work/raw" --name alice-again --light --password-file "$work/pw"
[ "$code" -eq 0 ] || fail "import --private-key-file exits $code: $err"
[ "$out" = "$alice" ] || fail "the imported raw key has address $out, not $alice"
! grep -q "${exported:2}" "$MLCHAIN_HOME/keys/alice-again.json" || fail "the raw key is stored in clear"
run "$MLCHAIN" key import --private-key-file "$work/raw" --password-file "$work/pw"
[ "$code" -eq 2 ] || fail "import --private-key-file without --name exits $code, not 2"

echo "key import FILE: a keystore, checked with its passphrase"
run "$MLCHAIN" key import "$MLCHAIN_HOME/keys/alice.json" --name alice-copy --password-file "$work/pw"
[ "$code" -eq 0 ] || fail "importing a keystore exits $code: $err"
[ "$out" = "$alice" ] || fail "the imported keystore has address $out, not $alice"
run env MLCHAIN_PASSWORD=wrong "$MLCHAIN" key import "$MLCHAIN_HOME/keys/alice.json" --name alice-wrong
[ "$code" -eq 1 ] || fail "importing with a wrong passphrase exits $code, not 1"
[ ! -e "$MLCHAIN_HOME/keys/alice-wrong.json" ] || fail "a keystore was imported with a wrong passphrase"
run "$MLCHAIN" key import "$work/missing.json" --password-file "$work/pw"
[ "$code" -eq 3 ] || fail "importing a missing file exits $code, not 3"

echo "the spec's PBKDF2 test vector imports"
printf 'testpassword' > "$work/spec-pw"
run "$MLCHAIN" key import "${MLCHAIN_SOURCE_DIR:?}/tests/vectors/keystore/web3-secret-storage-pbkdf2.json" \
  --name spec --password-file "$work/spec-pw"
[ "$code" -eq 0 ] || fail "the spec vector does not import: $err"
[ "$out" = 0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b ] || fail "the spec vector's address is $out"

echo "a keystore readable by others gets a warning"
chmod 644 "$MLCHAIN_HOME/keys/alice.json"
run "$MLCHAIN" key sign alice "hello" --password-file "$work/pw"
[ "$code" -eq 0 ] || fail "signing with an exposed keystore exits $code"
[[ $err == "mlchain: warning: $MLCHAIN_HOME/keys/alice.json is readable by group or others"* ]] || fail "no warning: $err"
chmod 600 "$MLCHAIN_HOME/keys/alice.json"

echo "a corrupt keystore: exit 1 naming the file"
printf '{"version":3,' > "$MLCHAIN_HOME/keys/broken.json"
run "$MLCHAIN" key sign broken "hello" --password-file "$work/pw"
[ "$code" -eq 1 ] || fail "a corrupt keystore exits $code, not 1"
[[ $err == "mlchain: error: $MLCHAIN_HOME/keys/broken.json: corrupt keystore: not valid JSON" ]] || fail "$err"
run "$MLCHAIN" key list
[ "$code" -eq 1 ] || fail "key list with a corrupt keystore exits $code, not 1"
printf '%s\n' "$out" | has "^\* alice " || fail "a corrupt keystore hid the others from key list"
[[ $err == *"broken.json: corrupt keystore"* ]] || fail "key list does not name the corrupt file: $err"
echo "key commands: ok"
