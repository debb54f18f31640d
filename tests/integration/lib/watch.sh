# Sourced by the `mlchain watch` tests after lib/expect.sh and make_workspace: background watchers that
# are killed when the script ends, whatever happens.
#   watch_in_background LOG ARGS…   mlchain watch ARGS… in the background, its stderr in LOG, its pid in $watcher
#   wait_for SECONDS COMMAND…       until COMMAND succeeds, or fail after SECONDS showing the logs' ends
#   logged FILE TEXT                FILE exists and holds TEXT
watchers=()
stop_watchers() { for pid in "${watchers[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
at_exit stop_watchers

watch_in_background() {
  local log=$1
  shift
  "$MLCHAIN" watch "$@" 2>"$log" &
  watcher=$!
  watchers+=("$watcher")
}

wait_for() {
  local limit=$1
  shift
  for _ in $(seq $((limit * 10))); do "$@" && return 0; sleep 0.1; done
  tail -n 5 "$work"/*.log >&2 || true
  fail "waited ${limit}s for: $*"
}

logged() { [ -f "$1" ] && has "$2" < "$1"; }
