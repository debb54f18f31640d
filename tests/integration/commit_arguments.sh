#!/usr/bin/env bash
# What commit and cid take in, without silent surprises: an integer --param beyond int64, a --metric,
# --param, --tag or --data name given twice, a blank -m are usage errors (exit 2) naming what is wrong;
# -F FILE and -F - give the message; --data follows a symlink given as PATH (the data's CID, not the
# link's); `cid -`, `cid /dev/stdin` (pipe or file) and /proc files give the CID of their contents; no
# progress bar reaches a pipe. CIDs: tests/vectors/README.md.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
hello=bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am

mkdir "$work/bundle" && cd "$work/bundle" && "$MLCHAIN" init >/dev/null && echo w > weights.bin

expect 2 "$MLCHAIN" commit -m x --param seed=9223372036854775808
[[ "$err" == *"'seed'"*9223372036854775808* ]] || fail "oversized param: $err"
expect 2 "$MLCHAIN" commit -m x --param seed=-99999999999999999999
expect 2 "$MLCHAIN" commit -m x --metric acc=0.9 --metric acc=0.8
[[ "$err" == *"--metric 'acc'"*twice* ]] || fail "repeated metric: $err"
expect 2 "$MLCHAIN" commit -m x --param lr=1 --param lr=2
expect 2 "$MLCHAIN" commit -m x --tag a=1 --tag a=2
expect 2 "$MLCHAIN" commit -m x --data train=weights.bin --data train:eval=weights.bin
[[ "$err" == *"--data 'train'"* ]] || fail "repeated data: $err"
expect 2 "$MLCHAIN" commit -m "   "
expect 2 "$MLCHAIN" commit -m $'\n\t'
expect 2 "$MLCHAIN" commit
expect 2 "$MLCHAIN" commit -m x -F msg
printf '\n  \n' > blank-message
expect 2 "$MLCHAIN" commit -F blank-message
expect 3 "$MLCHAIN" commit -F no-such-file
expect 3 "$MLCHAIN" log
rm blank-message

# -F FILE: the message without trailing blank lines; -F -: standard input.
printf 'first line\n\nbody\n\n' > "$work/message"
expect 0 "$MLCHAIN" commit -F "$work/message" --param seed=9223372036854775807
[ "$("$MLCHAIN" show --json | json 'd["message"]')" = $'first line\n\nbody' ] || fail "-F message"
[ "$("$MLCHAIN" show --json | json 'd["params"]["seed"]')" = 9223372036854775807 ] || fail "int64 max param"
echo w2 > weights.bin
printf 'from stdin\n' | "$MLCHAIN" commit -F - >/dev/null
[ "$("$MLCHAIN" show --json | json 'd["message"]')" = "from stdin" ] || fail "-F - message"

# --data through a symlink records the data's CID, and changes when the data does.
mkdir -p "$work/data/v1" "$work/data/v2" && printf 'hello\n' > "$work/data/v1/f" && printf 'other\n' > "$work/data/v2/f"
ln -s v1 "$work/data/latest"
echo w3 > weights.bin
"$MLCHAIN" commit -m d1 --data train="$work/data/latest" >/dev/null
[ "$("$MLCHAIN" show --json | json 'd["data"][0]["cid"]')" = "$("$MLCHAIN" cid "$work/data/v1" | awk '{print $1}')" ] ||
  fail "--data recorded the symlink, not the data"
ln -sfn v2 "$work/data/latest" && echo w4 > weights.bin
"$MLCHAIN" commit -m d2 --data train="$work/data/latest" >/dev/null
[ "$("$MLCHAIN" show --json | json 'd["data"][0]["cid"]')" = "$("$MLCHAIN" cid "$work/data/v2" | awk '{print $1}')" ] ||
  fail "--data did not change with the data"
ln -s nowhere "$work/data/dangling"
expect 2 "$MLCHAIN" commit -m x --data train="$work/data/dangling"

# No progress bar on a pipe.
head -c 3000000 /dev/urandom > big.bin
"$MLCHAIN" commit -m big 2>"$work/progress" >/dev/null
[ ! -s "$work/progress" ] || fail "commit wrote to a piped stderr: $(cat "$work/progress")"

# cid of standard input and of kernel files: the contents' CID.
[ "$(printf 'hello\n' | "$MLCHAIN" cid -)" = "$hello  -" ] || fail "cid -"
[ "$(printf 'hello\n' | "$MLCHAIN" cid /dev/stdin)" = "$hello  /dev/stdin" ] || fail "cid /dev/stdin from a pipe"
printf 'hello\n' > "$work/hello"
[ "$("$MLCHAIN" cid /dev/stdin < "$work/hello")" = "$hello  /dev/stdin" ] || fail "cid /dev/stdin from a file"
[ "$(printf 'hello\n' | "$MLCHAIN" cid --json - | json 'd[0]["size"]')" = 6 ] || fail "cid --json - size"
[ "$(cat /proc/version | "$MLCHAIN" cid - | awk '{print $1}')" = "$("$MLCHAIN" cid /proc/version | awk '{print $1}')" ] ||
  fail "cid of a /proc file is not the CID of its contents"
[ "$("$MLCHAIN" cid /proc/version | awk '{print $1}')" != bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku ] ||
  fail "a /proc file hashed as empty"
mkfifo "$work/pipe" && (printf 'hello\n' > "$work/pipe" &)
[ "$("$MLCHAIN" cid "$work/pipe")" = "$hello  $work/pipe" ] || fail "cid of a named pipe"

echo "commit arguments: ok"
