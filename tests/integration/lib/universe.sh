# Sourced by the catalogue (Model Universe) tests after lib/expect.sh, make_workspace, lib/peers.sh and
# lib/governance.sh.
#   listed_repository  deploys a registry, makes the repository "model" in $work/a (README.md, licence
#                      Apache-2.0, pushed by $MLCHAIN_PRIVATE_KEY) and deploys its catalogue; sets $registry,
#                      $universe; leaves the shell in $work/a
#   fee_of TX          what transaction TX paid for gas, in wei (gas used × effective gas price)
#   wei EXPR           EXPR over whole numbers of wei (anvil's balances are beyond bash's 64 bits)
#   $listing_type      listingOf's return type, for cast call
listing_type='(string,string,address,bool,uint64,uint64,uint64,(bytes,string,string[],bool,uint256,uint64,address[],uint16[]))'

listed_repository() {
  expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
  registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
  mkdir "$work/a" && cd "$work/a"
  expect 0 "$MLCHAIN" init
  expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model --chain-id 31337
  printf '# model\nA model card.\n' > README.md
  echo "weights" > weights.bin
  expect 0 "$MLCHAIN" commit -m "first" --license Apache-2.0
  expect 0 "$MLCHAIN" push
  expect 0 "$MLCHAIN" universe deploy --json
  universe=$(json_field <(echo "$out") universe)
}

fee_of() {
  "$cast" receipt --rpc-url "$rpc" "$1" --json |
    python3 -c 'import json, sys; r = json.load(sys.stdin); print(int(r["gasUsed"], 16) * int(r["effectiveGasPrice"], 16))'
}

wei() { python3 -c "print($*)"; }
