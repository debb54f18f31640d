#pragma once
// Bringing a catalogue index (catalogue/index.hpp) up to the chain's head: the catalogue's logs from the
// block after the last indexed one, fetched in bounded ranges (2,000 blocks, halved when the node fails or
// refuses a range as too large) and stored one range per transaction, so an interrupted update keeps what
// it finished. When the chain no longer holds the last indexed block (a reorganisation past it), the index
// is cleared and rebuilt. Then the card texts the index still lacks, from an IPFS node, each verified
// against its CID (docs/format.md §7.10).

#include <cstdint>
#include <optional>

#include "mlchain/catalogue/index.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/watch/chain_source.hpp"

namespace mlchain::catalogue {

inline constexpr std::uint64_t initial_log_range = 2'000;

struct IndexUpdate {
  // Set when the chain reorganised past the last indexed block: the block that was dropped, and the index
  // was rebuilt from the chain.
  std::optional<std::uint64_t> rebuilt_past;
  std::uint64_t events = 0;  // events indexed by this update
  std::uint64_t head = 0;    // the last block now indexed
};

// The node's errors as they are (remote_unavailable, timeout); a log of the catalogue that does not decode
// as one of its events is corrupt naming the node and the block. What was indexed before an error stays.
Result<IndexUpdate> update_index(CatalogueIndex& index, watch::ChainSource& chain,
                                 std::uint64_t first_range = initial_log_range);

struct CardFetch {
  std::uint64_t fetched = 0;  // texts stored (or found too large, and marked so)
  std::uint64_t missing = 0;  // cards the node could not give now: tried again next time
};
// Fetches every card the index lacks that `node` holds itself (has_block), reading at most max_card_bytes
// of each; a node that cannot be reached ends the fetch (every card left counts as missing).
Result<CardFetch> fetch_cards(CatalogueIndex& index, ipfs::Node& node);

}  // namespace mlchain::catalogue
