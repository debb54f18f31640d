#pragma once
// `mlchain search`: the listings of a catalogue matching a query, answered from its local index
// (catalogue/index.hpp) after bringing the index up to the chain's head (catalogue/index_update.hpp). When
// the node cannot be asked (offline by choice, or unreachable) the index answers as it is, and the outcome
// says why and as of which block (docs/format.md §7.10).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/catalogue/index.hpp"
#include "mlchain/catalogue/universe.hpp"

namespace mlchain::catalogue {

struct SearchRequest {
  Universe universe;
  SearchQuery query;
  bool offline = false;             // answer from the index without asking the node
  std::optional<std::string> ipfs;  // the Kubo RPC API URL to fetch card texts from
  std::filesystem::path home;       // $MLCHAIN_HOME: the index lives in its catalogue/ directory
};

struct SearchOutcome {
  std::vector<IndexedListing> listings;
  std::uint64_t chain_id = 0;
  IndexState state;                           // after the update, if there was one
  std::optional<std::string> stale;           // why the index was not brought up to date; nothing: it was
  std::optional<std::uint64_t> rebuilt_past;  // the chain reorganised past this block: the index was rebuilt
  std::uint64_t cards_missing = 0;            // card texts the IPFS node could not give this time
};

// Offline, or with the node unreachable: the index as it is, not_found when there is none yet for this
// catalogue. A node that answers wrongly (a log that is none of the catalogue's events) is an error, never
// a stale answer.
Result<SearchOutcome> search_universe(const SearchRequest& request);

}  // namespace mlchain::catalogue
