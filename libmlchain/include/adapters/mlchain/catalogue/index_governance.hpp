#pragma once
// The governance facts a search shows (docs/format.md §7.10): for each repository with a
// listed listing, the stage holders of its governance (the registry's governanceOf) and each holder's
// reputation in the current round, counted by reputation_of over the holder's attestations in the
// governance's ledger. Stored in the index, replacing what it knew, so that an offline search shows them.

#include <cstdint>

#include "mlchain/catalogue/index.hpp"
#include "mlchain/catalogue/universe.hpp"
#include "mlchain/eth/rpc_client.hpp"

namespace mlchain::catalogue {

// The node's errors as they are; a repository without governance keeps no stage.
Status refresh_governance(CatalogueIndex& index, eth::RpcClient& rpc, const Universe& universe, std::uint64_t chain_id);

}  // namespace mlchain::catalogue
