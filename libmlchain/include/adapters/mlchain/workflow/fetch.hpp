#pragma once
// `mlchain fetch [REMOTE] [CID]` as one call. With a CID: the commit and its history from the remote's
// IPFS node (or gateway), verified, recorded as refs/remotes/<remote>/<CID>. Without: every branch head
// the remote's chain names, each history fetched and refs/remotes/<remote>/<branch> set to it. Refs move
// only after everything they reach is stored and verified; a node that serves wrong bytes moves none.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/chain/sync.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::workflow {

struct FetchOptions {
  std::string remote = remote::default_remote;
  std::string commit;                  // a commit CID; empty: every branch head on the remote's chain
  std::optional<std::uint64_t> depth;  // generations of history (the head is 1); at least 1
  remote::FetchProgress progress;      // fetching by CID
  std::optional<std::string> key;      // a private model's grantee (workflow/signer_for.hpp)
};

struct FetchReport {
  remote::Remote remote;
  std::string node_url;
  // Fetched by CID: what arrived, and the ref that now names it.
  std::optional<remote::FetchOutcome> commit;
  std::string ref_name;
  // Fetched from the chain: one entry per branch, in the registry's order.
  std::vector<chain::FetchedBranch> branches;
};

// The chain's side of fetch and pull, a seam so they run against a fake chain: the heads of every
// branch (or only `only`) with their histories fetched from `node`, tracking refs set (chain::fetch_branches).
using BranchFetch = std::function<Result<std::vector<chain::FetchedBranch>>(
    repo::Repository& repository, ipfs::Node& node, const std::optional<std::string>& only,
    std::optional<std::uint64_t> depth)>;

// Fetches from `node` (the remote's); `branches` serves a fetch without a CID and may be empty otherwise.
Result<FetchReport> fetch(repo::Repository& repository, const remote::Remote& source, ipfs::Node& node,
                          const FetchOptions& options, const BranchFetch& branches);

// The same against the remote named in `options`: its IPFS node or gateway, and its registry.
Result<FetchReport> fetch(repo::Repository& repository, const FetchOptions& options);

// chain::fetch_branches against `remote`'s registry.
// A private repository's contents are opened with `reader`'s grants.
BranchFetch chain_branch_fetch(const chain::ChainRemote& remote, privacy::ReaderSource reader = {});

}  // namespace mlchain::workflow
