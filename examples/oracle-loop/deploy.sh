#!/usr/bin/env bash
# The deployer watcher's `promoted` handler: `mlchain watch --on promoted='…/deploy.sh DEPLOY_DIR'`.
# Runs in the deployer's repository with the event in MLCHAIN_* variables. It ships nothing the chain
# does not vouch for: it fetches the promoted commit by CID, checks it out, asks the chain whether that
# exact content holds production now (verify --chain --stage production), then installs the bundle's files as
# DEPLOY_DIR/releases/<commit> (whole or absent: built beside it, renamed into place) and points
# DEPLOY_DIR/current at it. A failure exits non-zero: the watcher retries, then parks the event.
# MLCHAIN_BIN names the mlchain binary (default: mlchain on PATH).
set -euo pipefail
deploy=${1:?usage: deploy.sh DEPLOY_DIR}
mlchain=${MLCHAIN_BIN:-mlchain}
if [[ $MLCHAIN_STAGE != production ]]; then
  echo "deploy.sh: $MLCHAIN_COMMIT promoted to $MLCHAIN_STAGE, not production: nothing to ship"
  exit 0
fi
release="$deploy/releases/$MLCHAIN_COMMIT"
"$mlchain" fetch "${MLCHAIN_REMOTE:-origin}" "$MLCHAIN_COMMIT"
# The work tree is what gets installed: check it out, then verify it (every byte against the commit, the
# signatures, the anchor) and that the chain says this commit holds production now.
"$mlchain" checkout "$MLCHAIN_COMMIT"
"$mlchain" verify "$MLCHAIN_COMMIT" --chain --stage production
if [[ ! -d $release ]]; then
  mkdir -p "$deploy/releases"
  incoming=$(mktemp -d "$deploy/releases/.incoming.XXXXXX")
  tar -C . --exclude=./.mlchain -cf - . | tar -C "$incoming" -xf -
  # The installed bytes are the commit's tree, or nothing is installed.
  tree=$("$mlchain" show "$MLCHAIN_COMMIT" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["tree"])')
  installed=$("$mlchain" cid "$incoming" | cut -d' ' -f1)
  if [[ $installed != "$tree" ]]; then
    rm -rf "$incoming"
    echo "deploy.sh: the installed files are $installed, not the tree $tree of $MLCHAIN_COMMIT" >&2
    exit 1
  fi
  mv "$incoming" "$release"
fi
ln -sfn "releases/$MLCHAIN_COMMIT" "$deploy/current.new"
mv -T "$deploy/current.new" "$deploy/current"
echo "deploy.sh: installed $MLCHAIN_COMMIT (block $MLCHAIN_BLOCK) as $deploy/current"
