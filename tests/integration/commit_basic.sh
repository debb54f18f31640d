#!/usr/bin/env bash
# mlchain commit end to end: every exit code; the first commit and the next ones with their parents;
# nothing to commit (exit 0, nothing written) and --allow-empty; .mlchainignore; metrics, params (typed),
# tags, license and data references as `show --json` reports them; the tree equal to `mlchain cid` of the
# same files; symlinks kept, not followed; a detached HEAD moved; the stat cache written; fsck clean.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
# A fixed test key (the Web3 Secret Storage example's), so no passphrase is needed.
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
address=0x2c7536E3605D9C16a7a3D7b1898e529396a65c23
# No git repository may enclose the work tree here (commit_provenance.sh covers that).

object_count() { find .mlchain/objects .mlchain/files -type f | wc -l; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

"$MLCHAIN" --help | has " commit " || fail "mlchain --help does not list commit"
"$MLCHAIN" commit --help > "$work/help"
for flag in --message --metric --param --tag --license --data --allow-empty --key; do
  grep -q -- "$flag" "$work/help" || fail "commit --help does not mention $flag"
done

mkdir -p "$work/bundle" && cd "$work/bundle"
# Exit 3 outside a repository.
expect 3 "$MLCHAIN" commit -m first
[[ "$err" == *"mlchain init"* ]] || fail "outside a repository: $err"
"$MLCHAIN" init >/dev/null

# Exit 2: usage.
expect 2 "$MLCHAIN" commit
expect 2 "$MLCHAIN" commit -m ""
expect 2 "$MLCHAIN" commit -m x --no-such-flag
expect 2 "$MLCHAIN" commit -m x --metric accuracy=high
[[ "$err" == *"'accuracy'"* ]] || fail "a non-number metric is not named: $err"
expect 2 "$MLCHAIN" commit -m x --metric accuracy
expect 2 "$MLCHAIN" commit -m x --param =3
expect 2 "$MLCHAIN" commit -m x --data train
expect 3 "$MLCHAIN" commit -m x --data "train=$work/no-such-dataset"
expect 2 "$MLCHAIN" commit -m x --data ":role=$work"
"$MLCHAIN" config set core.profile unixfs-v9 2>/dev/null && {
  expect 2 "$MLCHAIN" commit -m x
  [[ "$err" == *"unixfs-v9"* ]] || fail "an unknown profile is not named: $err"
  sed -i '/core.profile/d' .mlchain/config
}
# Exit 3: no key at all.
expect 3 env -u MLCHAIN_PRIVATE_KEY "$MLCHAIN" commit -m x --allow-empty
expect 3 "$MLCHAIN" commit -m x --key nobody --allow-empty

# An empty work tree: nothing to commit, and nothing written.
before=$(object_count)
expect 0 "$MLCHAIN" commit -m empty
[ "$out" = "nothing to commit, working tree clean" ] || fail "empty first commit: $out"
[ ! -e .mlchain/refs/heads/main ] || fail "an empty first commit moved main"
[ "$(object_count)" -eq "$before" ] || fail "nothing to commit still stored objects"

# The bundle: files, a subdirectory, an empty directory, a symlink (never followed), ignored paths.
mkdir -p model/sub empty cache logs
printf 'weights v1' > model/weights.bin
printf '{"layers": 2}' > model/config.json
printf 'tok' > model/sub/tokenizer.json
printf 'scratch' > model/scratch.tmp
printf 'kept' > model/keep.tmp
printf 'cached' > cache/blob
printf 'log' > logs/run.log
ln -s model/config.json link-to-config
ln -s model link-to-dir
printf '# test patterns\n*.tmp\n!keep.tmp\ncache/\n/logs\n' > .mlchainignore
mkdir -p "$work/dataset/part" && printf 'rows' > "$work/dataset/part/a.csv" && printf 'manifest' > "$work/manifest.json"

expect 0 "$MLCHAIN" commit -m "first model" --metric accuracy=0.91 --metric loss=0.25 \
  --param lr=0.001 --param epochs=3 --param optimizer=adamw --tag stage=dev \
  --license Apache-2.0 --data "train=$work/dataset" --data "eval:manifest=$work/manifest.json"
[[ "$out" =~ ^\[main\ (bafyrei[a-z2-7]+)\]\ first\ model$ ]] || fail "first commit output: $out"
first=$(cat .mlchain/refs/heads/main)
[[ "$first" == "${BASH_REMATCH[1]}"* ]] || fail "the short CID $out is not a prefix of $first"
[ "$(head -c 4 .mlchain/index)" = "MLCI" ] || fail "the stat cache was not written"

"$MLCHAIN" show --json > "$work/show.json"
python3 - "$work/show.json" "$first" "$address" "$work" <<'PY' || fail "show --json of the first commit: $(cat "$work/show.json")"
import json, sys
show = json.load(open(sys.argv[1])); first, address, work = sys.argv[2:5]
assert show["cid"] == first, show["cid"]
assert show["parents"] == [], show["parents"]
assert show["author"] == address, show["author"]
assert show["message"] == "first model"
assert show["profile"] == "unixfs-v1-2025"
assert show["metrics"] == {"accuracy": 0.91, "loss": 0.25}, show["metrics"]
assert show["params"] == {"epochs": 3, "lr": 0.001, "optimizer": "adamw"}, show["params"]
assert isinstance(show["params"]["epochs"], int) and isinstance(show["params"]["lr"], float)
assert show["tags"] == {"stage": "dev"}
assert show["license"] == "Apache-2.0"
assert show.get("code") is None, show.get("code")
assert show["signature"]["signer"] == address and show["signature"]["scheme"] == "eip191"
paths = sorted(f["path"] for f in show["files"])
assert paths == [".mlchainignore", "empty", "link-to-config", "link-to-dir", "model/config.json",
                 "model/keep.tmp", "model/sub/tokenizer.json", "model/weights.bin"], paths
data = {d["name"]: d for d in show["data"]}
assert data["train"]["role"] == "data" and data["eval"]["role"] == "manifest", data
open(work + "/data-cids", "w").write(data["train"]["cid"] + " " + data["eval"]["cid"] + "\n")
open(work + "/tree-cid", "w").write(show["tree"] + "\n")
PY
# The data references are the CIDs `mlchain cid` gives, and nothing of them was stored.
read -r train_cid eval_cid < "$work/data-cids"
[ "$("$MLCHAIN" cid "$work/dataset" | cut -d' ' -f1)" = "$train_cid" ] || fail "--data train CID differs from mlchain cid"
[ "$("$MLCHAIN" cid "$work/manifest.json" | cut -d' ' -f1)" = "$eval_cid" ] || fail "--data eval CID differs from mlchain cid"
! grep -rq rows .mlchain/files .mlchain/objects || fail "a --data file was stored"
# The tree is the CID of the same files without the ignored ones, as `mlchain cid` imports them.
mkdir "$work/copy" && cp -a .mlchainignore empty link-to-config link-to-dir "$work/copy/" && mkdir -p "$work/copy/model/sub"
cp -a model/config.json model/keep.tmp model/weights.bin "$work/copy/model/" && cp -a model/sub/tokenizer.json "$work/copy/model/sub/"
[ "$("$MLCHAIN" cid "$work/copy" | cut -d' ' -f1)" = "$(cat "$work/tree-cid")" ] || fail "the committed tree differs from mlchain cid of the same files"

# Nothing changed: nothing to commit, nothing written, exit 0.
before=$(object_count)
expect 0 "$MLCHAIN" commit -m again
[ "$out" = "nothing to commit, working tree clean" ] || fail "unchanged commit: $out"
[ "$(cat .mlchain/refs/heads/main)" = "$first" ] || fail "nothing to commit moved main"
[ "$(object_count)" -eq "$before" ] || fail "nothing to commit stored objects"
# Changing an ignored file changes nothing either.
printf 'other scratch' > model/scratch.tmp && printf 'more' >> cache/blob
expect 0 "$MLCHAIN" commit -m again
[ "$out" = "nothing to commit, working tree clean" ] || fail "an ignored change was committed: $out"

# --allow-empty: a new commit on the same tree, whose parent is the first.
expect 0 "$MLCHAIN" commit -m "empty on purpose" --allow-empty
second=$(cat .mlchain/refs/heads/main)
[ "$second" != "$first" ] || fail "--allow-empty made no commit"
"$MLCHAIN" show --json | json 'd["parents"] == ["'"$first"'"] and d["tree"] == "'"$(cat "$work/tree-cid")"'"' | has -x True ||
  fail "--allow-empty: wrong parent or tree"

# A change: the next commit has the previous one as parent; identical contents are stored once.
printf 'weights v2' > model/weights.bin
cp model/config.json model/config-copy.json
expect 0 "$MLCHAIN" commit -m "second model" --metric accuracy=0.93
third=$(cat .mlchain/refs/heads/main)
"$MLCHAIN" show --json | json 'd["parents"] == ["'"$second"'"] and d["metrics"] == {"accuracy": 0.93}' | has -x True ||
  fail "third commit: wrong parent or metrics"
config_cid=$("$MLCHAIN" cid model/config.json | cut -d' ' -f1)
[ "$(find .mlchain/files .mlchain/objects -name "$config_cid" | wc -l)" -eq 1 ] || fail "identical contents stored more than once"

# A detached HEAD moves itself, not the branch.
printf '%s\n' "$second" > .mlchain/HEAD
printf 'detached work' > model/extra.bin
expect 0 "$MLCHAIN" commit -m "on a detached head"
[[ "$out" == "[detached HEAD "*"] on a detached head" ]] || fail "detached commit output: $out"
detached=$(cat .mlchain/HEAD)
[[ "$detached" == bafyrei* && "$detached" != "$second" ]] || fail "a detached HEAD did not move: $detached"
[ "$(cat .mlchain/refs/heads/main)" = "$third" ] || fail "a detached commit moved main"
"$MLCHAIN" show --json | json 'd["parents"] == ["'"$second"'"]' | has -x True || fail "detached commit's parent"
printf 'ref: refs/heads/main\n' > .mlchain/HEAD

# A --key that signs: a stored key (user.key from the config when there is no MLCHAIN_PRIVATE_KEY).
printf 'pw\n' > "$work/pw"
"$MLCHAIN" key new --name alice --light --password-file "$work/pw" >/dev/null 2>&1
alice=$("$MLCHAIN" key list --json | python3 -c 'import json,sys; print([k["address"] for k in json.load(sys.stdin) if k["name"]=="alice"][0])')
"$MLCHAIN" config set user.key alice
expect 0 env -u MLCHAIN_PRIVATE_KEY MLCHAIN_PASSWORD=pw "$MLCHAIN" commit -m "by alice" --allow-empty
"$MLCHAIN" show --json | json 'd["author"]' | has -x "$alice" || fail "user.key did not sign"

expect 0 "$MLCHAIN" fsck
echo "commit: all checks passed"
