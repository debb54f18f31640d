#!/usr/bin/env bash
# `mlchain cid` on directory trees: symlinks are stored, never followed; modes and mtimes are not
# recorded; names are kept as raw bytes; sockets, fifos and devices are refused (exit 2) naming the
# path; an unreadable directory is named. CIDs: tests/vectors/README.md ("UnixFS directories").
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"

cid() { "$MLCHAIN" cid "$@" | awk '{ print $1 }'; }

mkdir -p tree/sub tree/empty
printf 'hello\n' > tree/hello.txt
printf 'x' > tree/sub/x
ln -s hello.txt tree/link

# A symlink is its own node whatever it points to: the same CID for a dangling one, never the target's.
[ "$(cid tree/link)" = bafybeiar537gtgwbfdxiqzybddgre3qnehtxmegnc573cpzs3lza53a4la ] || fail "symlink CID"
[ "$(cid --profile unixfs-v0-2015 tree/link)" = QmPYf1QFHozJBBDAws6mzy3kzMPmtSuSc4iCwJS5GMYaSK ] || fail "v0 symlink CID"
mkdir dangling && ln -s hello.txt dangling/link
[ "$(cid dangling/link)" = "$(cid tree/link)" ] || fail "a dangling symlink differs from a live one"
ln -s sub tree/to-dir
[ "$(cid tree/to-dir)" != "$(cid tree/sub)" ] || fail "a symlink to a directory was followed"
[ "$(cid tree/empty)" = bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354 ] || fail "empty directory CID"

# Neither mode nor mtime is recorded: the tree's CID survives chmod and touch, not a content change.
before=$(cid tree)
chmod 700 tree/sub && chmod 600 tree/hello.txt && touch -d '2001-01-01' tree/sub/x tree
[ "$(cid tree)" = "$before" ] || fail "mode or mtime changed the CID"
printf 'y' > tree/sub/x
[ "$(cid tree)" != "$before" ] || fail "a content change did not change the CID"

# Names are bytes: NFC and NFD spellings of é are two entries, and a name that is not UTF-8 imports.
mkdir names && printf 1 > names/$'caf\xc3\xa9' && printf 2 > names/$'cafe\xcc\x81' && printf 3 > names/$'bad\xff'
[ -n "$(cid names)" ] || fail "names with raw bytes"
mkdir nfc-only && printf 1 > nfc-only/$'caf\xc3\xa9'
[ "$(cid nfc-only)" != "$(cid names)" ] || fail "NFD name merged with NFC"

# A fifo inside a tree: exit 2, one line naming it.
mkdir special && mkfifo special/pipe
set +e
out=$("$MLCHAIN" cid special 2>"$work/err"); code=$?
set -e
[ "$code" -eq 2 ] || fail "a fifo in a tree exits $code, not 2"
[ -z "$out" ] || fail "a refused tree printed: $out"
[ "$(cat "$work/err")" = "mlchain: error: special/pipe is not a regular file, directory or symlink" ] ||
  fail "fifo message: $(cat "$work/err")"

# An unreadable directory is named (root reads anything, so only as another user).
if [ "$(id -u)" -ne 0 ]; then
  mkdir -p locked/inner && chmod 000 locked/inner
  set +e
  "$MLCHAIN" cid locked >/dev/null 2>"$work/err"; code=$?
  set -e
  [ "$code" -ne 0 ] || fail "an unreadable directory was hashed"
  grep -q 'locked/inner' "$work/err" || fail "unreadable directory message: $(cat "$work/err")"
fi

# Two entries cid refuses in one directory: the error names the first in name order, whatever order the
# directory lists them in, so the same tree always gives the same message.
mkdir -p refused/fifo_first refused/link_first
mkfifo refused/fifo_first/a && ln -s /nonexistent refused/fifo_first/b
ln -s /nonexistent refused/link_first/a && mkfifo refused/link_first/b
expect 2 "$MLCHAIN" cid --dereference refused/fifo_first
[[ "$err" == *"refused/fifo_first/a is not a regular file"* ]] || fail "not the first refused entry: $err"
expect 2 "$MLCHAIN" cid --dereference refused/link_first
[[ "$err" == *"symlink refused/link_first/a points to nothing"* ]] || fail "not the first refused entry: $err"

# cid applies no .mlchainignore (man/mlchain-cid.1): a file the rules leave out is in cid's tree, though
# a commit of the same work tree leaves it out.
mkdir ignoring && cd ignoring
printf 'weights\n' > model.bin && printf '*.tmp\n' > .mlchainignore
without=$(cid .)
printf 'scratch\n' > scratch.tmp
[ "$(cid .)" != "$without" ] || fail "cid left out a file .mlchainignore names"
"$MLCHAIN" init >/dev/null && MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d "$MLCHAIN" commit -m ignoring >/dev/null
[ "$("$MLCHAIN" show | awk '$1 == "Tree:" { print $2 }')" = "$without" ] || fail "the commit kept a file .mlchainignore names"
cd "$work"

echo "cid trees: ok"
