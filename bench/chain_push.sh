#!/usr/bin/env bash
# Gas and latency of `mlchain push` on a real anvil (auto-mining) with a real js-ipfs daemon:
#   - gas of a repository's first push (creates the repository and the branch),
#   - gas of pushes that move an existing branch, carrying 1 and 10 commits (target: < 80,000 each),
#   - wall time of each push (IPFS upload + pin + one transaction + receipt), of mlchain's transaction
#     path alone (registry grant/revoke: no IPFS), and of a bare `cast send` of a same-size registry push
#     (same repository-name and branch lengths, moving a branch), each waiting for its receipt.
# Usage: bench/chain_push.sh [MLCHAIN_BINARY]  (default build/cli/mlchain; peers from cmake/install-deps.sh test)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mlchain=$(realpath "${1:-$root/build/cli/mlchain}")
peers="$root/tests/peers"
cast="$peers/node_modules/.bin/cast"
work=$(mktemp -d)
cleanup() {
  bash "$peers/anvil.sh" stop "$work/anvil" || true
  bash "$peers/ipfs-daemon.sh" stop "$work/ipfs" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$peers/anvil.sh" start "$work/anvil"
rpc=$(cat "$work/anvil/rpc-url")
bash "$peers/ipfs-daemon.sh" start "$work/ipfs" > /dev/null
ipfs=$(cat "$work/ipfs/api-url")
key=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["private_keys"][0])' "$work/anvil/anvil.json")
export MLCHAIN_PRIVATE_KEY=$key MLCHAIN_HOME="$work/home"
now() { date +%s.%N; }
elapsed() { python3 -c 'import sys; print(f"{(float(sys.argv[2]) - float(sys.argv[1])) * 1000:.0f} ms")' "$1" "$2"; }
gas_of() { grep -o 'gas used [0-9]*' <<< "$1" | tail -n 1 | cut -d' ' -f3; }

registry=$("$mlchain" registry deploy --rpc "$rpc" --chain-id 31337 | awk 'NR == 1 {print $2}')
mkdir "$work/repo" && cd "$work/repo"
"$mlchain" init > /dev/null
"$mlchain" remote add origin --ipfs "$ipfs" --rpc "$rpc" --registry "$registry" --repo bench-a --chain-id 31337 > /dev/null
commit() { echo "$1" > model.bin; "$mlchain" commit -m "$1" > /dev/null; }
push() {
  local start end output
  start=$(now); output=$("$mlchain" push); end=$(now)
  printf '%-34s gas %6s   %s\n' "$1" "$(gas_of "$output")" "$(elapsed "$start" "$end")"
}

echo "mlchain push on anvil $rpc (auto-mining), js-ipfs $ipfs"
commit c0
push "first push (creates repository)"
for round in 1 2 3; do
  commit "one-$round"
  push "move branch, 1 commit"
done
for round in 1 2 3; do
  for i in $(seq 10); do commit "ten-$round-$i"; done
  push "move branch, 10 commits"
done

# mlchain's transaction machinery without IPFS: registry grant/revoke go through the same chain check,
# journal, fee and gas estimation, signing, broadcast and receipt wait as push's anchoring step.
writer=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
for round in 1 2 3; do
  for change in grant revoke; do
    start=$(now); output=$("$mlchain" registry "$change" "$writer"); end=$(now)
    printf '%-34s gas %6s   %s\n' "mlchain registry $change (no IPFS)" "$(gas_of "$output")" "$(elapsed "$start" "$end")"
  done
done

# The same transaction without mlchain: cast signs and sends a registry push of the same size (names of
# the same lengths, moving an existing branch) and waits for its receipt.
send() {
  local start end
  start=$(now)
  "$cast" send --rpc-url "$rpc" --private-key "$key" "$registry" "push(string,string,bytes32,bytes32)" \
    bench-b main "$1" "$2" > "$work/cast.out"
  end=$(now)
  printf '%-34s gas %6s   %s\n' "cast send (same size)" "$(awk '$1 == "gasUsed" {print $2}' "$work/cast.out")" \
    "$(elapsed "$start" "$end")"
}
word() { printf '0x%064x' "$1"; }
"$cast" send --rpc-url "$rpc" --private-key "$key" "$registry" "push(string,string,bytes32,bytes32)" \
  bench-b main "$(word 0)" "$(word 1)" > /dev/null
for round in 1 2 3; do send "$(word "$round")" "$(word $((round + 1)))"; done
