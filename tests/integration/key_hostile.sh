#!/usr/bin/env bash
# Tampered and hostile keystores are refused quickly with an error that names the file and the fault:
# a flipped MAC or ciphertext byte fails the MAC; an unknown cipher and absurd KDF parameters are refused
# before any key derivation, so a hostile file can neither hang mlchain nor exhaust its memory.
source "$(dirname "$0")/lib/expect.sh"
make_workspace
unset MLCHAIN_PASSWORD MLCHAIN_PRIVATE_KEY

printf 'pw\n' > "$work/pw"
"$MLCHAIN" key new --name good --light --password-file "$work/pw" > /dev/null 2>&1
good="$MLCHAIN_HOME/keys/good.json"

# variant NAME PYTHON-EXPRESSION-ON-d: writes $work/NAME.json, the good keystore changed by the expression.
variant() {
  python3 - "$good" "$work/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def flip(hex_text):
    return ("0" if hex_text[0] != "0" else "1") + hex_text[1:]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
}

variant flipped-mac 'd["crypto"]["mac"] = flip(d["crypto"]["mac"])'
variant flipped-ciphertext 'd["crypto"]["ciphertext"] = flip(d["crypto"]["ciphertext"])'
variant unknown-cipher 'd["crypto"]["cipher"] = "aes-256-cbc"'
variant huge-n 'd["crypto"]["kdfparams"]["n"] = 2**40'
variant huge-memory 'd["crypto"]["kdfparams"].update(n=2**20, r=16)'
variant huge-work 'd["crypto"]["kdfparams"].update(n=2**20, r=8, p=64)'
variant huge-dklen 'd["crypto"]["kdfparams"]["dklen"] = 2**31'
variant huge-pbkdf2 'd["crypto"]["kdf"] = "pbkdf2"; d["crypto"]["kdfparams"] = {"c": 10**12, "dklen": 32, "prf": "hmac-sha256", "salt": "00" * 32}'

expect_refusal() {  # NAME EXPECTED-MESSAGE-PART
  local file="$work/$1.json" start end elapsed code err
  start=$(date +%s%N)
  set +e
  err=$("$MLCHAIN" key import "$file" --name "$1" --password-file "$work/pw" 2>&1 >/dev/null)
  code=$?
  set -e
  end=$(date +%s%N)
  elapsed=$(( (end - start) / 1000000 ))
  echo "$1: exit $code after ${elapsed} ms: $err"
  [ "$code" -eq 1 ] || fail "$1 exits $code, not 1"
  [[ $err == "mlchain: error: "*"$2"* ]] || fail "$1: the error does not say '$2'"
  [ "$elapsed" -lt 3000 ] || fail "$1 took ${elapsed} ms to refuse"
  [ ! -e "$MLCHAIN_HOME/keys/$1.json" ] || fail "$1 was imported"
}

expect_refusal flipped-mac "wrong passphrase for key flipped-mac (or $work/flipped-mac.json was altered: its MAC does not match)"
expect_refusal flipped-ciphertext "(or $work/flipped-ciphertext.json was altered: its MAC does not match)"
expect_refusal unknown-cipher "$work/unknown-cipher.json: corrupt keystore: cipher \"aes-256-cbc\" is not supported"
expect_refusal huge-n "$work/huge-n.json: corrupt keystore: scrypt n=1099511627776 r=8 p=6 refused: n must be a power of two from 2 to 2^20"
expect_refusal huge-memory "more than 1 GiB of memory"
expect_refusal huge-work "n·r·p is above 2^23"
expect_refusal huge-dklen "dklen 2147483648 refused: it must be 32"
expect_refusal huge-pbkdf2 "pbkdf2 c=1000000000000 refused: it must be from 1 to 10^7"

echo "the same refusals for a hostile keystore placed in the key directory"
cp "$work/huge-n.json" "$MLCHAIN_HOME/keys/planted.json"
set +e
err=$("$MLCHAIN" key sign planted "hello" --password-file "$work/pw" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" -eq 1 ] || fail "signing with a hostile keystore exits $code, not 1"
[[ $err == "mlchain: error: $MLCHAIN_HOME/keys/planted.json: corrupt keystore: scrypt"*"refused"* ]] || fail "$err"
echo "key hostile: ok"
