#!/usr/bin/env bash
# `mlchain cid` as a user meets it: help, version, the "<cid>  <path>" lines, --json, and exit codes
# 2 (unknown profile, no path) and 3 (missing path). CIDs: tests/vectors/README.md ("UnixFS files").
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"

hello_v1=bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am
hello_v0=QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN
empty_v1=bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku
empty_v0=QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH
printf 'hello\n' > hello.txt
: > empty
printf 'hello\n' > 'with space.txt'

help=$("$MLCHAIN" cid --help)
for word in --profile --json unixfs-v1-2025 unixfs-v0-2015 PATH; do
  [[ "$help" == *"$word"* ]] || fail "cid --help does not mention $word"
done
"$MLCHAIN" --help | has ' cid ' || fail "mlchain --help does not list cid"
"$MLCHAIN" --version | grep -Eq '^mlchain [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"

# One line per path, in argument order, "<cid>  <path>" with the path as given, like sha256sum.
expected="$hello_v1  hello.txt
$empty_v1  ./empty
$hello_v1  with space.txt"
actual=$("$MLCHAIN" cid hello.txt ./empty 'with space.txt')
[ "$actual" = "$expected" ] || fail "default profile output:
$actual"
actual=$("$MLCHAIN" cid --profile unixfs-v1-2025 hello.txt)
[ "$actual" = "$hello_v1  hello.txt" ] || fail "--profile unixfs-v1-2025: $actual"
actual=$("$MLCHAIN" cid --profile unixfs-v0-2015 hello.txt empty)
[ "$actual" = "$hello_v0  hello.txt
$empty_v0  empty" ] || fail "--profile unixfs-v0-2015: $actual"
actual=$("$MLCHAIN" cid "$work/hello.txt")
[ "$actual" = "$hello_v1  $work/hello.txt" ] || fail "absolute path: $actual"

# --json: one array, {path, cid, size} per argument, size = content bytes.
json=$("$MLCHAIN" cid --json hello.txt empty)
shape=$(node -e '
  const entries = JSON.parse(process.argv[1])
  if (!Array.isArray(entries)) throw new Error("not an array")
  for (const e of entries) console.log(Object.keys(e).join(","), e.path, e.cid, e.size, typeof e.size)
' "$json")
[ "$shape" = "path,cid,size hello.txt $hello_v1 6 number
path,cid,size empty $empty_v1 0 number" ] || fail "--json: $json"
# A directory's size is the bytes of the files below it (symlinks not followed), not 0.
mkdir -p "$work/sized/inner" && printf 'hello\n' > "$work/sized/a" && printf '12345' > "$work/sized/inner/b"
ln -s a "$work/sized/link"
size=$("$MLCHAIN" cid --json "$work/sized" | node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>console.log(JSON.parse(t)[0].size))')
[ "$size" = 11 ] || fail "--json size of a directory: $size, not 11"

# A missing path: exit 3, one error line naming it; the other paths are still printed.
set +e
out=$("$MLCHAIN" cid hello.txt no-such-file 2>"$work/err"); code=$?
set -e
err=$(cat "$work/err")
[ "$code" -eq 3 ] || fail "missing path exits $code, not 3"
[ "$out" = "$hello_v1  hello.txt" ] || fail "output beside a missing path: $out"
[[ "$err" == "mlchain: error: "*"no-such-file: No such file or directory" ]] || fail "missing path message: $err"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "error is not one line: $err"

# An unknown profile: exit 2, naming the known ones, nothing on stdout.
set +e
out=$("$MLCHAIN" cid --profile unixfs-v2-2030 hello.txt 2>"$work/err"); code=$?
set -e
err=$(cat "$work/err")
[ "$code" -eq 2 ] || fail "unknown profile exits $code, not 2"
[ -z "$out" ] || fail "unknown profile printed: $out"
[[ "$err" == "mlchain: error: "*unixfs-v2-2030*unixfs-v1-2025*unixfs-v0-2015* ]] || fail "unknown profile message: $err"

# No path at all is a usage error.
set +e
"$MLCHAIN" cid >/dev/null 2>&1; code=$?
set -e
[ "$code" -eq 2 ] || fail "cid without a path exits $code, not 2"

echo "cid cli: ok"
