#!/usr/bin/env bash
# Crash safety of commit: `mlchain commit` of a changed 300 MiB file is killed with SIGKILL at 24 random
# moments between its start and the time a whole commit takes. After each kill `mlchain fsck` is clean
# (leftover temporary files are reported, not problems) and main is either the old commit or a new one
# whose parent is the old one, never anything else; the next commit works; gc clears the leftovers.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
parents() { "$MLCHAIN" show --json "$1" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["parents"]))'; }
change_big_file() { printf '%08d' "$1" | dd of=big.bin bs=1 seek=$(( ($1 * 7919) % 300000000 )) conv=notrunc status=none; }

mkdir "$work/bundle" && cd "$work/bundle"
"$MLCHAIN" init >/dev/null
head -c 314572800 /dev/zero | openssl enc -aes-128-ctr -nosalt -pass pass:crash -pbkdf2 2>/dev/null > big.bin
printf '{"layers": 2}' > config.json
start=$(date +%s%N)
"$MLCHAIN" commit -m base >/dev/null
base_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "a whole commit of 300 MiB takes ${base_ms} ms"

kills=24 old_kept=0 new_made=0
for round in $(seq 1 $kills); do
  old=$(cat .mlchain/refs/heads/main)
  change_big_file "$round"
  delay_ms=$(( RANDOM % (base_ms + 50) ))
  "$MLCHAIN" commit -m "round $round" >/dev/null 2>&1 & pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  new=$(cat .mlchain/refs/heads/main)
  if [ "$new" = "$old" ]; then
    old_kept=$((old_kept + 1))
  else
    [[ "$new" =~ ^bafyrei[a-z2-7]+$ ]] || fail "round $round (killed at ${delay_ms} ms): main holds '$new'"
    [ "$(parents "$new")" = "$old" ] || fail "round $round: main moved to $new, whose parent is not $old"
    new_made=$((new_made + 1))
  fi
  "$MLCHAIN" fsck >"$work/fsck.out" 2>&1 || fail "round $round (killed at ${delay_ms} ms): fsck: $(cat "$work/fsck.out")"
  grep -q ": ok$" "$work/fsck.out" || fail "round $round: fsck did not say ok: $(cat "$work/fsck.out")"
  # Keep the disk use bounded: what killed commits stored but never referenced goes.
  "$MLCHAIN" gc >/dev/null
done
echo "after $kills kills: main kept the old commit $old_kept times, moved to a complete new one $new_made times"

change_big_file 999
"$MLCHAIN" commit -m "after the crashes" >/dev/null || fail "commit after the crashes failed"
[ "$("$MLCHAIN" status)" = "## main" ] || fail "status after the last commit: $("$MLCHAIN" status)"
"$MLCHAIN" fsck | has ": ok$" || fail "final fsck"
echo "commit crash: all checks passed"
