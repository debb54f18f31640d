#!/usr/bin/env bash
# mlchain log and mlchain show end to end: order (newest first, merges with all parents, each commit
# once), --oneline, --json shapes and field values, -n, REV, the file list (flat and HAMT-sharded trees,
# symlinks, empty directories), signatures (good, and BAD when signed by someone other than the
# author, checked against cast), and the exit codes.
: "${MLCHAIN_REPO_COMMIT_TOOL:?path of repo_commit_tool}"
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"

commit() { "$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/bundle" "$@"; }
json() { node -e "const d = JSON.parse(require('fs').readFileSync(0, 'utf8')); $1"; }

for command in log show; do "$MLCHAIN" --help | has " $command " || fail "mlchain --help does not list $command"; done
help=$("$MLCHAIN" log --help)
for word in --oneline --json -n REV; do [[ "$help" == *"$word"* ]] || fail "log --help lacks $word"; done
help=$("$MLCHAIN" show --help)
for word in --json REV; do [[ "$help" == *"$word"* ]] || fail "show --help lacks $word"; done

mkdir repo bundle && cd repo && "$MLCHAIN" init >/dev/null
expect 3 "$MLCHAIN" log
[[ "$err" == *"no commits yet"* ]] || fail "log on an unborn branch: $err"
expect 3 "$MLCHAIN" show

# A bundle with a subdirectory, an empty directory, a symlink and a file of several chunks.
mkdir -p "$work/bundle/tokenizer" "$work/bundle/empty"
printf 'hello\n' > "$work/bundle/hello.txt"
printf '{"vocab": 3}' > "$work/bundle/tokenizer/vocab.json"
ln -s hello.txt "$work/bundle/link"
head -c 2500000 /dev/zero > "$work/bundle/weights.bin"
c1=$(commit -m "first model" --time 1000 --metric accuracy=0.5)
printf 'hello again\n' > "$work/bundle/hello.txt"
c2=$(commit -m "second model
with a body line" --time 2000 --metric accuracy=0.75 --metric loss=0.25)
"$MLCHAIN" branch side "$c1"
side=$(commit -m "side work" --time 1500 --parent "$c1" --no-ref)
merge=$(commit -m "merge side" --time 3000 --parent "$c2" --parent "$side")

# log: newest first, every commit once, a merge's "Merge:" line names both parents by short CID.
expect 0 "$MLCHAIN" log --oneline
[ "$(printf '%s\n' "$out" | wc -l)" -eq 4 ] || fail "log --oneline lines: $out"
printf '%s\n' "$out" | awk '{print $2}' | tr '\n' ' ' | has -x 'merge second side first ' || fail "log order: $out"
short=$(printf '%s\n' "$out" | head -1 | cut -d' ' -f1)
[[ "$merge" == "$short"* ]] && [ "${#short}" -ge 14 ] || fail "short CID $short of $merge"
expect 0 "$MLCHAIN" log
[[ "$out" == "commit $merge"* ]] || fail "log starts: $(printf '%s\n' "$out" | head -1)"
merge_line=$(printf '%s\n' "$out" | grep '^Merge:')
[[ "$merge_line" == "Merge: ${c2:0:14}"*" ${side:0:14}"* ]] || fail "merge line: $merge_line"
[[ "$out" == *"Author: 0x"* && "$out" == *"Date:   1970-01-01T00:50:00Z"* ]] || fail "log header: $out"
[[ "$out" == *"    second model"*"    with a body line"* ]] || fail "log message body: $out"
[[ "$out" == *"Metrics: accuracy=0.75 loss=0.25"* ]] || fail "log metrics: $out"
[[ "$out" != *"Signature: BAD"* ]] || fail "good signatures reported bad: $out"

# -n and REV.
expect 0 "$MLCHAIN" log --oneline -n 2
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] || fail "log -n 2: $out"
expect 0 "$MLCHAIN" log --oneline side
[ "$(printf '%s\n' "$out" | awk '{print $2}' | tr '\n' ' ')" = "first " ] || fail "log side: $out"
expect 0 "$MLCHAIN" log --oneline "$merge^2"
[ "$(printf '%s\n' "$out" | awk '{print $2}' | tr '\n' ' ')" = "side first " ] || fail "log merge^2: $out"
expect 0 "$MLCHAIN" log -n 1 --oneline "${c2:0:16}"
[[ "$out" == "${c2:0:14}"*" second model" ]] || fail "log by short CID: $out"

# log --json: an array of commit objects without files.
expect 0 "$MLCHAIN" log --json
printf '%s' "$out" | json "
  if (!Array.isArray(d) || d.length !== 4) throw new Error('not 4 commits')
  const want = ['cid','tree','parents','author','time','message','metrics','params','tags','license','code','profile','signature']
  for (const c of d) {
    for (const k of want) if (!(k in c)) throw new Error('missing ' + k)
    if ('files' in c) throw new Error('log --json has files')
  }
  if (d[0].cid !== '$merge' || d[0].parents.join() !== '$c2,$side') throw new Error('merge entry')
  if (d.map(c => c.time).join() !== '3000,2000,1500,1000') throw new Error('order ' + d.map(c => c.time))
  if (d[1].metrics.loss !== 0.25 || d[1].message !== 'second model\nwith a body line') throw new Error('second')
" || fail "log --json: $out"

# show --json: every field the issue lists, the files with sizes, the signature block.
expect 0 "$MLCHAIN" show --json "$c2"
tree=$("$MLCHAIN" cid "$work/bundle" | cut -d' ' -f1)
hello=$("$MLCHAIN" cid "$work/bundle/hello.txt" | cut -d' ' -f1)
weights=$("$MLCHAIN" cid "$work/bundle/weights.bin" | cut -d' ' -f1)
printf '%s' "$out" > "$work/show.json"
json "
  const files = Object.fromEntries(d.files.map(f => [f.path, f]))
  const check = (ok, what) => { if (!ok) throw new Error(what) }
  check(d.cid === '$c2' && d.tree === '$tree' && d.parents.join() === '$c1', 'cid/tree/parents')
  check(/^0x[0-9a-fA-F]{40}$/.test(d.author) && d.author !== d.author.toLowerCase(), 'author is EIP-55')
  check(d.time === 2000 && d.profile === 'unixfs-v1-2025' && d.license === null && d.code === null, 'scalars')
  check(JSON.stringify(d.params) === '{}' && JSON.stringify(d.tags) === '{}', 'params/tags')
  check(Object.keys(files).join() === 'empty,hello.txt,link,tokenizer/vocab.json,weights.bin', 'paths ' + Object.keys(files))
  check(files['hello.txt'].cid === '$hello' && files['hello.txt'].size === 12, 'hello.txt')
  check(files['weights.bin'].cid === '$weights' && files['weights.bin'].size === 2500000, 'weights.bin')
  check(files['tokenizer/vocab.json'].size === 12, 'vocab.json')
  check(files['link'].kind === 'symlink' && files['link'].target === 'hello.txt', 'link')
  check(files['empty'].kind === 'directory', 'empty directory')
  const s = d.signature
  check(s.scheme === 'eip191' && /^0x[0-9a-f]{64}$/.test(s.digest) && /^0x[0-9a-f]{130}$/.test(s.value), 'signature shape')
  check(s.signer === d.author, 'signer ' + s.signer + ' vs author ' + d.author)
" < "$work/show.json" || fail "show --json: $(cat "$work/show.json")"

# The signature block is checkable by an independent implementation: cast recovers the same signer.
cast="${MLCHAIN_PEERS:-}/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
if [ -x "$cast" ]; then
  digest=$(json 'console.log(d.signature.digest)' < "$work/show.json")
  value=$(json 'console.log(d.signature.value)' < "$work/show.json")
  author=$(json 'console.log(d.author)' < "$work/show.json")
  "$cast" wallet verify --address "$author" "$digest" "$value" >/dev/null || fail "cast does not accept the commit signature"
  echo "cast wallet verify: the commit's signature recovers to $author"
fi

# show (text): header, message, metrics, signature line, files with CID, size and path.
expect 0 "$MLCHAIN" show
[[ "$out" == "commit $merge"* ]] || fail "show defaults to HEAD: $out"
[[ "$out" == *"Parent:  $c2"*"Parent:  $side"* ]] || fail "show lists both parents: $out"
expect 0 "$MLCHAIN" show "$c2"
[[ "$out" == *"Tree:    $tree"* ]] || fail "show tree: $out"
[[ "$out" == *"Signature: good, by 0x"* ]] || fail "show signature: $out"
[[ "$out" == *"    accuracy = 0.75"* ]] || fail "show metrics: $out"
[[ "$out" == *"$hello 12 hello.txt"* && "$out" == *"$weights 2500000 weights.bin"* ]] || fail "show files: $out"
[[ "$out" == *" empty/"* && "$out" == *"link -> hello.txt"* ]] || fail "show empty dir / symlink: $out"

# A commit whose author is not its signer: BAD in log and show, the recovered signer named.
stranger=0x00000000000000000000000000000000DeaDBeef
bad=$(commit -m forged --time 4000 --author "$stranger")
expect 0 "$MLCHAIN" show
[[ "$out" == *"Signature: BAD (made by 0x"*"not the author)"* ]] || fail "forged show: $out"
expect 0 "$MLCHAIN" log -n 1
[[ "$out" == *"Signature: BAD"* ]] || fail "forged log: $out"
expect 0 "$MLCHAIN" show --json
printf '%s' "$out" | json "if (d.author !== '$stranger' || d.signature.signer === d.author) throw new Error('forged json')" \
  || fail "forged show --json: $out"

# A HAMT-sharded directory (more entries than a 256 KiB flat node holds) is listed whole.
rm -rf "$work/bundle" && mkdir -p "$work/bundle/shards"
for i in $(seq 1 6000); do printf '%s' "$i" > "$work/bundle/shards/file-with-a-longish-name-$i.txt"; done
sharded=$(commit -m sharded --time 5000)
expect 0 "$MLCHAIN" show --json "$sharded"
printf '%s' "$out" | json "
  if (d.files.length !== 6000) throw new Error(d.files.length + ' files')
  const f = d.files.find(f => f.path === 'shards/file-with-a-longish-name-4321.txt')
  if (!f || f.size !== 4) throw new Error('entry 4321')
" || fail "sharded tree listing"
"$MLCHAIN" cid "$work/bundle" | has "^$(printf '%s' "$out" | json 'console.log(d.tree)')" || fail "sharded tree CID"

# Usage errors (2), unknown revisions (3), outside a repository (3).
expect 2 "$MLCHAIN" log --oneline --json
expect 2 "$MLCHAIN" log -n 0
expect 2 "$MLCHAIN" log -n many
expect 2 "$MLCHAIN" log --colour
expect 3 "$MLCHAIN" log no-such-branch
expect 3 "$MLCHAIN" show no-such-branch
expect 2 "$MLCHAIN" show "$tree"
expect 2 "$MLCHAIN" show 'HEAD^^^x'
cd "$work"
expect 3 "$MLCHAIN" log
expect 3 "$MLCHAIN" show

echo "repo log/show: ok"
