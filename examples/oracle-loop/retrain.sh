#!/usr/bin/env bash
# The deployer watcher's `retrain` handler: `mlchain watch --on retrain='…/retrain.sh RETRAIN_DIR'`.
# The contract flagged the commit holding a stage for retraining (a monitoring rule held). This records
# the request (the event's JSON, from stdin) as RETRAIN_DIR/requests/<block>-<tx>.json and trains a
# replacement candidate in RETRAIN_DIR/candidate without the sensor x3 that drifted in the field, for
# the owner to review, commit and push (its evaluation then runs as for any push).
set -euo pipefail
retrain=${1:?usage: retrain.sh RETRAIN_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$retrain/requests"
request="$retrain/requests/$MLCHAIN_BLOCK-$MLCHAIN_TX.json"
cat > "$request.tmp"
mv "$request.tmp" "$request"
echo "retrain.sh: $MLCHAIN_STAGE's holder $MLCHAIN_COMMIT is flagged for retraining: $request"
# Trained beside it and renamed into place: the candidate directory is whole or absent.
rm -rf "$retrain/candidate.new"
python3 "$here/../gated-promotion/train.py" "$retrain/candidate.new" --features x1,x2
rm -rf "$retrain/candidate"
mv -T "$retrain/candidate.new" "$retrain/candidate"
