#!/usr/bin/env bash
# What the repository holds reaches the terminal escaped: file names with ESC, newlines or tabs are quoted
# as git quotes them in status, diff and show; messages, tags, params and metric names have their control
# characters escaped in log and show; error messages stay one line; --json keeps the exact bytes.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

# No raw control byte but newline and tab may reach the terminal.
controls=$'[\e\r\a\x7f]'
no_controls() {
  if printf '%s' "$2" | LC_ALL=C grep -q "$controls"; then fail "$1 prints a raw control character: $(printf '%s' "$2" | od -c | head -5)"; fi
}

mkdir "$work/bundle" && cd "$work/bundle"
"$MLCHAIN" init >/dev/null
printf 'plain' > plain.txt
printf 'red' > $'evil\e[31mname'
printf 'two' > $'two\nlines'
printf 'tab' > $'tab\there'
printf 'quote' > 'say "hi"'

expect 0 "$MLCHAIN" status
no_controls status "$out"
[ "$out" = '## No commits yet on main
A  "evil\033[31mname"
A  plain.txt
A  "say \"hi\""
A  "tab\there"
A  "two\nlines"' ] || fail "status: $out"

"$MLCHAIN" commit -m $'title \e]0;pwned\a here\n\nbody \e[2J line\rover' --tag $'note=\e[31mred' \
  --param $'cmd=\e[1mbold' >/dev/null

for command in "log" "log --oneline" "show" "show HEAD"; do
  expect 0 "$MLCHAIN" $command
  no_controls "$command" "$out"
done
expect 0 "$MLCHAIN" log --oneline
[[ "$out" == *' title \033]0;pwned\a here' ]] || fail "log --oneline subject: $out"
expect 0 "$MLCHAIN" show
[[ "$out" == *'    body \033[2J line\rover'* ]] || fail "show message body: $out"
[[ "$out" == *'    note = \033[31mred'* ]] || fail "show tag: $out"
[[ "$out" == *'    cmd = \033[1mbold'* ]] || fail "show param: $out"
[[ "$out" == *' "evil\033[31mname"'* && "$out" == *' "two\nlines"'* ]] || fail "show files: $out"

# --json keeps the bytes exactly (JSON escapes them itself).
expect 0 "$MLCHAIN" show --json
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
paths = [f["path"] for f in d["files"]]
assert "evil\x1b[31mname" in paths and "two\nlines" in paths, paths
assert d["message"].startswith("title \x1b]0;pwned\x07 here"), d["message"]
assert d["tags"]["note"] == "\x1b[31mred", d["tags"]
' || fail "show --json does not keep the exact bytes"

# diff and status after changes; a symlink target with an ESC.
printf 'red2' > $'evil\e[31mname'
rm $'two\nlines'
ln -s $'target\e[5m' $'link\e'
expect 0 "$MLCHAIN" status
no_controls "status after changes" "$out"
[[ "$out" == *'M  "evil\033[31mname"'* && "$out" == *'D  "two\nlines"'* && "$out" == *'A  "link\033"'* ]] ||
  fail "status after changes: $out"
expect 0 "$MLCHAIN" diff
no_controls diff "$out"
[[ "$out" == *'changed  "evil\033[31mname"  '* && "$out" == *'symlink -> "target\033[5m"'* ]] || fail "diff: $out"
"$MLCHAIN" commit -m second >/dev/null
expect 0 "$MLCHAIN" diff HEAD~1 HEAD
no_controls "diff REV REV" "$out"
[[ "$out" == *'removed  "two\nlines"  '* ]] || fail "diff REV REV: $out"

# verify's problems, checkout, reset, gc --dry-run, fsck and reflog show subjects and paths escaped too.
printf 'red3' > $'evil\e[31mname'
expect 1 "$MLCHAIN" verify
no_controls verify "$out"
[[ "$out" == *'modified "evil\033[31mname"'* ]] || fail "verify: $out"
"$MLCHAIN" commit -m $'third \e[31mred' >/dev/null
for command in "checkout HEAD~1" "checkout main" "reset --hard HEAD~1" "gc --dry-run" "reflog" "fsck" "commit -m x"; do
  printf 'red4' > $'evil\e[31mname'
  set +e
  out=$("$MLCHAIN" $command 2>&1)
  set -e
  no_controls "$command" "$out"
done
expect 0 "$MLCHAIN" reflog
[[ "$out" == *'commit: third '*'[31mred'* ]] || fail "reflog: $out"

# An error naming what the user typed stays one line and escapes it.
expect 3 "$MLCHAIN" show $'no\e[31mbranch'
no_controls "error message" "$err"
[[ "$err" == *'no\033[31mbranch'* ]] || fail "error message: $err"
echo "cli output safety: all checks passed"
