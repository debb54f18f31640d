#pragma once
// What the chain says about versions: the history of head updates (`mlchain log --remote`) and whether a
// commit is anchored (`mlchain verify --chain`): it is an anchored head or an ancestor of one, the
// anchoring transaction's receipt is in the canonical block at its height, and that block has the
// confirmations asked for. The block's timestamp is the version's trusted time.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/registry_client.hpp"

namespace mlchain::chain {

struct TimedUpdate {
  HeadUpdate update;
  std::uint64_t timestamp = 0;  // of its block: seconds since the epoch
};

// Every head update of the remote's repository, newest first, with its block's time.
Result<std::vector<TimedUpdate>> remote_history(const ChainRemote& remote);

struct Anchoring {
  TimedUpdate anchored_by;  // the earliest update whose head is the commit or a descendant of it
  std::uint64_t confirmations = 0;
  std::uint64_t chain_id = 0;
};

struct AnchorCheck {
  std::optional<Anchoring> anchoring;  // set when anchored with enough confirmations
  std::string detail;                  // why not, when not: one line
};

// Only a failure to ask (RPC unreachable, malformed answers) is an error; "not anchored" is a result.
Result<AnchorCheck> check_anchored(repo::Repository& repository, const ChainRemote& remote, const codec::Cid& commit,
                                   std::uint64_t min_confirmations);

}  // namespace mlchain::chain
