#pragma once
// The local index of one catalogue (docs/format.md §7.10): every event the catalogue emitted,
// in chain order, and the state of each listing they add up to, in one SQLite file under $MLCHAIN_HOME, so
// `mlchain search` answers from disk and keeps working when the node is away. The index records the last
// block it has seen (number and hash): catalogue/index_update.hpp extends it from there and rebuilds it
// when the chain no longer has that block. Card texts fetched from IPFS and verified are kept beside the
// listings, so a search matches words of a model's card; and so are the stage holders of each listed
// repository's governance with their reputation, so a search shows them without asking the chain.
//
// Errors name the file: a file that is not an index of this catalogue (another chain or address, an
// unknown schema, a damaged database) is corrupt; the disk failing is internal.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlchain/catalogue/reputation.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "mlchain/eth/rpc_types.hpp"
#include "mlchain/result.hpp"

namespace mlchain::catalogue {

// Card texts larger than this are not kept (a model card is a page, not a bundle).
inline constexpr std::uint64_t max_card_bytes = 64 * 1024;

// A block the index has seen, by number and hash.
struct BlockPosition {
  std::uint64_t number = 0;
  eth::Hash hash{};
};

// One catalogue event where the chain put it.
struct IndexedEvent {
  std::uint64_t block = 0;
  eth::Hash block_hash{};
  std::uint64_t log_index = 0;
  eth::Hash transaction{};
  eth::catalogue::Event event;
};

// An event as the index keeps it: where it is, its kind ("published", "updated", "unlisted", "purchased",
// "withdrawn"), the listing it concerns (empty for a withdrawal) and its fields as JSON (docs/format.md).
struct EventRecord {
  std::uint64_t block = 0;
  std::uint64_t log_index = 0;
  eth::Hash transaction{};
  std::string kind;
  std::string name;
  std::string fields;
};

struct IndexState {
  std::optional<BlockPosition> last;       // the last block indexed; nothing: never updated
  std::optional<BlockPosition> first_log;  // the first block holding a catalogue event, once one was seen
  std::optional<std::int64_t> updated_at;  // when the last update finished (seconds since the epoch)
  std::uint64_t events = 0;
  std::uint64_t listings = 0;
};

// A stage of the listing's repository held by a commit, with the holder's reputation in the governance's
// current round (catalogue/reputation.hpp), as read at the index's last update.
struct StageFacts {
  std::string stage;
  codec::Cid commit;
  std::uint64_t since_block = 0;
  Reputation reputation;
};

struct IndexedListing {
  eth::catalogue::Listing listing;       // published_at / updated_at are block numbers
  std::optional<std::string> card_text;  // once fetched and verified
  std::vector<StageFacts> stages;        // by stage name; empty: no governance or no holder
};

struct SearchQuery {
  std::string text;                    // matched case-insensitively in name, tags and card text; empty: all
  std::optional<std::string> license;  // the exact SPDX expression, case-insensitively
  bool include_unlisted = false;
  std::optional<std::string> stage;  // only listings whose repository has a holder of this stage
};

// What a card fetch found: the verified text, or that the card is larger than max_card_bytes (then it is
// never fetched again).
struct CardText {
  codec::Cid cid;
  std::optional<std::string> text;
};

class CatalogueIndex {
 public:
  // <home>/catalogue/<chain id>-<catalogue address in lowercase hex>.sqlite3
  static std::filesystem::path file_for(const std::filesystem::path& home, std::uint64_t chain_id,
                                        const codec::Address& catalogue);
  // Opens the index in `file`, creating it (and its directory) when absent. A file indexing another chain
  // or catalogue, or of another schema, is corrupt naming it.
  static Result<CatalogueIndex> open(const std::filesystem::path& file, std::uint64_t chain_id,
                                     const codec::Address& catalogue);
  // An index that lives in memory only, for tests.
  static Result<CatalogueIndex> open_in_memory(std::uint64_t chain_id, const codec::Address& catalogue);

  CatalogueIndex(CatalogueIndex&&) noexcept;
  CatalogueIndex& operator=(CatalogueIndex&&) noexcept;
  ~CatalogueIndex();

  std::uint64_t chain_id() const;
  const codec::Address& catalogue() const;
  const std::string& describe() const;  // the file, for messages

  Result<IndexState> state();
  // Applies `events` (in chain order, all in blocks after `previous` and up to `last`) and records `last`
  // as the last indexed block, in one transaction: after a crash the index holds all of it or none of it.
  // `previous` is the last indexed block the caller read (nothing: none); when another process moved it
  // meanwhile (two searches at once), nothing is applied: changed_concurrently.
  Status apply(std::span<const IndexedEvent> events, const std::optional<BlockPosition>& previous,
               const BlockPosition& last);
  // Forgets every event and listing (the chain reorganised past the last indexed block); card texts stay,
  // since a CID names the same bytes on every chain.
  Status clear();

  // The matching listings, by name.
  Result<std::vector<IndexedListing>> search(const SearchQuery& query);
  // Every event of the listing `name` (published, updated, unlisted, purchased), oldest first.
  Result<std::vector<EventRecord>> history(std::string_view name);
  // The repositories of listed listings, each once, by name.
  Result<std::vector<std::string>> listed_repositories();
  // Replaces what the index knows of the stage holders of `repo` by `stages` (empty: it has none).
  Status store_stages(std::string_view repo, std::span<const StageFacts> stages);

  // The cards of listings whose text is not known yet, each CID once.
  Result<std::vector<codec::Cid>> cards_wanted();
  Status store_card(const CardText& card);

  struct Database;  // the SQLite connection, opaque here

 private:
  explicit CatalogueIndex(std::unique_ptr<Database> database);
  std::unique_ptr<Database> database_;
};

}  // namespace mlchain::catalogue
