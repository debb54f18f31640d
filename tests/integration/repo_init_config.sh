#!/usr/bin/env bash
# mlchain init and mlchain config end to end: the layout of docs/format.md, refusal inside a repository
# (exit 5), discovery from subdirectories, settings get/set, and exit codes 2 and 3.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"

# expect CODE CMD...: runs CMD, checks its exit code, leaves stdout in $out and stderr in $err.

for command in init config; do
  "$MLCHAIN" --help | has " $command " || fail "mlchain --help does not list $command"
done
"$MLCHAIN" init --help | has DIR || fail "init --help does not mention DIR"
help=$("$MLCHAIN" config --help)
for word in get set user.key user.name; do [[ "$help" == *"$word"* ]] || fail "config --help lacks $word"; done

# init in a directory that does not exist yet: created, with the whole layout.
expect 0 "$MLCHAIN" init models/a
[[ "$out" == *"$work/models/a/.mlchain"* ]] || fail "init does not say where: $out"
for d in objects files refs/heads refs/tags refs/remotes journal; do
  [ -d models/a/.mlchain/$d ] || fail "init did not create .mlchain/$d"
done
[ "$(cat models/a/.mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "HEAD: $(cat models/a/.mlchain/HEAD)"
[ -f models/a/.mlchain/config ] || fail "init did not create config"
[ -z "$(ls -A models/a/.mlchain/refs/heads)" ] || fail "a fresh repository has a branch already"
[ -z "$(ls -A models/a | grep -v '^.mlchain$')" ] || fail "init left something in the work tree: $(ls -A models/a)"

# init without DIR: the current directory.
mkdir b && (cd b && expect 0 "$MLCHAIN" init && [ -d .mlchain/objects ]) || fail "init in the current directory"

# Inside an existing repository (the same directory, a subdirectory, a new directory below): exit 5,
# nothing created.
expect 5 "$MLCHAIN" init models/a
[[ "$err" == *"already inside"*"$work/models/a/.mlchain"* ]] || fail "init inside a repository: $err"
mkdir -p models/a/deep/er
expect 5 "$MLCHAIN" init models/a/deep/er
[ ! -e models/a/deep/er/.mlchain ] || fail "init inside a repository created .mlchain"
(cd models/a/deep && expect 5 "$MLCHAIN" init new) || fail "init below a repository"
[ ! -e models/a/deep/new ] || fail "refused init still created its directory"

# A file where the directory should be: usage error.
touch plain
expect 2 "$MLCHAIN" init plain

# config: set, get (also from a subdirectory), overwrite, values with spaces and '=', comments kept.
cd models/a
expect 0 "$MLCHAIN" config set user.name "Ada Lovelace"
expect 0 "$MLCHAIN" config get user.name
[ "$out" = "Ada Lovelace" ] || fail "config get user.name: $out"
(cd deep/er && expect 0 "$MLCHAIN" config get user.name && [ "$out" = "Ada Lovelace" ]) || fail "config from a subdirectory"
expect 0 "$MLCHAIN" config set user.key ci-key
expect 0 "$MLCHAIN" config set user.name "  Grace = Hopper  "
expect 0 "$MLCHAIN" config get user.name
[ "$out" = "Grace = Hopper" ] || fail "value with '=' and spaces: '$out'"
expect 0 "$MLCHAIN" config get user.key
[ "$out" = "ci-key" ] || fail "config get user.key: $out"
grep -q '^# ' .mlchain/config || fail "config lost its comment"
[ "$(grep -c '^user.name' .mlchain/config)" -eq 1 ] || fail "config set appended instead of replacing: $(cat .mlchain/config)"
ls -A .mlchain | has tmp && fail "config set left a temporary file"

# Unset: exit 3. Unknown or malformed keys: exit 2, listing the known ones. A line break in a value: 2.
rm -rf "$work/b/.mlchain" && cd "$work/b" && "$MLCHAIN" init >/dev/null && cd "$work/models/a"
(cd "$work/b" && expect 3 "$MLCHAIN" config get user.key && [[ "$err" == *"user.key is not set"* ]]) || fail "unset key"
expect 2 "$MLCHAIN" config get user.colour
[[ "$err" == *"user.colour"*"user.key"*"user.name"* ]] || fail "unknown key message: $err"
expect 2 "$MLCHAIN" config set remote.origin.colour blue
expect 2 "$MLCHAIN" config set remote.a.b.ipfs http://127.0.0.1:5001
expect 2 "$MLCHAIN" config set User.Name x
expect 2 "$MLCHAIN" config set username x
expect 2 "$MLCHAIN" config set user.name "two
lines"
expect 2 "$MLCHAIN" config
expect 2 "$MLCHAIN" config get
expect 2 "$MLCHAIN" config set user.name
# A value every later command would refuse is refused when set, and the setting keeps its old value.
expect 0 "$MLCHAIN" config set core.dereference false
expect 2 "$MLCHAIN" config set core.dereference maybe
[[ "$err" == *"core.dereference"*"true or false"* ]] || fail "config set core.dereference maybe: $err"
expect 2 "$MLCHAIN" config set core.profile unixfs-v9
[[ "$err" == *"core.profile"*"unixfs-v1-2025"* ]] || fail "config set core.profile unixfs-v9: $err"
expect 0 "$MLCHAIN" config get core.dereference
[ "$out" = false ] || fail "a refused value replaced core.dereference: $out"
expect 0 "$MLCHAIN" status

# A hand-broken config file is a damaged repository (exit 1), reported with its line number.
printf 'user.name = fine\nthis is not a setting\n' > .mlchain/config
expect 1 "$MLCHAIN" config get user.name
[[ "$err" == *".mlchain/config:2"* ]] || fail "malformed config message: $err"

# Outside any repository: exit 3, saying what to do.
cd "$work"
expect 3 "$MLCHAIN" config get user.name
[[ "$err" == *"not in an mlchain repository"*"mlchain init"* ]] || fail "outside a repository: $err"

echo "repo init/config: ok"
