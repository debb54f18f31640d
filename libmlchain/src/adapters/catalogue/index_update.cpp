#include "mlchain/catalogue/index_update.hpp"

#include <algorithm>
#include <variant>
#include <vector>

#include "mlchain/codec/hex.hpp"

namespace mlchain::catalogue {
namespace {

namespace abi = eth::catalogue;

std::string hash_text(const eth::Hash& hash) { return codec::to_0x_hex(ByteView(hash.data(), hash.size())); }

// Whether the chain still holds `position` (same number, same hash).
Result<bool> still_on_chain(watch::ChainSource& chain, const BlockPosition& position) {
  MLCHAIN_TRY(const auto hash, chain.block_hash(position.number));
  return hash && *hash == position.hash;
}

Result<std::vector<IndexedEvent>> decode_logs(const std::vector<eth::Log>& logs, const std::string& node) {
  std::vector<IndexedEvent> events;
  events.reserve(logs.size());
  for (const auto& log : logs) {
    auto event = abi::decode_event(log.topics, log.data);
    if (!event)
      return make_error(ErrorKind::corrupt, node + " answered a catalogue log of block " +
                                                std::to_string(log.block_number) + " (transaction " +
                                                hash_text(log.transaction_hash) +
                                                ") that is none of its events: " + event.error().message);
    events.push_back({log.block_number, log.block_hash, log.log_index, log.transaction_hash, std::move(event).value()});
  }
  // Nodes answer in chain order; sorting makes that a fact the index relies on, not a hope.
  std::stable_sort(events.begin(), events.end(), [](const IndexedEvent& a, const IndexedEvent& b) {
    return a.block != b.block ? a.block < b.block : a.log_index < b.log_index;
  });
  return events;
}

// The chain (or the index, updated by another process) moved under a range being read: start over from
// the index's last block.
struct Moved {};

// Indexes blocks `from` to `to`: the logs, then the range's last block by hash. The hash of `to` is read
// before and after the logs and must not change, and the index's last block must still be on the chain:
// then the logs are those of the chain the index extends.
Result<std::variant<std::uint64_t, Moved>> index_range(CatalogueIndex& index, watch::ChainSource& chain,
                                                       const std::optional<BlockPosition>& last, std::uint64_t from,
                                                       std::uint64_t to) {
  const std::vector<codec::Address> contracts{index.catalogue()};
  std::vector<eth::Hash> kinds;
  for (const auto& topic : abi::event_topics()) kinds.push_back(topic);
  MLCHAIN_TRY(const auto before, chain.block_hash(to));
  if (!before) return std::variant<std::uint64_t, Moved>{Moved{}};
  MLCHAIN_TRY(const auto logs, chain.logs(contracts, {kinds}, from, to));
  if (last) {
    MLCHAIN_TRY(const bool kept, still_on_chain(chain, *last));
    if (!kept) return std::variant<std::uint64_t, Moved>{Moved{}};
  }
  MLCHAIN_TRY(const auto after, chain.block_hash(to));
  if (after != before) return std::variant<std::uint64_t, Moved>{Moved{}};
  MLCHAIN_TRY(const auto events, decode_logs(logs, chain.describe()));
  auto applied = index.apply(events, last, BlockPosition{to, *before});
  // Another search stored this range (or more) meanwhile: go on from where the index is now.
  if (!applied && applied.error().kind == ErrorKind::changed_concurrently)
    return std::variant<std::uint64_t, Moved>{Moved{}};
  MLCHAIN_TRY_STATUS(applied);
  return std::variant<std::uint64_t, Moved>{static_cast<std::uint64_t>(events.size())};
}

// Where a rebuild starts: the first block that held a catalogue event while it is still on the chain
// (nothing before it changed, so nothing of the catalogue is there), else the chain's start.
Result<std::uint64_t> rebuild_start(watch::ChainSource& chain, const IndexState& state) {
  if (!state.first_log) return std::uint64_t{0};
  MLCHAIN_TRY(const bool kept, still_on_chain(chain, *state.first_log));
  return kept ? state.first_log->number : std::uint64_t{0};
}

}  // namespace

Result<IndexUpdate> update_index(CatalogueIndex& index, watch::ChainSource& chain, std::uint64_t first_range) {
  IndexUpdate update;
  std::uint64_t range = std::max<std::uint64_t>(first_range, 1);
  // A chain that keeps reorganising under the update is a node to give up on, not to follow forever.
  constexpr int max_restarts = 8;
  int restarts = 0;
  std::optional<std::uint64_t> start_after_rebuild;
  MLCHAIN_TRY(const std::uint64_t head, chain.head());
  update.head = head;
  for (;;) {
    MLCHAIN_TRY(const auto state, index.state());
    std::uint64_t from = start_after_rebuild.value_or(0);
    if (state.last) {
      MLCHAIN_TRY(const bool kept, still_on_chain(chain, *state.last));
      if (!kept) {
        MLCHAIN_TRY(const auto start, rebuild_start(chain, state));
        MLCHAIN_TRY_STATUS(index.clear());
        update.rebuilt_past = state.last->number;
        update.events = 0;
        start_after_rebuild = start;
        continue;
      }
      from = state.last->number + 1;
    }
    start_after_rebuild.reset();
    if (from > head) break;
    const std::uint64_t to = std::min(head, from + range - 1);
    auto indexed = index_range(index, chain, state.last, from, to);
    if (!indexed) {
      const auto kind = indexed.error().kind;
      // A node that refuses a range (too many results, too many blocks) answers a smaller one.
      if (range > 1 && kind != ErrorKind::corrupt && kind != ErrorKind::internal && kind != ErrorKind::locked) {
        range = std::max<std::uint64_t>(range / 2, 1);
        continue;
      }
      return std::move(indexed).error();
    }
    if (std::holds_alternative<Moved>(*indexed)) {
      if (++restarts > max_restarts)
        return make_error(ErrorKind::remote_unavailable,
                          chain.describe() + " reorganised its chain " + std::to_string(max_restarts) +
                              " times during one update of the catalogue index " + index.describe());
      continue;
    }
    update.events += std::get<std::uint64_t>(*indexed);
  }
  MLCHAIN_TRY(const auto state, index.state());
  if (state.last) update.head = state.last->number;
  return update;
}

Result<CardFetch> fetch_cards(CatalogueIndex& index, ipfs::Node& node) {
  CardFetch fetch;
  MLCHAIN_TRY(const auto cards, index.cards_wanted());
  for (std::size_t position = 0; position < cards.size(); ++position) {
    const auto& cid = cards[position];
    // Only what the node holds itself: a card it would have to look for on the network would keep the
    // search waiting for it (a gateway cannot say, and is asked for the file directly).
    auto held = node.has_block(cid);
    if (!held && (held.error().kind == ErrorKind::remote_unavailable || held.error().kind == ErrorKind::timeout)) {
      // The node is away: none of the remaining cards will come either.
      fetch.missing += cards.size() - position;
      break;
    }
    if (held && !*held) {
      ++fetch.missing;
      continue;
    }
    std::string text;
    bool too_large = false;
    const auto& profile = cid.version() == 0 ? unixfs::unixfs_v0_2015 : unixfs::default_profile;
    auto read = node.read_file(cid, profile, [&](ByteView bytes) -> Status {
      if (text.size() + bytes.size() > max_card_bytes) {
        too_large = true;
        return make_error(ErrorKind::refused, "card " + cid.to_string() + " is larger than 64 KiB");
      }
      text.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      return {};
    });
    if (!read && !too_large) {
      // Not there now (a node without it, offline, or bytes that do not match the CID): not indexed, so
      // the next update asks again; only text that was verified is ever stored.
      ++fetch.missing;
      continue;
    }
    MLCHAIN_TRY_STATUS(index.store_card({cid, too_large ? std::nullopt : std::optional<std::string>(std::move(text))}));
    ++fetch.fetched;
  }
  return fetch;
}

}  // namespace mlchain::catalogue
