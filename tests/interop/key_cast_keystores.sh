#!/usr/bin/env bash
# Keystores cross between mlchain and Foundry's cast 1.7.1 in both directions: a keystore cast writes
# imports into mlchain under the address cast printed; keystores mlchain writes (light and standard scrypt)
# decrypt with `cast wallet decrypt-keystore` to a key whose address, by cast's own derivation, is the one
# mlchain printed.
set -euo pipefail
: "${MLCHAIN:?path to the mlchain binary}" "${MLCHAIN_PEERS:?path to tests/peers}"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
[ -x "$cast" ] || { echo "FAIL: cast is not installed at $cast (run cmake/install-deps.sh test)" >&2; exit 1; }
grep -q "1.7.1" <<<"$("$cast" --version)" || { echo "FAIL: cast is not 1.7.1" >&2; exit 1; }
unset MLCHAIN_PASSWORD MLCHAIN_PRIVATE_KEY
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
lower() { tr 'A-F' 'a-f'; }

echo "cast wallet new -> mlchain key import"
for i in 1 2 3; do
  mkdir -p "$work/cast-$i"
  created=$("$cast" wallet new "$work/cast-$i" --unsafe-password "cast pass $i")
  cast_address=$(printf '%s\n' "$created" | sed -n 's/^Address: *//p')
  keystore=$(printf '%s\n' "$created" | sed -n 's/^Created new encrypted keystore file: //p')
  [ -f "$keystore" ] || fail "cast did not report its keystore: $created"
  printf 'cast pass %s\n' "$i" > "$work/pw-$i"
  mlchain_address=$("$MLCHAIN" key import "$keystore" --name "from-cast-$i" --password-file "$work/pw-$i" 2>/dev/null)
  echo "  cast $cast_address  mlchain $mlchain_address"
  [ "$mlchain_address" = "$cast_address" ] || fail "imported under $mlchain_address, cast says $cast_address"
done

decrypt_with_cast() {  # NAME PASSWORD -> prints the private key cast finds in mlchain's keystore
  "$cast" wallet decrypt-keystore -k "$MLCHAIN_HOME/keys" "$1.json" --unsafe-password "$2" |
    sed -n 's/.*private key is: *//p'
}

echo "mlchain key new -> cast wallet decrypt-keystore"
check_written_by_mlchain() {  # NAME EXTRA-FLAGS...
  local name=$1
  shift
  local address key
  printf 'mlchain pass %s\n' "$name" > "$work/pw-$name"
  address=$("$MLCHAIN" key new --name "$name" "$@" --password-file "$work/pw-$name" 2>/dev/null)
  key=$(decrypt_with_cast "$name" "mlchain pass $name")
  [[ $key =~ ^0x[0-9a-f]{64}$ ]] || fail "cast could not decrypt $name"
  local cast_address
  cast_address=$("$cast" wallet address --private-key "$key")
  echo "  $name: mlchain $address  cast $cast_address"
  [ "$cast_address" = "$address" ] || fail "cast derives $cast_address from $name's keystore, mlchain said $address"
}
for i in 1 2 3; do check_written_by_mlchain "light-$i" --light; done
check_written_by_mlchain standard
grep -q '"n":262144,"p":1,"r":8' "$MLCHAIN_HOME/keys/standard.json" || fail "the standard key is not n=262144 r=8 p=1"

echo "a cast keystore re-exported by mlchain still decrypts with cast to the same key"
"$MLCHAIN" key export from-cast-1 > "$work/reexported.json"
mkdir -p "$work/reexport"
cp "$work/reexported.json" "$work/reexport/k"
original=$("$cast" wallet decrypt-keystore -k "$work/cast-1" "$(ls "$work/cast-1")" --unsafe-password "cast pass 1" |
  sed -n 's/.*private key is: *//p')
again=$("$cast" wallet decrypt-keystore -k "$work/reexport" k --unsafe-password "cast pass 1" |
  sed -n 's/.*private key is: *//p')
[ -n "$original" ] && [ "$original" = "$again" ] || fail "the re-exported keystore decrypts differently"

echo "a raw key imported into mlchain has the address cast derives from it"
for i in 1 2 3; do
  raw=$("$cast" wallet new --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["private_key"])')
  printf '%s\n' "$raw" > "$work/raw-$i"
  printf 'raw pass\n' > "$work/pw-raw"
  mlchain_address=$("$MLCHAIN" key import --private-key-file "$work/raw-$i" --name "raw-$i" --light \
    --password-file "$work/pw-raw" 2>/dev/null)
  cast_address=$("$cast" wallet address --private-key "$raw")
  [ "$mlchain_address" = "$cast_address" ] || fail "raw key: mlchain $mlchain_address, cast $cast_address"
  [ "$(decrypt_with_cast "raw-$i" "raw pass" | lower)" = "$(printf '%s' "$raw" | lower)" ] ||
    fail "cast decrypts raw-$i to another key"
done
echo "key keystores with cast: ok"
