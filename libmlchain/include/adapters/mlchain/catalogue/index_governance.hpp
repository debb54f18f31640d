#pragma once
// The governance facts a search shows (docs/format.md §7.10): for each repository with a listed listing,
// its governance (the registry's governanceOf), the stage holders of that governance and each holder's
// reputation in the current round, counted by reputation_of over the holder's attestations in the
// governance's ledger. Stored in the index, so that an offline search shows them.
//
// Followed by events, as the listings are: an update reads the registry's GovernanceSet logs and the
// known governances' RoundStarted, Evaluated, Promoted and RolledBack logs from the block after the last
// one followed to the catalogue index's last block, and reads the views again only for the repositories
// those logs name and for repositories listed since; a search with nothing new costs no view at all,
// however many repositories are listed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/catalogue/index.hpp"
#include "mlchain/catalogue/index_update.hpp"
#include "mlchain/catalogue/universe.hpp"
#include "mlchain/eth/rpc_client.hpp"
#include "mlchain/watch/chain_source.hpp"

namespace mlchain::catalogue {

// What the chain's views say of one repository now: behind an interface so the following is tested on a
// chain a test builds.
class GovernanceViews {
 public:
  virtual ~GovernanceViews() = default;
  // The repository's governance (nothing: its owner set none).
  virtual Result<std::optional<codec::Address>> governance_of(const std::string& repo) = 0;
  // The stage holders of `governance`, the repository's, with their reputation.
  virtual Result<std::vector<StageFacts>> stages_of(const std::string& repo, const codec::Address& governance) = 0;
};

struct StageRefresh {
  std::vector<std::string> refreshed;  // repositories whose facts were read again, by name
};

// Brings the stage facts of the listed repositories up to the catalogue index's last block (nothing to do
// before the index was ever updated). The node's errors as they are; what was stored before one stays,
// and the next update reads again from the last block recorded.
Result<StageRefresh> follow_stages(CatalogueIndex& index, watch::ChainSource& chain, const codec::Address& registry,
                                   GovernanceViews& views, std::uint64_t first_range = initial_log_range);

// follow_stages against the node: the registry the catalogue names, its views and the governances' ledgers.
Result<StageRefresh> refresh_governance(CatalogueIndex& index, eth::RpcClient& rpc, const Universe& universe,
                                        std::uint64_t chain_id);

}  // namespace mlchain::catalogue
