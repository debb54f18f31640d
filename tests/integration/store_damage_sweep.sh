#!/usr/bin/env bash
# Every kind of damage at every kind of path in `.mlchain/`, and every read-only command on it: a FIFO, a
# directory, a symlink to /dev/zero, a symlink to a copy of the right bytes, truncated, oversized, the
# wrong type of contents (a ref naming a tree, a tree where a commit is stored, …) and, when not root,
# unreadable; at an object (a commit, a tree), a stored file, HEAD, the current branch, a tag, config, the
# index and a journal entry. None may hang (timeout), exit 70 or print a raw C++ exception; every failure
# is one "mlchain: error:" line; verify exits 1 and fsck fails wherever the damage is in what they check.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
# A fixed test key (the Web3 Secret Storage example's), so no passphrase is needed.
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

key_path() { local store=$1 cid=$2; printf '.mlchain/%s/%s/%s' "$store" "${cid: -3:2}" "$cid"; }
cid_of() { "$MLCHAIN" cid "$1" | cut -d' ' -f1; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

mkdir -p "$work/base/sub" && cd "$work/base"
"$MLCHAIN" init >/dev/null
printf '{"layers": 2}\n' > config.json
printf 'vocab\n' > sub/vocab.txt
printf 'weights v1\n' > weights.bin
"$MLCHAIN" commit -m one >/dev/null
"$MLCHAIN" branch dev
"$MLCHAIN" tag v1
printf 'weights v2\n' > weights.bin
"$MLCHAIN" commit -m two >/dev/null
"$MLCHAIN" status >/dev/null
head_commit=$("$MLCHAIN" show --json HEAD | json_field cid)
tree=$("$MLCHAIN" show --json HEAD | json_field tree)
weights=$(cid_of weights.bin)
vocab=$(cid_of sub/vocab.txt)
expect 0 "$MLCHAIN" verify
expect 0 "$MLCHAIN" fsck

# target → path in the repository, and what that target holds when it is of the wrong type.
declare -A path wrong
path[commit]=$(key_path objects "$head_commit");  wrong[commit]=$(key_path objects "$tree")
path[tree]=$(key_path objects "$tree");           wrong[tree]=$(key_path objects "$head_commit")
path[file]=$(key_path objects "$weights");        wrong[file]=$(key_path objects "$vocab")
path[head]=.mlchain/HEAD
path[branch]=.mlchain/refs/heads/main
path[tag]=.mlchain/refs/tags/v1
path[config]=.mlchain/config
path[index]=.mlchain/index
path[journal]=.mlchain/journal/$(printf '%064d' 0).json
for target in commit tree file head branch tag config index journal; do
  [ -n "${path[$target]}" ] || fail "no path for $target"
done
printf '%s\n' "$tree" > "$work/tree-ref"
printf 'this is not a setting\n' > "$work/bad-config"
printf '{"version": 1}\n' > "$work/bad-journal"
wrong[head]=$work/tree-ref; wrong[branch]=$work/tree-ref; wrong[tag]=$work/tree-ref
wrong[config]=$work/bad-config; wrong[index]=${path[commit]}; wrong[journal]=$work/bad-journal
head -c 3145728 /dev/urandom > "$work/garbage"

# What verify (of HEAD, against the work tree) and fsck read; the other targets need not fail them.
verify_reads=" commit tree file head branch "
fsck_reads=" commit tree file head branch tag journal "
kinds="fifo directory dev-zero symlink truncated oversized wrong-type"
[ "$(id -u)" -ne 0 ] && kinds+=" unreadable"

# damage KIND TARGET, in the current copy of the repository.
damage() {
  local kind=$1 target=$2 p=${path[$2]}
  mkdir -p "$(dirname "$p")"
  [ -e "$p" ] || [ -L "$p" ] || printf '{}\n' > "$p"
  case $kind in
    fifo) rm -f "$p" && mkfifo "$p" ;;
    directory) rm -f "$p" && mkdir "$p" ;;
    dev-zero) rm -f "$p" && ln -s /dev/zero "$p" ;;
    symlink) cp "$p" "$work/copy-$target" && rm -f "$p" && ln -s "$work/copy-$target" "$p" ;;
    truncated) chmod u+w "$p" && truncate -s "$(( $(stat -c %s "$p") / 2 ))" "$p" ;;
    oversized) chmod u+w "$p" && cat "$work/garbage" >> "$p" ;;
    wrong-type) local source=${wrong[$target]}; [[ $source == /* ]] || source=$work/base/$source
                rm -f "$p" && cp "$source" "$p" ;;
    unreadable) chmod 000 "$p" ;;
  esac
}

# check KIND TARGET NAME COMMAND…: runs one read-only command on the damaged copy.
failures=0
check() {
  local kind=$1 target=$2 name=$3; shift 3
  local code=0
  timeout 10 "$@" >"$work/out" 2>"$work/err" </dev/null || code=$?
  local err; err=$(cat "$work/err")
  local what="$name with $kind at ${path[$target]}"
  problem() { echo "FAIL: $what: $1 (exit $code; stderr: ${err:0:300})" >&2; failures=$((failures + 1)); }
  if [ "$code" -eq 124 ]; then problem "hangs"; return; fi
  [ "$code" -ne 70 ] || problem "internal error"
  [ "$code" -lt 124 ] || problem "killed by a signal"
  if grep -q -e 'filesystem error' -e 'unexpected failure' -e 'terminate called' "$work/err"; then problem "raw exception text"; fi
  if [ "$code" -ne 0 ] && [[ "$name" != verify* || "$code" -ne 1 ]]; then
    [[ "$err" == *"mlchain: error: "* ]] || problem "no error line"
  fi
  if [[ "$name" == verify* && "$verify_reads" == *" $target "* && "$code" -ne 1 ]]; then problem "verify must exit 1"; fi
  # An empty directory where a tag was is a ref namespace left behind, as after deleting refs/tags/a/b.
  if [[ "$name" == fsck && "$fsck_reads" == *" $target "* && "$code" -eq 0 ]] &&
     [[ "$kind $target" != "directory tag" ]]; then problem "fsck says ok"; fi
  return 0
}

cases=0
for target in commit tree file head branch tag config index journal; do
  for kind in $kinds; do
    rm -rf "$work/case" && cp -a "$work/base" "$work/case" && cd "$work/case"
    damage "$kind" "$target"
    for command in "status" "log" "show" "diff" "verify" "verify --json" "fsck" "branch" "tag" \
                   "config get user.name" "cid ."; do
      # shellcheck disable=SC2086
      check "$kind" "$target" "$command" "$MLCHAIN" $command
    done
    if "$MLCHAIN" gc --help 2>/dev/null | has -- '--dry-run'; then
      check "$kind" "$target" "gc --dry-run" "$MLCHAIN" gc --dry-run
    fi
    cases=$((cases + 1))
    cd "$work"
  done
done
[ "$failures" -eq 0 ] || fail "$failures failures in $cases damaged repositories"

# gc, which writes, removes what nothing reaches: a non-empty directory in its place is damage too.
rm -rf "$work/case" && cp -a "$work/base" "$work/case" && cd "$work/case"
unreachable=bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
mkdir -p "$(key_path objects "$unreachable")/inside"
expect 1 timeout 10 "$MLCHAIN" gc
[[ "$err" == *"$(key_path objects "$unreachable")"* ]] || fail "gc on a directory in objects/: $err"
echo "store damage sweep: $cases damaged repositories, no hang, no internal error, nothing passed"
