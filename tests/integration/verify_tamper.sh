#!/usr/bin/env bash
# The tamper matrix of `mlchain verify`: a clean tree passes (exit 0); one byte
# changed, a file added, removed or renamed in the work tree or in --path DIR; a commit block altered, a
# stored file content altered, a missing ancestor; a commit whose signature is not its author's (made by
# another key, or with a flipped signature byte re-stored under its new CID); --signer with the author,
# with another key's address, with a stranger — each caught with the right kind, exit 1, one line per
# problem, and the --json document {ok, commit, problems: [{path, kind, expected, actual}]}.
: "${MLCHAIN_REPO_COMMIT_TOOL:?path of repo_commit_tool}"
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"

commit() { "$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/bundle" "$@"; }
# The problems of a --json report as "kind path expected actual" lines, sorted; checks the document's shape.
problems() {
  python3 - "$1" <<'EOF'
import json, sys
doc = json.loads(sys.argv[1])
assert list(doc) == ["ok", "commit", "problems"], list(doc)
assert doc["ok"] == (doc["problems"] == []), doc
for p in doc["problems"]:
    assert list(p) == ["path", "kind", "expected", "actual"], p
print("\n".join(sorted(f'{p["kind"]} {p["path"]} {p["expected"]} {p["actual"]}' for p in doc["problems"])))
EOF
}
stored() { local cid=$1 store=$2; printf '%s/.mlchain/%s/%s/%s' "$work/repo" "$store" "${cid: -3:2}" "$cid"; }
cid_of() { "$MLCHAIN" cid "$1" | cut -d' ' -f1; }

# Two keys (the Web3 Secret Storage example key is repo_commit_tool's default) and a stranger.
key2=4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
stranger=0x000000000000000000000000000000000000dEaD

mkdir -p repo bundle/tokenizer
printf 'weights v1\n' > bundle/weights.bin
head -c 3000000 /dev/urandom > bundle/large.bin
printf '{"layers": 2}\n' > bundle/config.json
printf 'vocab\n' > bundle/tokenizer/vocab.txt
ln -s config.json bundle/config-link.json
cd repo && "$MLCHAIN" init >/dev/null
c1=$(commit -m one --time 1000)
printf 'weights v2\n' > "$work/bundle/weights.bin"
c2=$(commit -m two --time 2000)
address1=$("$MLCHAIN" show --json "$c2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["author"])')
expect 0 "$MLCHAIN" checkout main

echo "clean work tree: exit 0, counts of what was checked"
expect 0 "$MLCHAIN" verify
[[ "$out" == "verified $c2: 2 commits (2 signatures), "*" blocks ("*" bytes), "*" stored file contents ("*" bytes) re-hashed; work tree: 4 files ("*" bytes) hashed" ]] \
  || fail "verify text: $out"
expect 0 "$MLCHAIN" verify --json
[ "$(problems "$out")" = "" ] || fail "clean --json: $out"
[[ "$out" == *"\"ok\": true"*"\"commit\": \"$c2\""* ]] || fail "clean --json: $out"
expect 0 "$MLCHAIN" verify "$c2" --signer "$address1"
expect 0 "$MLCHAIN" verify main --signer "$stranger" --signer "$address1"
expect 0 "$MLCHAIN" verify --path "$work/bundle"

echo "one byte changed: modified, with both CIDs"
good=$(cid_of weights.bin)
printf 'weights v3\n' > weights.bin
bad=$(cid_of weights.bin)
expect 1 "$MLCHAIN" verify
[[ "$out" == *"mlchain: verify: modified weights.bin: expected $good, actual $bad"* ]] || fail "modified text: $out"
[[ "$err" == "mlchain: error: verification of $c2 failed: 1 problem" ]] || fail "modified error line: $err"
expect 1 "$MLCHAIN" verify --json
[ "$(problems "$out")" = "modified weights.bin $good $bad" ] || fail "modified --json: $out"
printf 'weights v2\n' > weights.bin

echo "a file added: extra"
printf 'x' > notes.txt
expect 1 "$MLCHAIN" verify --json
[ "$(problems "$out")" = "extra notes.txt None $(cid_of notes.txt)" ] || fail "extra: $out"
rm notes.txt

echo "a FIFO added: extra, as with --path (it is not opened)"
mkfifo notes.fifo
expect 1 timeout 10 "$MLCHAIN" verify --json
[ "$(problems "$out")" = "extra notes.fifo None not a file, directory or symlink" ] || fail "extra FIFO: $out"
rm notes.fifo

echo "a file removed: missing"
vocab=$(cid_of tokenizer/vocab.txt)
rm tokenizer/vocab.txt
expect 1 "$MLCHAIN" verify --json
# The emptied directory is one the commit does not have: bundles keep empty directories.
[[ "$(problems "$out")" == "extra tokenizer None bafy"*"
missing tokenizer/vocab.txt $vocab None" ]] || fail "missing: $out"

echo "a file renamed: missing and extra"
printf 'vocab\n' > tokenizer/vocab.txt
mv config.json config2.json
config=$(cid_of config2.json)
expect 1 "$MLCHAIN" verify --json
[ "$(problems "$out")" = "extra config2.json None $config
missing config.json $config None" ] || fail "renamed: $out"
expect 1 "$MLCHAIN" verify
[ "$(grep -c '^mlchain: verify: ' <<<"$out")" -eq 2 ] || fail "renamed: not one line per problem: $out"
[[ "$err" == *"failed: 2 problems" ]] || fail "renamed error line: $err"
mv config2.json config.json
expect 0 "$MLCHAIN" verify

echo "a symlink retargeted: modified"
ln -sfn tokenizer/vocab.txt config-link.json
expect 1 "$MLCHAIN" verify --json
[[ "$(problems "$out")" == "modified config-link.json "* ]] || fail "symlink: $out"
ln -sfn config.json config-link.json

echo "--path DIR: every file counts, .mlchain/ included"
expect 1 "$MLCHAIN" verify --path "$work/repo" --json
[[ "$(problems "$out")" == *"extra .mlchain/HEAD None "* ]] || fail "--path of the work tree: $out"
cp -r "$work/bundle" "$work/deploy"
expect 0 "$MLCHAIN" verify --path "$work/deploy"
[[ "$out" == *"$work/deploy: 4 files"* ]] || fail "--path text: $out"
printf 'y' >> "$work/deploy/large.bin"
expect 1 "$MLCHAIN" verify --path "$work/deploy" --json
[[ "$(problems "$out")" == "modified large.bin "* ]] || fail "--path modified: $out"
expect 3 "$MLCHAIN" verify --path "$work/no-such-dir"

echo "a stored file's content altered: corrupt, naming the store path"
printf 'weights v1\n' > "$work/w1"
weights_v1=$(cid_of "$work/w1")
path=$(stored "$weights_v1" objects)
[ -f "$path" ] || fail "no stored contents at $path"
chmod u+w "$path"; cp "$path" "$work/saved"
printf 'weights v0\n' > "$path"
expect 1 "$MLCHAIN" verify --json
[ "$(problems "$out")" = "corrupt $path $weights_v1 None" ] || fail "stored content of an ancestor: $out"
cp "$work/saved" "$path"
expect 0 "$MLCHAIN" verify

echo "a commit block altered: corrupt (the ancestor, then HEAD itself)"
for target in "$c1" "$c2"; do
  path=$(stored "$target" objects)
  chmod u+w "$path"; cp "$path" "$work/saved"
  sed -i 's/one/One/; s/two/Two/' "$path"
  cmp -s "$path" "$work/saved" && fail "the commit block did not change"
  expect 1 "$MLCHAIN" verify --json
  [[ "$(problems "$out")" == "corrupt $path $target None"* ]] || fail "altered commit block $target: $out"
  cp "$work/saved" "$path"
done
expect 0 "$MLCHAIN" verify

echo "a missing ancestor: missing-object"
path=$(stored "$c1" objects)
mv "$path" "$work/saved"
expect 1 "$MLCHAIN" verify --json
[ "$(problems "$out")" = "missing-object $path $c1 None" ] || fail "missing ancestor: $out"
mv "$work/saved" "$path"

echo "a commit signed by another key: untrusted-signer with --signer, clean without"
"$MLCHAIN" branch other "$c2"
c3=$(cd "$work/repo" && printf 'other\n' > "$work/bundle/weights.bin" && commit -m three --time 3000 --key "$key2" --no-ref)
address2=$("$MLCHAIN" show --json "$c3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["author"])')
[ "$address2" != "$address1" ] || fail "both keys have one address"
expect 0 "$MLCHAIN" verify "$c3" --path "$work/bundle"
expect 0 "$MLCHAIN" verify "$c3" --path "$work/bundle" --signer "$address2"
expect 1 "$MLCHAIN" verify "$c3" --path "$work/bundle" --signer "$address1" --json
[ "$(problems "$out")" = "untrusted-signer None $address1 $address2" ] || fail "untrusted signer: $out"
expect 1 "$MLCHAIN" verify --signer "$stranger" --json
[ "$(problems "$out")" = "untrusted-signer None $stranger $address1" ] || fail "stranger: $out"
expect 1 "$MLCHAIN" verify --signer "$stranger"
[[ "$out" == *"mlchain: verify: untrusted-signer $stranger: expected $stranger, actual $address1"* ]] || fail "stranger text: $out"

echo "a signature that is not the author's: bad-signature"
c4=$(commit -m four --time 4000 --author "$address2" --no-ref)
expect 1 "$MLCHAIN" verify "$c4" --path "$work/bundle" --json
[ "$(problems "$out")" = "bad-signature None $address2 $address1" ] || fail "signed by another key: $out"

echo "a flipped signature byte, re-stored under the block's new CID: bad-signature"
c5=$(python3 - "$(stored "$c2" objects)" "$work/repo/.mlchain/objects" <<'EOF'
import base64, hashlib, os, sys
block = bytearray(open(sys.argv[1], "rb").read())
at = block.index(b"\x63sig\x58\x41") + 6  # "sig": bytes(65): r || s || v
block[at + 10] ^= 0x01                    # a byte of r (s stays in the low half the decoder demands)
digest = hashlib.sha256(block).digest()
cid = "b" + base64.b32encode(bytes([0x01, 0x71, 0x12, 0x20]) + digest).decode().lower().rstrip("=")
os.makedirs(os.path.join(sys.argv[2], cid[-3:-1]), exist_ok=True)
open(os.path.join(sys.argv[2], cid[-3:-1], cid), "wb").write(block)
print(cid)
EOF
)
"$MLCHAIN" branch flipped "$c5"
printf 'weights v2\n' > "$work/bundle/weights.bin"
expect 1 "$MLCHAIN" verify flipped --json
[[ "$(problems "$out")" == "bad-signature None $address1 "* ]] || fail "flipped signature: $out"
[[ "$(problems "$out")" != *"$address1 $address1"* ]] || fail "a flipped signature still recovers to its author: $out"

echo "usage and lookup errors: bad --signer 2, unknown REV 3, unknown CID 3, no repository 3"
expect 2 "$MLCHAIN" verify --signer 0x1234
expect 2 "$MLCHAIN" verify --signer not-an-address
expect 3 "$MLCHAIN" verify no-such-branch
expect 3 "$MLCHAIN" verify bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
expect 2 "$MLCHAIN" verify --no-such-flag
(cd "$work" && expect 3 "$MLCHAIN" verify)
"$MLCHAIN" verify --help | has -- '--signer' || fail "verify --help does not mention --signer"
echo "verify tamper matrix: all caught"
