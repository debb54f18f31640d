#!/usr/bin/env bash
# `mlchain verify`, the CI gate, on a damaged store: whatever is wrong with what it was asked to check is
# exit 1 with a problem of its kind in --json — a ref naming a commit that is not stored (missing-object),
# a ref naming a tree (not-a-commit), a commit block that is a FIFO or a stored file that is a symlink to
# /dev/zero (unreadable, without hanging), HEAD's branch that cannot be read (bad-ref, commit null), an
# ancestry step past a damaged commit. A name that names nothing stays exit 3. On a terminal a progress
# bar is drawn on stderr; without one, nothing.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
# A fixed test key (the Web3 Secret Storage example's), so no passphrase is needed.
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# The --json report as lines: its commit, then "kind path expected actual" per problem (the path from
# ".mlchain/" on).
report() {
  python3 - "$1" <<'EOF'
import json, sys
doc = json.loads(sys.argv[1])
assert list(doc) == ["ok", "commit", "problems"], list(doc)
assert doc["ok"] is False and doc["problems"], doc
print(doc["commit"])
for p in doc["problems"]:
    path = p["path"] or ""
    print(p["kind"], path[path.find(".mlchain/"):] if ".mlchain/" in path else path, p["expected"], p["actual"] or "")
EOF
}
stored() { printf '.mlchain/%s/%s/%s' "$1" "${2: -3:2}" "$2"; }
# fresh: a new copy of the clean repository to damage, as the current directory.
fresh() { rm -rf "$work/case" && cp -a "$work/repo" "$work/case" && cd "$work/case"; }

mkdir -p "$work/repo" && cd "$work/repo"
"$MLCHAIN" init >/dev/null
printf 'weights v1\n' > weights.bin
"$MLCHAIN" commit -m one >/dev/null
printf 'weights v2\n' > weights.bin
"$MLCHAIN" commit -m two >/dev/null
head=$("$MLCHAIN" show --json HEAD | json_field cid)
tree=$("$MLCHAIN" show --json HEAD | json_field tree)
weights=$("$MLCHAIN" cid weights.bin | cut -d' ' -f1)
absent=bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
expect 0 "$MLCHAIN" verify

echo "a branch naming a commit that is not stored: missing-object, exit 1"
fresh
printf '%s\n' "$absent" > .mlchain/refs/heads/gone
expect 1 timeout 10 "$MLCHAIN" verify gone --json
[ "$(report "$out")" = "$absent
missing-object $(stored objects "$absent") $absent " ] || fail "missing commit: $out"
expect 1 timeout 10 "$MLCHAIN" verify gone
[[ "$out" == *"mlchain: verify: missing-object "* ]] || fail "missing commit text: $out"

echo "a tag naming a tree: not-a-commit, exit 1"
printf '%s\n' "$tree" > .mlchain/refs/tags/tree
expect 1 timeout 10 "$MLCHAIN" verify tree --json
[[ "$(report "$out")" == "$tree
not-a-commit $(stored objects "$tree") $tree a dag-pb block"* ]] || fail "tree as a commit: $out"

echo "HEAD's commit block is a FIFO: unreadable, exit 1, no hang"
fresh
rm -f "$(stored objects "$head")" && mkfifo "$(stored objects "$head")"
expect 1 timeout 10 "$MLCHAIN" verify --json
[[ "$(report "$out")" == "$head
unreadable $(stored objects "$head") $head "*"a FIFO, not a regular file"* ]] || fail "FIFO commit: $out"

echo "an ancestry step past that commit still reports it"
expect 1 timeout 10 "$MLCHAIN" verify HEAD~1 --json
[[ "$(report "$out")" == "$head
unreadable "* ]] || fail "HEAD~1 past a FIFO: $out"

echo "a stored file that is a symlink to /dev/zero: unreadable, exit 1, read nowhere near to the end"
fresh
rm -f "$(stored objects "$weights")" && ln -s /dev/zero "$(stored objects "$weights")"
expect 1 timeout 10 "$MLCHAIN" verify --json
[[ "$(report "$out")" == "$head
unreadable $(stored objects "$weights") $weights "*"a symlink, not a regular"* ]] || fail "/dev/zero content: $out"

echo "HEAD's branch is a FIFO: bad-ref, no commit, exit 1"
fresh
rm .mlchain/refs/heads/main && mkfifo .mlchain/refs/heads/main
expect 1 timeout 10 "$MLCHAIN" verify --json
[[ "$(report "$out")" == "None
bad-ref .mlchain/refs/heads/main None "* ]] || fail "FIFO branch: $out"
expect 1 timeout 10 "$MLCHAIN" verify
[[ "$out" == *"mlchain: verify: bad-ref "*"checked nothing: no commit could be read" ]] || fail "FIFO branch text: $out"

echo "names that name nothing: exit 3"
fresh
expect 3 "$MLCHAIN" verify no-such-branch
expect 3 "$MLCHAIN" verify "$absent"

echo "progress: a bar on a terminal's stderr, nothing in a pipe"
expect 0 "$MLCHAIN" verify
[ -z "$err" ] || fail "verify wrote to a stderr that is not a terminal: $err"
script -qec "\"$MLCHAIN\" verify >/dev/null" /dev/null > "$work/terminal" </dev/null
grep -q 'verify .* / ' "$work/terminal" || fail "no progress bar on a terminal: $(cat -v "$work/terminal")"
echo "verify on a damaged store: exit 1 with the problem's kind"
