#pragma once
// `mlchain pull [REMOTE] [BRANCH]` as one call: the branch's head from the remote's chain with its
// history from IPFS (refs/remotes/<remote>/<branch> set to it), then the local branch fast-forwarded to
// it and checked out when HEAD is on it. A diverged branch is not_fast_forward naming both commits; a local
// branch ahead of the remote stays where it is.

#include <string>

#include "mlchain/chain/sync.hpp"
#include "mlchain/workflow/fetch.hpp"

namespace mlchain::workflow {

struct PullOptions {
  std::string remote = remote::default_remote;
  std::string branch;              // empty: the branch HEAD is on
  std::optional<std::string> key;  // a private model's grantee (workflow/signer_for.hpp)
};

struct PullReport {
  std::string remote;
  std::string branch;
  codec::Cid head;  // the remote's
  chain::FetchedBranch fetched;
  chain::PullOutcome outcome;
};

// Pulls from `node` (the remote's), the head named by `branches`.
Result<PullReport> pull(repo::Repository& repository, ipfs::Node& node, const PullOptions& options,
                        const BranchFetch& branches);

// The same against the remote named in `options` (which must be a chain remote).
Result<PullReport> pull(repo::Repository& repository, const PullOptions& options);

}  // namespace mlchain::workflow
