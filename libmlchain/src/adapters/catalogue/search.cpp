#include "mlchain/catalogue/search.hpp"

#include <system_error>

#include "mlchain/catalogue/index_governance.hpp"
#include "mlchain/catalogue/index_update.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/watch/chain_source.hpp"

namespace mlchain::catalogue {
namespace {

bool unreachable(const Error& error) {
  return error.kind == ErrorKind::remote_unavailable || error.kind == ErrorKind::timeout;
}

std::string lowercase_hex(const codec::Address& address) {
  return codec::to_hex(ByteView(address.bytes.data(), address.bytes.size()));
}

// The chain of an index already on disk for `catalogue`, for when neither the remote nor the node says
// which chain it is on: exactly one index file of that address.
std::optional<std::uint64_t> indexed_chain(const std::filesystem::path& home, const codec::Address& catalogue) {
  const std::string suffix = "-0x" + lowercase_hex(catalogue) + ".sqlite3";
  std::optional<std::uint64_t> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(home / "catalogue", error)) {
    const auto name = entry.path().filename().string();
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const auto digits = name.substr(0, name.size() - suffix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 19) continue;
    if (found) return std::nullopt;  // two chains: the caller must say which
    found = std::stoull(digits);
  }
  return found;
}

}  // namespace

Result<SearchOutcome> search_universe(const SearchRequest& request) {
  SearchOutcome outcome;
  const auto& universe = request.universe;
  eth::RpcClient rpc(eth::rpc_options_for(universe.rpc));
  if (request.offline) outcome.stale = "--offline";

  std::optional<std::uint64_t> chain_id = universe.chain_id;
  if (!outcome.stale) {
    // Asked even when the remote names the chain: another chain's logs must never enter this index.
    auto asked = rpc.chain_id();
    if (!asked) {
      if (!unreachable(asked.error())) return std::move(asked).error();
      outcome.stale = asked.error().message;
    } else if (chain_id && *chain_id != *asked) {
      return make_error(ErrorKind::invalid_argument, rpc.display_url() + " serves chain " + std::to_string(*asked) +
                                                         ", not the remote's chain " + std::to_string(*chain_id));
    } else {
      chain_id = *asked;
    }
  }
  if (!chain_id) chain_id = indexed_chain(request.home, universe.catalogue);
  // Without an index, an unreachable node is the reason nothing can be shown; --offline asked for no node.
  const auto no_index = [&] {
    return make_error(request.offline ? ErrorKind::not_found : ErrorKind::remote_unavailable, "no catalogue index of " + codec::to_checksum_address(universe.catalogue) +
                                                " in " + (request.home / "catalogue").string() + " yet (" +
                                                *outcome.stale + "): search once with the node reachable");
  };
  if (!chain_id) return no_index();
  outcome.chain_id = *chain_id;

  const auto file = CatalogueIndex::file_for(request.home, *chain_id, universe.catalogue);
  std::error_code error;
  if (outcome.stale && !std::filesystem::exists(file, error)) return no_index();
  MLCHAIN_TRY(auto index, CatalogueIndex::open(file, *chain_id, universe.catalogue));

  if (!outcome.stale) {
    watch::RpcChainSource chain(rpc);
    auto update = update_index(index, chain);
    if (update) {
      outcome.rebuilt_past = update->rebuilt_past;
    } else if (unreachable(update.error())) {
      outcome.stale = update.error().message;
    } else {
      return std::move(update).error();
    }
  }
  if (!outcome.stale) {
    // Stage holders change on the governance's contract, not the catalogue's: read again at each update.
    auto refreshed = refresh_governance(index, rpc, universe, *chain_id);
    if (!refreshed) {
      if (!unreachable(refreshed.error())) return std::move(refreshed).error();
      outcome.stale = refreshed.error().message;
    }
  }
  if (!outcome.stale && request.ipfs) {
    // Card texts are a bonus of the index: a node that is away only means they come later.
    if (auto node = remote::open_node({request.ipfs, std::nullopt})) {
      MLCHAIN_TRY(const auto cards, fetch_cards(index, **node));
      outcome.cards_missing = cards.missing;
    } else {
      return std::move(node).error();
    }
  }
  MLCHAIN_TRY(outcome.state, index.state());
  if (outcome.stale && !outcome.state.last) return no_index();
  MLCHAIN_TRY(outcome.listings, index.search(request.query));
  return outcome;
}

}  // namespace mlchain::catalogue
