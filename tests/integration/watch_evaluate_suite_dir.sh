#!/usr/bin/env bash
# Evaluator mode with a suite given as a directory, against a real anvil and js-ipfs daemon: the evaluation
# runs in a private copy of the suite, so what it writes in its working directory (a cache, a report, a
# __pycache__) neither changes the operator's suite nor makes the next candidate's evaluation fail the
# suite's CID check; each pushed candidate is evaluated and attested. The copy keeps symlinks and leaves
# out version-control metadata, as the suite's CID does.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"

start_anvil
start_ipfs
export MLCHAIN_PRIVATE_KEY=$(account private_keys 0)
e1_key=$(account private_keys 1)
e1=$(account available_accounts 1)

governed_repository  # candidate A pushed, in $work/a
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --quorum 1
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B"
B=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push

# A symlink is part of the suite's CID; version-control metadata is not (and is not copied).
ln -s test.csv "$work/suite/data.csv"
mkdir "$work/suite/.git" && echo "ref: refs/heads/main" > "$work/suite/.git/HEAD"
# The evaluation leaves a file in its working directory, as many do.
evaluation='cat data.csv > /dev/null && test ! -e .git && echo ran >> run.log && echo "{\"accuracy\": 0.9}"'
before=$("$MLCHAIN" cid "$work/suite" | cut -d' ' -f1)
expect 0 as_key "$e1_key" "$MLCHAIN" watch --evaluate "$evaluation" --suite "$work/suite" --once --from-block 1 \
  --retries 0
[ "$(grep -c 'attested accuracy=0.9' <<< "$err")" = 2 ] || fail "A and B were not both attested: $err"
has "$B" <<< "$err" || fail "B's evaluation is not in the log: $err"
[ ! -e .mlchain/watch/failed ] || fail "events were parked: $(cat .mlchain/watch/failed/*)"
[ ! -e "$work/suite/run.log" ] || fail "the evaluation wrote into the operator's suite directory"
[ "$("$MLCHAIN" cid "$work/suite" | cut -d' ' -f1)" = "$before" ] || fail "the suite directory changed"
echo ok
