#include "mlchain/catalogue/index.hpp"

#include <sqlite3.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <system_error>
#include <type_traits>
#include <utility>

#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::catalogue {
namespace {

using json = nlohmann::ordered_json;
namespace abi = eth::catalogue;

// The layout of the file (docs/format.md §7.10). A file of another number is refused, never migrated: the
// chain holds everything it says, so deleting it and searching again rebuilds it.
constexpr int schema_version = 2;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS listings (
  name TEXT PRIMARY KEY, repo TEXT NOT NULL, owner TEXT NOT NULL, listed INTEGER NOT NULL,
  card TEXT NOT NULL, license TEXT NOT NULL, tags TEXT NOT NULL, tags_text TEXT NOT NULL,
  private INTEGER NOT NULL, price TEXT NOT NULL, duration INTEGER NOT NULL, splits TEXT NOT NULL,
  purchases INTEGER NOT NULL, published_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  block INTEGER NOT NULL, log_index INTEGER NOT NULL, tx TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
  fields TEXT NOT NULL, PRIMARY KEY (block, log_index));
CREATE INDEX IF NOT EXISTS events_by_name ON events (name, block, log_index);
CREATE TABLE IF NOT EXISTS cards (cid TEXT PRIMARY KEY, text TEXT);
CREATE TABLE IF NOT EXISTS stages (
  repo TEXT NOT NULL, stage TEXT NOT NULL, commit_cid TEXT NOT NULL, since_block INTEGER NOT NULL,
  evaluators INTEGER NOT NULL, metrics TEXT NOT NULL, PRIMARY KEY (repo, stage));
CREATE INDEX IF NOT EXISTS listings_by_repo ON listings (repo, listed);
CREATE TABLE IF NOT EXISTS governance (repo TEXT PRIMARY KEY, repo_id TEXT NOT NULL, address TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS governance_by_id ON governance (repo_id);
)sql";

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }
std::string hash_text(const eth::Hash& hash) { return codec::to_0x_hex(ByteView(hash.data(), hash.size())); }
std::string lowercase_hex(const codec::Address& address) {
  return codec::to_hex(ByteView(address.bytes.data(), address.bytes.size()));
}

json tags_json(const abi::Terms& terms) {
  auto tags = json::array();
  for (const auto& tag : terms.tags) tags.push_back(tag);
  return tags;
}
json splits_json(const abi::Terms& terms) {
  auto splits = json::array();
  for (const auto& split : terms.splits) splits.push_back({{"payee", address_text(split.payee)}, {"bps", split.share}});
  return splits;
}
std::string tags_text(const abi::Terms& terms) {
  std::string text;
  for (const auto& tag : terms.tags) text += tag + "\n";
  return text;
}
// A tag, licence or name in a log is anyone's bytes, not necessarily UTF-8, which JSON text must be: such
// bytes are stored as U+FFFD rather than failing the whole update on one listing.
std::string stored_json(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// The card column: the CID's text, or "0x" and the hex of a card the contract holds that is no CID (written
// bypassing mlchain), which no IPFS node is asked for (docs/format.md, the catalogue index).
std::string card_column(const abi::Terms& terms) {
  return terms.unreadable_card ? codec::to_0x_hex(*terms.unreadable_card) : terms.card.to_string();
}
json terms_json(const abi::Terms& terms) {
  return {{"card", card_column(terms)},
          {"license", terms.license},
          {"tags", tags_json(terms)},
          {"private", terms.is_private},
          {"price_wei", terms.price.to_decimal()},
          {"duration_seconds", terms.duration},
          {"splits", splits_json(terms)}};
}

// Kind, listing name and fields of an event, as the events table keeps them.
struct EventRow {
  const char* kind;
  std::string name;
  json fields;
};
EventRow row_of(const abi::Event& event) {
  return std::visit(
      [](const auto& value) -> EventRow {
        using Value = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<Value, abi::Published> || std::is_same_v<Value, abi::Updated>) {
          json fields = {{"owner", address_text(value.owner)}, {"repo", value.repo}};
          fields.update(terms_json(value.terms));
          return {std::is_same_v<Value, abi::Published> ? "published" : "updated", value.name, std::move(fields)};
        } else if constexpr (std::is_same_v<Value, abi::Unlisted>) {
          return {"unlisted", value.name, {{"owner", address_text(value.owner)}}};
        } else if constexpr (std::is_same_v<Value, abi::Purchased>) {
          return {"purchased",
                  value.name,
                  {{"buyer", address_text(value.buyer)},
                   {"price_wei", value.price.to_decimal()},
                   {"access_until", value.access_until}}};
        } else {
          return {"withdrawn", "", {{"payee", address_text(value.payee)}, {"amount_wei", value.amount.to_decimal()}}};
        }
      },
      event);
}

}  // namespace

struct CatalogueIndex::Database {
  sqlite3* handle = nullptr;
  std::string name;  // the file, or ":memory:"
  std::uint64_t chain_id = 0;
  codec::Address catalogue;

  ~Database() {
    if (handle != nullptr) sqlite3_close_v2(handle);
  }

  Error failure(std::string_view what) const {
    const int code = sqlite3_extended_errcode(handle);
    const int primary = code & 0xff;
    const std::string message = "catalogue index " + name + ": " + std::string(what) + ": " + sqlite3_errmsg(handle);
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
      return make_error(ErrorKind::corrupt, message + " (remove the file: search rebuilds it from the chain)");
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return make_error(ErrorKind::locked, message);
    // What the file system refuses (a directory in the file's place, no write permission, a full disk) is
    // the user's to fix, not a fault of mlchain.
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_PERM || primary == SQLITE_READONLY || primary == SQLITE_FULL)
      return make_error(ErrorKind::refused, message +
                                                " (check the file and its directory, or remove the file: search "
                                                "rebuilds it from the chain)");
    return make_error(ErrorKind::internal, message);
  }

  Status execute(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(handle, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      sqlite3_free(message);
      return failure("cannot run a statement");
    }
    return {};
  }
};

namespace {

// One prepared statement, reset and finalized with its scope.
class Statement {
 public:
  Statement(sqlite3* handle, const char* sql) { prepared_ = sqlite3_prepare_v2(handle, sql, -1, &statement_, nullptr); }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool prepared() const { return prepared_ == SQLITE_OK; }
  Statement& bind(int position, std::string_view text) {
    sqlite3_bind_text(statement_, position, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int position, std::int64_t number) {
    sqlite3_bind_int64(statement_, position, number);
    return *this;
  }
  Statement& bind_null(int position) {
    sqlite3_bind_null(statement_, position);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(statement_); }

  std::string text(int column) const {
    const auto* bytes = sqlite3_column_text(statement_, column);
    return bytes == nullptr ? std::string()
                            : std::string(reinterpret_cast<const char*>(bytes),
                                          static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }

 private:
  sqlite3_stmt* statement_ = nullptr;
  int prepared_ = SQLITE_ERROR;
};

std::int64_t signed_of(std::uint64_t value) { return static_cast<std::int64_t>(value); }

Status run(CatalogueIndex::Database& database, Statement& statement, std::string_view what) {
  if (!statement.prepared()) return database.failure(what);
  const int code = statement.step();
  if (code != SQLITE_DONE && code != SQLITE_ROW) return database.failure(what);
  return {};
}

// The first column of every row `sql` selects, as text; `what` says what failed.
Result<std::vector<std::string>> first_column(CatalogueIndex::Database& database, const char* sql,
                                              std::string_view what) {
  Statement statement(database.handle, sql);
  if (!statement.prepared()) return database.failure(what);
  std::vector<std::string> values;
  for (;;) {
    const int code = statement.step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return database.failure(what);
    values.push_back(statement.text(0));
  }
  return values;
}

Result<std::optional<std::string>> read_meta(CatalogueIndex::Database& database, const char* key) {
  Statement statement(database.handle, "SELECT value FROM meta WHERE key = ?1");
  if (!statement.prepared()) return database.failure("cannot read its settings");
  statement.bind(1, std::string_view(key));
  const int code = statement.step();
  if (code == SQLITE_DONE) return std::optional<std::string>{};
  if (code != SQLITE_ROW) return database.failure("cannot read its settings");
  return std::optional<std::string>{statement.text(0)};
}

Status write_meta(CatalogueIndex::Database& database, const char* key, std::string_view value) {
  Statement statement(database.handle, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
  statement.bind(1, std::string_view(key)).bind(2, value);
  return run(database, statement, "cannot write its settings");
}

Status delete_meta(CatalogueIndex::Database& database, const char* key) {
  Statement statement(database.handle, "DELETE FROM meta WHERE key = ?1");
  statement.bind(1, std::string_view(key));
  return run(database, statement, "cannot write its settings");
}

Error damaged(const CatalogueIndex::Database& database, std::string_view what) {
  return make_error(ErrorKind::corrupt, "catalogue index " + database.name + ": " + std::string(what) +
                                            " (remove the file: search rebuilds it from the chain)");
}

Result<std::optional<BlockPosition>> read_position(CatalogueIndex::Database& database, const char* number_key,
                                                   const char* hash_key) {
  MLCHAIN_TRY(const auto number, read_meta(database, number_key));
  MLCHAIN_TRY(const auto hash, read_meta(database, hash_key));
  if (!number && !hash) return std::optional<BlockPosition>{};
  if (!number || !hash) return damaged(database, std::string("holds ") + (number ? number_key : hash_key) + " alone");
  BlockPosition position;
  try {
    std::size_t used = 0;
    position.number = std::stoull(*number, &used);
    if (used != number->size()) throw std::invalid_argument(*number);
  } catch (const std::exception&) {
    return damaged(database, std::string(number_key) + " is not a block number");
  }
  auto bytes = codec::from_0x_hex(*hash);
  if (!bytes || bytes->size() != position.hash.size())
    return damaged(database, std::string(hash_key) + " is not a block hash");
  std::copy(bytes->begin(), bytes->end(), position.hash.begin());
  return std::optional<BlockPosition>{position};
}

Status write_position(CatalogueIndex::Database& database, const char* number_key, const char* hash_key,
                      const BlockPosition& position) {
  MLCHAIN_TRY_STATUS(write_meta(database, number_key, std::to_string(position.number)));
  return write_meta(database, hash_key, hash_text(position.hash));
}

// A transaction committed by commit(), rolled back when left without.
class Transaction {
 public:
  explicit Transaction(CatalogueIndex::Database& database) : database_(database) {}
  ~Transaction() {
    // Nothing to report a failed rollback to: SQLite rolls back an unfinished transaction on close anyway.
    if (open_) sqlite3_exec(database_.handle, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status begin() {
    MLCHAIN_TRY_STATUS(database_.execute("BEGIN IMMEDIATE"));
    open_ = true;
    return {};
  }
  Status commit() {
    MLCHAIN_TRY_STATUS(database_.execute("COMMIT"));
    open_ = false;
    return {};
  }

 private:
  CatalogueIndex::Database& database_;
  bool open_ = false;
};

Status store_terms(CatalogueIndex::Database& database, const std::string& name, const std::string& repo,
                   const codec::Address& owner, const abi::Terms& terms, std::uint64_t block, bool published) {
  // A publish creates the row; an update changes the terms and lists it again, keeping its purchases and
  // the block it was first published in.
  const char* sql = published
                        ? "INSERT OR REPLACE INTO listings (name, repo, owner, listed, card, license, tags, tags_text, "
                          "private, price, duration, splits, purchases, published_at, updated_at) VALUES "
                          "(?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?12)"
                        : "INSERT INTO listings (name, repo, owner, listed, card, license, tags, tags_text, private, "
                          "price, duration, splits, purchases, published_at, updated_at) VALUES "
                          "(?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?12) ON CONFLICT (name) DO "
                          "UPDATE SET repo = ?2, owner = ?3, listed = 1, card = ?4, license = ?5, tags = ?6, "
                          "tags_text = ?7, private = ?8, price = ?9, duration = ?10, splits = ?11, updated_at = ?12";
  Statement statement(database.handle, sql);
  statement.bind(1, name)
      .bind(2, repo)
      .bind(3, address_text(owner))
      .bind(4, card_column(terms))
      .bind(5, terms.license)
      .bind(6, stored_json(tags_json(terms)))
      .bind(7, tags_text(terms))
      .bind(8, std::int64_t{terms.is_private ? 1 : 0})
      .bind(9, terms.price.to_decimal())
      .bind(10, signed_of(terms.duration))
      .bind(11, stored_json(splits_json(terms)))
      .bind(12, signed_of(block));
  return run(database, statement, "cannot store the listing " + name);
}

Status apply_one(CatalogueIndex::Database& database, const IndexedEvent& indexed) {
  const auto row = row_of(indexed.event);
  Statement insert(database.handle,
                   "INSERT INTO events (block, log_index, tx, kind, name, fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, signed_of(indexed.block))
      .bind(2, signed_of(indexed.log_index))
      .bind(3, hash_text(indexed.transaction))
      .bind(4, std::string_view(row.kind))
      .bind(5, row.name)
      .bind(6, stored_json(row.fields));
  MLCHAIN_TRY_STATUS(run(database, insert,
                         "cannot store the event at block " + std::to_string(indexed.block) + " log " +
                             std::to_string(indexed.log_index)));
  return std::visit(
      [&](const auto& event) -> Status {
        using Value = std::decay_t<decltype(event)>;
        if constexpr (std::is_same_v<Value, abi::Published> || std::is_same_v<Value, abi::Updated>) {
          return store_terms(database, event.name, event.repo, event.owner, event.terms, indexed.block,
                             std::is_same_v<Value, abi::Published>);
        } else if constexpr (std::is_same_v<Value, abi::Unlisted>) {
          Statement statement(database.handle, "UPDATE listings SET listed = 0, updated_at = ?2 WHERE name = ?1");
          statement.bind(1, event.name).bind(2, signed_of(indexed.block));
          return run(database, statement, "cannot unlist " + event.name);
        } else if constexpr (std::is_same_v<Value, abi::Purchased>) {
          Statement statement(database.handle, "UPDATE listings SET purchases = purchases + 1 WHERE name = ?1");
          statement.bind(1, event.name);
          return run(database, statement, "cannot count a purchase of " + event.name);
        } else {
          return Status{};
        }
      },
      indexed.event);
}

Result<IndexedListing> listing_of_row(const CatalogueIndex::Database& database, const Statement& row) {
  IndexedListing found;
  auto& listing = found.listing;
  listing.name = row.text(0);
  listing.repo = row.text(1);
  const auto broken = [&](std::string_view what) {
    return damaged(database, "listing " + listing.name + ": " + std::string(what));
  };
  auto owner = codec::parse_address(row.text(2));
  if (!owner) return broken("bad owner");
  listing.owner = *owner;
  listing.listed = row.integer(3) != 0;
  if (const std::string card_text = row.text(4); card_text.starts_with("0x")) {
    auto bytes = codec::from_0x_hex(card_text);
    if (!bytes) return broken("bad card bytes");
    listing.terms.unreadable_card = std::move(bytes).value();
  } else {
    auto card = codec::Cid::parse(card_text);
    if (!card) return broken("bad card CID");
    listing.terms.card = *card;
  }
  listing.terms.license = row.text(5);
  listing.terms.is_private = row.integer(7) != 0;
  auto price = codec::U256::parse_decimal(row.text(8));
  if (!price) return broken("bad price");
  listing.terms.price = *price;
  listing.terms.duration = static_cast<std::uint64_t>(row.integer(9));
  try {
    for (const auto& tag : json::parse(row.text(6))) listing.terms.tags.push_back(tag.get<std::string>());
    for (const auto& split : json::parse(row.text(10))) {
      auto payee = codec::parse_address(split.at("payee").get<std::string>());
      if (!payee) return broken("bad payee");
      listing.terms.splits.push_back({*payee, split.at("bps").get<std::uint16_t>()});
    }
  } catch (const json::exception&) {
    return broken("bad tags or splits");
  }
  listing.purchases = static_cast<std::uint64_t>(row.integer(11));
  listing.published_at = static_cast<std::uint64_t>(row.integer(12));
  listing.updated_at = static_cast<std::uint64_t>(row.integer(13));
  if (!row.is_null(14)) found.card_text = row.text(14);
  return found;
}

json reputation_json(const Reputation& reputation) {
  auto metrics = json::array();
  for (const auto& spread : reputation.metrics)
    metrics.push_back({{"metric", spread.metric},
                       {"low", codec::format_fixed18(spread.low)},
                       {"high", codec::format_fixed18(spread.high)},
                       {"evaluators", spread.evaluators}});
  return metrics;
}

// Every stored stage holder, by repository (a handful of rows, read once per search).
Result<std::map<std::string, std::vector<StageFacts>>> stages_by_repo(CatalogueIndex::Database& database) {
  Statement statement(
      database.handle,
      "SELECT repo, stage, commit_cid, since_block, evaluators, metrics FROM stages ORDER BY repo, stage");
  if (!statement.prepared()) return database.failure("cannot read its stages");
  std::map<std::string, std::vector<StageFacts>> stages;
  for (;;) {
    const int code = statement.step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return database.failure("cannot read its stages");
    StageFacts facts;
    facts.stage = statement.text(1);
    const auto broken = [&] { return damaged(database, "stage " + facts.stage + " of " + statement.text(0)); };
    auto commit = codec::Cid::parse(statement.text(2));
    if (!commit) return broken();
    facts.commit = *commit;
    facts.since_block = static_cast<std::uint64_t>(statement.integer(3));
    facts.reputation.evaluators = static_cast<std::size_t>(statement.integer(4));
    try {
      for (const auto& metric : json::parse(statement.text(5))) {
        auto low = codec::parse_fixed18(metric.at("low").get<std::string>());
        auto high = codec::parse_fixed18(metric.at("high").get<std::string>());
        if (!low || !high) return broken();
        facts.reputation.metrics.push_back(
            {metric.at("metric").get<std::string>(), *low, *high, metric.at("evaluators").get<std::size_t>()});
      }
    } catch (const json::exception&) {
      return broken();
    }
    stages[statement.text(0)].push_back(std::move(facts));
  }
  return stages;
}

Status prepare(CatalogueIndex::Database& database) {
  sqlite3_busy_timeout(database.handle, 5000);
  MLCHAIN_TRY_STATUS(database.execute(schema));
  MLCHAIN_TRY(const auto version, read_meta(database, "schema"));
  MLCHAIN_TRY(const auto chain, read_meta(database, "chain_id"));
  MLCHAIN_TRY(const auto catalogue, read_meta(database, "catalogue"));
  const std::string expected_catalogue = "0x" + lowercase_hex(database.catalogue);
  if (!version) {
    Transaction transaction(database);
    MLCHAIN_TRY_STATUS(transaction.begin());
    MLCHAIN_TRY_STATUS(write_meta(database, "schema", std::to_string(schema_version)));
    MLCHAIN_TRY_STATUS(write_meta(database, "chain_id", std::to_string(database.chain_id)));
    MLCHAIN_TRY_STATUS(write_meta(database, "catalogue", expected_catalogue));
    return transaction.commit();
  }
  if (*version != std::to_string(schema_version))
    return damaged(database, "has schema " + *version + ", this mlchain reads " + std::to_string(schema_version));
  if (chain != std::to_string(database.chain_id) || catalogue != expected_catalogue)
    return damaged(database, "indexes catalogue " + catalogue.value_or("?") + " on chain " + chain.value_or("?") +
                                 ", not " + expected_catalogue + " on chain " + std::to_string(database.chain_id));
  return {};
}

Result<CatalogueIndex::Database*> opened(std::unique_ptr<CatalogueIndex::Database>& database, const std::string& name,
                                         int flags) {
  const int code = sqlite3_open_v2(name.c_str(), &database->handle, flags, nullptr);
  if (code != SQLITE_OK) {
    if (database->handle == nullptr)
      return make_error(ErrorKind::internal, "catalogue index " + database->name + ": cannot open it");
    return database->failure("cannot open it");
  }
  MLCHAIN_TRY_STATUS(prepare(*database));
  return database.get();
}

}  // namespace

std::filesystem::path CatalogueIndex::file_for(const std::filesystem::path& home, std::uint64_t chain_id,
                                               const codec::Address& catalogue) {
  return home / "catalogue" / (std::to_string(chain_id) + "-0x" + lowercase_hex(catalogue) + ".sqlite3");
}

Result<CatalogueIndex> CatalogueIndex::open(const std::filesystem::path& file, std::uint64_t chain_id,
                                            const codec::Address& catalogue) {
  std::error_code error;
  std::filesystem::create_directories(file.parent_path(), error);
  if (error)
    return make_error(ErrorKind::internal,
                      "cannot create " + file.parent_path().string() + " for the catalogue index: " + error.message());
  auto database = std::make_unique<Database>();
  database->name = file.string();
  database->chain_id = chain_id;
  database->catalogue = catalogue;
  MLCHAIN_TRY_STATUS(opened(database, database->name, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  return CatalogueIndex(std::move(database));
}

Result<CatalogueIndex> CatalogueIndex::open_in_memory(std::uint64_t chain_id, const codec::Address& catalogue) {
  auto database = std::make_unique<Database>();
  database->name = ":memory:";
  database->chain_id = chain_id;
  database->catalogue = catalogue;
  MLCHAIN_TRY_STATUS(opened(database, database->name, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY));
  return CatalogueIndex(std::move(database));
}

CatalogueIndex::CatalogueIndex(std::unique_ptr<Database> database) : database_(std::move(database)) {}
CatalogueIndex::CatalogueIndex(CatalogueIndex&&) noexcept = default;
CatalogueIndex& CatalogueIndex::operator=(CatalogueIndex&&) noexcept = default;
CatalogueIndex::~CatalogueIndex() = default;

std::uint64_t CatalogueIndex::chain_id() const { return database_->chain_id; }
const codec::Address& CatalogueIndex::catalogue() const { return database_->catalogue; }
const std::string& CatalogueIndex::describe() const { return database_->name; }

Result<IndexState> CatalogueIndex::state() {
  auto& database = *database_;
  IndexState state;
  MLCHAIN_TRY(state.last, read_position(database, "last_block", "last_hash"));
  MLCHAIN_TRY(state.first_log, read_position(database, "first_log_block", "first_log_hash"));
  MLCHAIN_TRY(const auto updated, read_meta(database, "updated_at"));
  if (updated) {
    try {
      state.updated_at = std::stoll(*updated);
    } catch (const std::exception&) {
      return damaged(database, "updated_at is not a time");
    }
  }
  Statement count(database.handle, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM listings)");
  if (!count.prepared() || count.step() != SQLITE_ROW) return database.failure("cannot count its contents");
  state.events = static_cast<std::uint64_t>(count.integer(0));
  state.listings = static_cast<std::uint64_t>(count.integer(1));
  return state;
}

Status CatalogueIndex::apply(std::span<const IndexedEvent> events, const std::optional<BlockPosition>& previous,
                             const BlockPosition& last) {
  auto& database = *database_;
  Transaction transaction(database);
  MLCHAIN_TRY_STATUS(transaction.begin());
  MLCHAIN_TRY(const auto stored, read_position(database, "last_block", "last_hash"));
  const auto same = [](const std::optional<BlockPosition>& a, const std::optional<BlockPosition>& b) {
    return a.has_value() == b.has_value() && (!a || (a->number == b->number && a->hash == b->hash));
  };
  if (!same(stored, previous))
    return make_error(ErrorKind::changed_concurrently,
                      "catalogue index " + database.name + " was updated by another process meanwhile");
  if (!events.empty()) {
    MLCHAIN_TRY(const auto first, read_meta(database, "first_log_block"));
    // Kept by hash too: a rebuild starts there while that block is still on the chain.
    if (!first)
      MLCHAIN_TRY_STATUS(write_position(database, "first_log_block", "first_log_hash",
                                        {events.front().block, events.front().block_hash}));
  }
  for (const auto& event : events) MLCHAIN_TRY_STATUS(apply_one(database, event));
  MLCHAIN_TRY_STATUS(write_position(database, "last_block", "last_hash", last));
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  MLCHAIN_TRY_STATUS(write_meta(database, "updated_at", std::to_string(now)));
  return transaction.commit();
}

Status CatalogueIndex::clear() {
  auto& database = *database_;
  Transaction transaction(database);
  MLCHAIN_TRY_STATUS(transaction.begin());
  // The stage facts were followed on the chain that reorganised: they are read again with the listings.
  MLCHAIN_TRY_STATUS(
      database.execute("DELETE FROM events; DELETE FROM listings; DELETE FROM governance; DELETE FROM stages;"));
  for (const char* key :
       {"last_block", "last_hash", "first_log_block", "first_log_hash", "stages_block", "stages_hash"})
    MLCHAIN_TRY_STATUS(delete_meta(database, key));
  return transaction.commit();
}

Result<std::vector<IndexedListing>> CatalogueIndex::search(const SearchQuery& query) {
  auto& database = *database_;
  // instr over lower(): ASCII case folding, and no pattern characters to escape in the user's text.
  Statement statement(
      database.handle,
      "SELECT l.name, l.repo, l.owner, l.listed, l.card, l.license, l.tags, l.private, l.price, l.duration, "
      "l.splits, l.purchases, l.published_at, l.updated_at, c.text FROM listings l LEFT JOIN cards c ON c.cid = l.card "
      "WHERE (?1 OR l.listed = 1) AND (?2 = '' OR instr(lower(l.name), ?2) > 0 OR instr(lower(l.tags_text), ?2) > 0 "
      "OR instr(lower(coalesce(c.text, '')), ?2) > 0) AND (?3 IS NULL OR lower(l.license) = ?3) AND (?4 IS NULL OR "
      "EXISTS (SELECT 1 FROM stages s WHERE s.repo = l.repo AND s.stage = ?4)) ORDER BY l.name");
  if (!statement.prepared()) return database.failure("cannot search it");
  std::string text = query.text;
  for (auto& character : text) character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  statement.bind(1, std::int64_t{query.include_unlisted ? 1 : 0}).bind(2, text);
  if (query.license) {
    std::string license = *query.license;
    for (auto& character : license) character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
    statement.bind(3, license);
  } else {
    statement.bind_null(3);
  }
  if (query.stage)
    statement.bind(4, *query.stage);
  else
    statement.bind_null(4);
  MLCHAIN_TRY(const auto stages, stages_by_repo(database));
  std::vector<IndexedListing> found;
  for (;;) {
    const int code = statement.step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return database.failure("cannot search it");
    MLCHAIN_TRY(auto listing, listing_of_row(database, statement));
    if (const auto held = stages.find(listing.listing.repo); held != stages.end()) listing.stages = held->second;
    found.push_back(std::move(listing));
  }
  return found;
}

Result<std::vector<EventRecord>> CatalogueIndex::history(std::string_view name) {
  auto& database = *database_;
  Statement statement(database.handle,
                      "SELECT block, log_index, tx, kind, name, fields FROM events WHERE name = ?1 "
                      "ORDER BY block, log_index");
  if (!statement.prepared()) return database.failure("cannot read its events");
  statement.bind(1, name);
  std::vector<EventRecord> events;
  for (;;) {
    const int code = statement.step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return database.failure("cannot read its events");
    EventRecord record;
    record.block = static_cast<std::uint64_t>(statement.integer(0));
    record.log_index = static_cast<std::uint64_t>(statement.integer(1));
    auto transaction = codec::from_0x_hex(statement.text(2));
    if (!transaction || transaction->size() != record.transaction.size())
      return damaged(database, "an event's transaction is not a hash");
    std::copy(transaction->begin(), transaction->end(), record.transaction.begin());
    record.kind = statement.text(3);
    record.name = statement.text(4);
    record.fields = statement.text(5);
    events.push_back(std::move(record));
  }
  return events;
}

Result<std::vector<std::string>> CatalogueIndex::listed_repositories() {
  return first_column(*database_, "SELECT DISTINCT repo FROM listings WHERE listed = 1 ORDER BY repo",
                      "cannot list its repositories");
}

Status CatalogueIndex::store_stages(std::span<const RepositoryStages> repositories) {
  auto& database = *database_;
  Transaction transaction(database);
  MLCHAIN_TRY_STATUS(transaction.begin());
  for (const auto& repository : repositories) {
    const std::string what = "cannot store the stages of " + repository.repo;
    Statement remove(database.handle, "DELETE FROM stages WHERE repo = ?1");
    remove.bind(1, repository.repo);
    MLCHAIN_TRY_STATUS(run(database, remove, what));
    for (const auto& facts : repository.stages) {
      Statement insert(database.handle,
                       "INSERT INTO stages (repo, stage, commit_cid, since_block, evaluators, metrics) VALUES "
                       "(?1, ?2, ?3, ?4, ?5, ?6)");
      insert.bind(1, repository.repo)
          .bind(2, facts.stage)
          .bind(3, facts.commit.to_string())
          .bind(4, signed_of(facts.since_block))
          .bind(5, static_cast<std::int64_t>(facts.reputation.evaluators))
          .bind(6, stored_json(reputation_json(facts.reputation)));
      MLCHAIN_TRY_STATUS(run(database, insert, what));
    }
    Statement followed(database.handle,
                       "INSERT OR REPLACE INTO governance (repo, repo_id, address) VALUES (?1, ?2, ?3)");
    followed.bind(1, repository.repo)
        .bind(2, hash_text(eth::registry::repository_id(repository.repo)))
        .bind(3, repository.governance ? "0x" + lowercase_hex(*repository.governance) : std::string());
    MLCHAIN_TRY_STATUS(run(database, followed, what));
  }
  return transaction.commit();
}

Result<std::vector<std::string>> CatalogueIndex::repositories_without_stages() {
  return first_column(*database_,
                      "SELECT DISTINCT l.repo FROM listings l WHERE l.listed = 1 AND NOT EXISTS "
                      "(SELECT 1 FROM governance g WHERE g.repo = l.repo) ORDER BY l.repo",
                      "cannot list its repositories");
}

namespace {
Result<std::optional<codec::Address>> governance_of_text(CatalogueIndex::Database& database, const std::string& repo,
                                                         const std::string& text) {
  if (text.empty()) return std::optional<codec::Address>{};
  auto parsed = codec::parse_address(text);
  if (!parsed) return damaged(database, "the governance of " + repo + " is not an address");
  return std::optional<codec::Address>{*parsed};
}
}  // namespace

Result<std::vector<codec::Address>> CatalogueIndex::followed_governances() {
  auto& database = *database_;
  MLCHAIN_TRY(const auto texts,
              first_column(database, "SELECT DISTINCT address FROM governance WHERE address != '' ORDER BY address",
                           "cannot read its governances"));
  std::vector<codec::Address> governances;
  for (const auto& text : texts) {
    MLCHAIN_TRY(const auto address, governance_of_text(database, "a repository", text));
    governances.push_back(*address);
  }
  return governances;
}

Result<std::optional<FollowedRepository>> CatalogueIndex::followed(const eth::Hash& repo_id) {
  auto& database = *database_;
  Statement statement(database.handle, "SELECT repo, address FROM governance WHERE repo_id = ?1");
  if (!statement.prepared()) return database.failure("cannot read its governances");
  statement.bind(1, hash_text(repo_id));
  const int code = statement.step();
  if (code == SQLITE_DONE) return std::optional<FollowedRepository>{};
  if (code != SQLITE_ROW) return database.failure("cannot read its governances");
  FollowedRepository repository{statement.text(0), std::nullopt};
  MLCHAIN_TRY(repository.governance, governance_of_text(database, repository.repo, statement.text(1)));
  return std::optional<FollowedRepository>{std::move(repository)};
}

Result<std::optional<BlockPosition>> CatalogueIndex::stages_scanned() {
  return read_position(*database_, "stages_block", "stages_hash");
}

Status CatalogueIndex::record_stages_scanned(const BlockPosition& position) {
  auto& database = *database_;
  Transaction transaction(database);
  MLCHAIN_TRY_STATUS(transaction.begin());
  MLCHAIN_TRY_STATUS(database.execute(
      "DELETE FROM stages WHERE NOT EXISTS (SELECT 1 FROM listings l WHERE l.repo = stages.repo AND l.listed = 1); "
      "DELETE FROM governance WHERE NOT EXISTS "
      "(SELECT 1 FROM listings l WHERE l.repo = governance.repo AND l.listed = 1);"));
  MLCHAIN_TRY_STATUS(write_position(database, "stages_block", "stages_hash", position));
  return transaction.commit();
}

Result<std::vector<codec::Cid>> CatalogueIndex::cards_wanted() {
  auto& database = *database_;
  MLCHAIN_TRY(const auto texts,
              first_column(database,
                           "SELECT DISTINCT l.card FROM listings l WHERE l.card NOT LIKE '0x%' AND NOT EXISTS "
                           "(SELECT 1 FROM cards c WHERE c.cid = l.card) ORDER BY l.card",
                           "cannot list its cards"));
  std::vector<codec::Cid> cards;
  for (const auto& text : texts) {
    auto cid = codec::Cid::parse(text);
    if (!cid) return damaged(database, "a card is not a CID");
    cards.push_back(*cid);
  }
  return cards;
}

Status CatalogueIndex::store_card(const CardText& card) {
  auto& database = *database_;
  Statement statement(database.handle, "INSERT OR REPLACE INTO cards (cid, text) VALUES (?1, ?2)");
  statement.bind(1, card.cid.to_string());
  if (card.text)
    statement.bind(2, *card.text);
  else
    statement.bind_null(2);
  return run(database, statement, "cannot store the card " + card.cid.to_string());
}

}  // namespace mlchain::catalogue
