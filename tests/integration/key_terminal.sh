#!/usr/bin/env bash
# On a terminal (a pseudo-terminal here) mlchain asks for passphrases with echo off, asks twice for a new
# key, refuses two different answers, and asks for confirmation before printing a private key.
source "$(dirname "$0")/lib/expect.sh"
make_workspace
unset MLCHAIN_PASSWORD MLCHAIN_PRIVATE_KEY

python3 - "$MLCHAIN" <<'PY'
import os, pty, re, sys, time

mlchain = sys.argv[1]
passphrase = "tty-passphrase-%d" % os.getpid()

def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)

def converse(arguments, answers):
    """Runs mlchain on a new pseudo-terminal, answering each prompt as it appears; returns (status, transcript)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(mlchain, [mlchain] + arguments)
    transcript = b""
    pending = list(answers)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        transcript += chunk
        while pending and transcript.rstrip().endswith(pending[0][0].encode()):
            os.write(fd, (pending.pop(0)[1] + "\n").encode())
            transcript += b"<answered>"
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), transcript.decode(errors="replace")

print("key new on a terminal: asked twice, echo off")
code, text = converse(["key", "new", "--name", "tty", "--light"],
                      [("New passphrase for key tty:", passphrase), ("Repeat the passphrase:", passphrase)])
if code != 0:
    fail("key new exits %d: %s" % (code, text))
if passphrase in text:
    fail("the passphrase was echoed: " + text)
address = re.search(r"0x[0-9a-fA-F]{40}", text)
if not address:
    fail("no address printed: " + text)

print("two different answers: nothing written")
code, text = converse(["key", "new", "--name", "differ", "--light"],
                      [("New passphrase for key differ:", "one"), ("Repeat the passphrase:", "two")])
if code != 2 or "differ" not in text or os.path.exists(os.environ["MLCHAIN_HOME"] + "/keys/differ.json"):
    fail("different passphrases: exit %d: %s" % (code, text))

print("key sign on a terminal")
code, text = converse(["key", "sign", "tty", "hello"], [("Passphrase for key tty:", passphrase)])
if code != 0 or passphrase in text or not re.search(r"0x[0-9a-f]{130}", text):
    fail("key sign exits %d: %s" % (code, text))

print("key export --private-key: only after 'yes'")
question = "Type yes to continue:"
code, text = converse(["key", "export", "tty", "--private-key"], [(question, "no")])
if code != 2 or re.search(r"0x[0-9a-f]{64}\b", text):
    fail("export without 'yes' exits %d: %s" % (code, text))
code, text = converse(["key", "export", "tty", "--private-key"],
                      [(question, "yes"), ("Passphrase for key tty:", passphrase)])
if code != 0 or not re.search(r"0x[0-9a-f]{64}\b", text):
    fail("export after 'yes' exits %d: %s" % (code, text))
print("key terminal: ok")
PY
