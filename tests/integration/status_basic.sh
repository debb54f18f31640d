#!/usr/bin/env bash
# mlchain status end to end: exit codes; before the first commit; clean; added, modified, deleted
# (symlinks count as files, ignored paths never show); --json exactly {branch, head, added, modified,
# deleted} with branch null when detached; files unchanged by stat are not read (bytes read measured from
# /proc/<pid>/io), an entry not older than the index itself is hashed again (racy-git); a damaged index is
# ignored with a warning and rebuilt.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

# The bytes a command read (rchar of /proc/<pid>/io, taken after it exits and before it is reaped).
bytes_read() {
  python3 - "$@" <<'PY'
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
fields = dict(line.split(": ") for line in open(f"/proc/{child.pid}/io").read().splitlines())
sys.exit(f"exit {child.wait()}") if child.returncode else print(fields["rchar"])
PY
}

"$MLCHAIN" status --help | has -- --json || fail "status --help does not mention --json"
mkdir "$work/bundle" && cd "$work/bundle"
expect 3 "$MLCHAIN" status
"$MLCHAIN" init >/dev/null
expect 2 "$MLCHAIN" status --no-such-flag
expect 2 "$MLCHAIN" status extra-argument

# Before the first commit every file is added.
printf 'a' > a.txt && mkdir -p dir/empty && printf 'b' > dir/b.txt && ln -s a.txt link
printf 'ignored' > skip.tmp && printf '*.tmp\n' > .mlchainignore
expect 0 "$MLCHAIN" status
[ "$out" = "## No commits yet on main
A  .mlchainignore
A  a.txt
A  dir/b.txt
A  dir/empty/
A  link" ] || fail "status before the first commit: $out"
expect 0 "$MLCHAIN" status --json
[ "$out" = '{
  "branch": "main",
  "head": null,
  "added": [
    ".mlchainignore",
    "a.txt",
    "dir/b.txt",
    "dir/empty/",
    "link"
  ],
  "modified": [],
  "deleted": []
}' ] || fail "status --json before the first commit: $out"

"$MLCHAIN" commit -m one >/dev/null
head=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" status
[ "$out" = "## main" ] || fail "clean status: $out"

printf 'A' > a.txt && rm dir/b.txt && printf 'c' > c.txt && ln -sfn dir link && printf 'still ignored' > skip.tmp
expect 0 "$MLCHAIN" status
[ "$out" = "## main
M  a.txt
A  c.txt
D  dir/b.txt
M  link" ] || fail "status after changes: $out"
expect 0 "$MLCHAIN" status --json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert list(d) == ["branch", "head", "added", "modified", "deleted"], list(d)
assert d == {"branch": "main", "head": sys.argv[2], "added": ["c.txt"], "modified": ["a.txt", "link"], "deleted": ["dir/b.txt"]}, d
' "$out" "$head" || fail "status --json after changes: $out"

printf '%s\n' "$head" > .mlchain/HEAD
expect 0 "$MLCHAIN" status --json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["branch"] is None and d["head"] == sys.argv[2], d' "$out" "$head" ||
  fail "detached status --json: $out"
expect 0 "$MLCHAIN" status
[[ "$out" == "## HEAD (detached at $head)"* ]] || fail "detached status: $out"
printf 'ref: refs/heads/main\n' > .mlchain/HEAD

# The stat cache: a large committed file is not read again while its stat is unchanged.
rm c.txt && ln -sfn a.txt link && mkdir -p dir && printf 'b' > dir/b.txt
head -c 40000000 /dev/zero | tr '\0' 'x' > big.bin
"$MLCHAIN" commit -m big >/dev/null
sleep 0.05
"$MLCHAIN" status >/dev/null
read_clean=$(bytes_read "$MLCHAIN" status)
[ "$read_clean" -lt 4000000 ] || fail "status read $read_clean bytes with nothing changed (the stat cache did not vouch)"
printf 'y' | dd of=big.bin bs=1 seek=1000 conv=notrunc status=none
read_changed=$(bytes_read "$MLCHAIN" status)
[ "$read_changed" -ge 40000000 ] || fail "status read only $read_changed bytes of a changed 40 MB file"
expect 0 "$MLCHAIN" status
[ "$out" = "## main
M  big.bin" ] || fail "status after a same-size change: $out"

# A same-size rewrite with its mtime put back is still caught (its ctime moved).
printf 'x' | dd of=big.bin bs=1 seek=1000 conv=notrunc status=none
"$MLCHAIN" status >/dev/null
stamp=$(stat -c %y a.txt)
printf 'Z' > a.txt && touch -d "$stamp" a.txt
expect 0 "$MLCHAIN" status
[ "$out" = "## main
M  a.txt" ] || fail "a same-size rewrite with its mtime restored was missed: $out"
printf 'A' > a.txt

# Racy clean: an entry whose mtime is not older than the index cannot vouch, so the file is read each time.
touch -d '+1 hour' big.bin
"$MLCHAIN" status >/dev/null
read_racy=$(bytes_read "$MLCHAIN" status)
[ "$read_racy" -ge 40000000 ] || fail "a file newer than the index was vouched for ($read_racy bytes read)"
touch -d '-1 hour' big.bin
"$MLCHAIN" status >/dev/null
read_settled=$(bytes_read "$MLCHAIN" status)
[ "$read_settled" -lt 4000000 ] || fail "an older file was read again ($read_settled bytes)"

# A damaged index is ignored with a warning and rebuilt.
printf 'garbage' > .mlchain/index
expect 0 "$MLCHAIN" status
[ "$out" = "## main" ] || fail "status with a damaged index: $out"
[[ "$err" == "mlchain: warning: "*"index"* ]] || fail "no warning about the damaged index: $err"
[ "$(head -c 4 .mlchain/index)" = "MLCI" ] || fail "the damaged index was not rebuilt"
expect 0 "$MLCHAIN" status
[ -z "$err" ] || fail "the rebuilt index still warns: $err"
echo "status: all checks passed"
