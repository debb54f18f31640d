#!/usr/bin/env bash
# fsck means it: a branch tip with a forged signature, a config that does not parse, a ref or reflog
# that is a directory, a FIFO or a symlink, HEAD or the index of the wrong type, a reflog line that does
# not parse are each reported (exit 1, naming the path or CID) without hanging or following anything;
# gc refuses while a ref or reflog cannot be read, and removes nothing.
: "${MLCHAIN_REPO_COMMIT_TOOL:?path of repo_commit_tool}"
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d
# Nothing here may block: a command that hangs on a FIFO fails the test instead.
run() { timeout 20 "$MLCHAIN" "$@"; }

mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
printf 'one\n' > model.txt && "$MLCHAIN" commit -m one >/dev/null
printf 'two\n' > model.txt && "$MLCHAIN" commit -m two >/dev/null
"$MLCHAIN" branch side >/dev/null
expect 0 run fsck
cp -a .mlchain "$work/pristine"
restore() { chmod -R u+w .mlchain; rm -rf .mlchain; cp -a "$work/pristine" .mlchain; }
objects=$(find .mlchain/objects -type f | wc -l)
objects_kept() { [ "$(find .mlchain/objects -type f | wc -l)" -eq "$objects" ] || fail "$1: gc removed objects"; }

# A branch tip signed by a key that is not its author's.
mkdir "$work/bundle" && printf 'forged\n' > "$work/bundle/model.txt"
forged=$("$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/bundle" -m forged --parent "$(cat .mlchain/refs/heads/main)" \
         --author 0x000000000000000000000000000000000000dEaD --no-ref)
printf '%s\n' "$forged" > .mlchain/refs/heads/side
expect 1 run fsck
[[ "$out" == *"bad-signature $forged: commit $forged claims author 0x000000000000000000000000000000000000dEaD but was signed by 0x"* ]] ||
  fail "fsck of a forged branch tip: $out"
restore

# A config that does not parse.
printf 'this is not a setting\n' >> .mlchain/config
expect 1 run fsck
[[ "$out" == *"malformed config: "*".mlchain/config:2"* ]] || fail "fsck of a corrupt config: $out"
expect 1 run gc
[[ "$err" == *".mlchain/config"*"gc removed nothing"* ]] || fail "gc with a corrupt config: $err"
restore

# A ref that is a directory, a FIFO, a symlink: reported, never opened; gc refuses and removes nothing.
rm .mlchain/refs/heads/side && mkdir .mlchain/refs/heads/side
expect 1 run fsck
[[ "$out" == *"bad-ref refs/heads/side: "*"refs/heads/side is a directory"* ]] || fail "fsck of a ref that is a directory: $out"
expect 1 run gc
[[ "$err" == *"refs/heads/side"*"directory"* ]] || fail "gc with a ref that is a directory: $err"
objects_kept "a ref that is a directory"
restore
rm .mlchain/refs/heads/side && mkfifo .mlchain/refs/heads/side
expect 1 run fsck
[[ "$out" == *"unreadable "*"refs/heads/side is a FIFO"* ]] || fail "fsck of a ref that is a FIFO: $out"
expect 1 run gc
[[ "$err" == *"refs/heads/side is a FIFO"* ]] || fail "gc with a ref that is a FIFO: $err"
objects_kept "a ref that is a FIFO"
expect 1 run branch
restore
ln -sf /dev/zero .mlchain/refs/heads/side
expect 1 run fsck
[[ "$out" == *"refs/heads/side is a symbolic link"* ]] || fail "fsck of a ref that is a symlink: $out"
expect 1 run gc
restore

# A directory of refs or of reflogs that is not one: branches under it must not read as unborn.
rm -r .mlchain/refs/heads && mkfifo .mlchain/refs/heads
expect 1 run fsck
[[ "$out" == *"refs/heads is a FIFO"* ]] || fail "fsck with refs/heads a FIFO: $out"
expect 1 run log
[[ "$err" == *"refs/heads is a FIFO, not a directory"* ]] || fail "log with refs/heads a FIFO: $err"
expect 1 run gc
objects_kept "refs/heads a FIFO"
restore
rm -r .mlchain/logs && ln -s /tmp .mlchain/logs
expect 1 run fsck
[[ "$out" == *"unreadable logs: "*".mlchain/logs is a symbolic link"* ]] || fail "fsck with logs a symlink: $out"
expect 1 run reflog
expect 1 run gc
printf 'three\n' > model.txt
expect 1 run commit -m three
[[ "$err" == *".mlchain/logs is a symbolic link, not a directory"* ]] || fail "commit with logs a symlink: $err"
restore
# A regular file there hides every branch below it as surely: never read as "no commits yet" or as no
# branches at all, and a writing command refuses it as damage (exit 1, not 70) without moving a ref.
head=$(cat .mlchain/refs/heads/main)
rm -r .mlchain/refs/heads && printf 'junk\n' > .mlchain/refs/heads
for command in log status verify branch "branch side" gc "commit -m three"; do
  # shellcheck disable=SC2086
  expect 1 run $command
  [[ "$err$out" == *"refs/heads is a regular file, not a directory"* ]] || fail "$command with refs/heads a file: $err$out"
done
restore
for store in logs objects; do
  rm -r ".mlchain/$store" && printf 'junk\n' > ".mlchain/$store"
  printf 'four\n' > model.txt
  expect 1 run commit -m four
  [[ "$err" == *".mlchain/$store "*"not a directory"* ]] || fail "commit with $store a file: $err"
  [ "$(cat .mlchain/refs/heads/main)" = "$head" ] || fail "commit with $store a file moved the branch"
  restore
done
expect 0 run checkout -f main

# HEAD, the index and a reflog of the wrong type, and a reflog line that does not parse.
rm .mlchain/HEAD && mkfifo .mlchain/HEAD
expect 1 run fsck
[[ "$out" == *"unreadable HEAD: "*".mlchain/HEAD is a FIFO"* ]] || fail "fsck of a HEAD that is a FIFO: $out"
expect 1 run gc
restore
rm -f .mlchain/index && mkfifo .mlchain/index
expect 1 run fsck
[[ "$out" == *"unreadable index: "*"is a FIFO"* ]] || fail "fsck of an index that is a FIFO: $out"
expect 1 run gc
[[ "$err" == *".mlchain/index is a FIFO"*"gc removed nothing" ]] || fail "gc with an index that is a FIFO: $err"
restore
for store in objects files journal; do
  mv ".mlchain/$store" "$work/$store.moved" && mkfifo ".mlchain/$store"
  expect 1 run fsck
  [[ "$out" == *"unreadable $store: "*".mlchain/$store is a FIFO, not a directory"* ]] || fail "fsck with $store a FIFO: $out"
  expect 1 run gc
  rm ".mlchain/$store" && mv "$work/$store.moved" ".mlchain/$store"
done
rm .mlchain/logs/refs/heads/main && mkfifo .mlchain/logs/refs/heads/main
expect 1 run fsck
[[ "$out" == *"logs/refs/heads/main is a FIFO"* ]] || fail "fsck of a reflog that is a FIFO: $out"
expect 1 run gc
[[ "$err" == *"logs/refs/heads/main is a FIFO"* ]] || fail "gc with a reflog that is a FIFO: $err"
objects_kept "a reflog that is a FIFO"
restore
printf 'garbage\n' >> .mlchain/logs/HEAD
expect 1 run fsck
[[ "$out" == *"malformed "*"logs/HEAD: "*"logs/HEAD:3: malformed reflog entry"* ]] || fail "fsck of a garbled reflog: $out"
expect 1 run gc
expect 1 run reflog
restore
expect 0 run fsck

echo "fsck damage: ok"
