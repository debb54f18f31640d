#pragma once
// What the governance commands share: the repository and chain remote a command acts on, revisions that
// may name a stage ("@production"), and the one-line forms of addresses, UIDs and commits they print.

#include <optional>
#include <string>
#include <vector>

#include "mlchain/chain/governance.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::cli {

struct GovernanceTarget {
  repo::Repository repository;
  chain::ChainRemote remote;
};
// The repository of the current directory and its chain remote `name` (default origin).
Result<GovernanceTarget> governance_target(const std::optional<std::string>& name);

// REV as a commit: a revision of the repository, or "@STAGE[~N…]" for the stage's holder on origin.
Result<codec::Cid> resolve_commit(repo::Repository& repository, const std::string& revision);
// REV as a stored commit: a revision of the repository, or "@STAGE[~N…]" for the stage's holder on origin.
Result<codec::Cid> resolve_local_commit(repo::Repository& repository, const std::string& revision);
std::string word_hex(const chain::GovernanceWord& word);

}  // namespace mlchain::cli
