#!/usr/bin/env bash
# checkout, reset --hard and restore draw a progress bar on stderr when it is a terminal (the bytes
# written of those to write), and print nothing of it when stderr is a pipe.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
head -c 3000000 /dev/urandom > weights.bin
"$MLCHAIN" commit -m one >/dev/null
head -c 2000000 /dev/urandom > weights.bin
"$MLCHAIN" commit -m two >/dev/null
"$MLCHAIN" tag v1 main~1 && "$MLCHAIN" tag v2 main
back_to_v2() { "$MLCHAIN" checkout --force main >/dev/null && "$MLCHAIN" reset --hard v2 >/dev/null; }

# Runs mlchain with stderr on a new pseudo-terminal (stdout a pipe); prints what reached the terminal.
on_terminal() {
  python3 - "$MLCHAIN" "$@" <<'PY'
import os, pty, subprocess, sys
leader, follower = pty.openpty()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=follower)
os.close(follower)
seen = b""
while True:
    try:
        chunk = os.read(leader, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
sys.stdout.write(repr(seen.decode(errors="replace")))
sys.exit(child.wait())
PY
}

# Each writes v1's weights.bin (2.9 MiB).
for command in "checkout v1" "reset --hard v1" "restore --source v1 weights.bin"; do
  shown=$(on_terminal $command) || fail "'$command' on a terminal failed: $shown"
  [[ "$shown" == *'\r\x1b[K'"${command%% *} "*" / 2.9 MiB"* ]] || fail "'$command' drew no progress bar on a terminal: $shown"
  back_to_v2
  expect 0 "$MLCHAIN" $command
  [ -z "$err" ] || fail "'$command' wrote to a pipe on stderr: $err"
  back_to_v2
done
echo "checkout progress: all checks passed"
