#include "mlchain/chain/journal.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/transaction_sender.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/file_reader.hpp"

namespace mlchain::chain {
namespace {

using nlohmann::json;
namespace stdfs = std::filesystem;

constexpr int format_version = 1;
constexpr std::size_t max_entry_bytes = 1024 * 1024;  // a registry deploy is the largest: ~10 kB of init code
constexpr std::string_view file_suffix = ".json";

Error malformed(const std::string& what) { return make_error(ErrorKind::corrupt, what); }

std::string_view state_name(JournalState state) { return state == JournalState::sent ? "sent" : "signed"; }

std::optional<Purpose> purpose_from(std::string_view name) {
  for (const Purpose purpose : {Purpose::deploy, Purpose::push, Purpose::grant, Purpose::revoke, Purpose::governance,
                                Purpose::catalogue, Purpose::access, Purpose::signer})
    if (purpose_name(purpose) == name) return purpose;
  return std::nullopt;
}

json optional_cid(const std::optional<codec::Cid>& cid) { return cid ? json(cid->to_string()) : json(nullptr); }

// The document for an entry. Decoding rebuilds this from what it read and requires equality, so every
// readable field is checked against the raw transaction and nothing unknown slips through.
json document_of(const JournalEntry& entry) {
  const auto& tx = entry.transaction;
  json document = {
      {"version", format_version},
      {"purpose", purpose_name(entry.purpose)},
      {"rpc", entry.rpc},
      {"from", codec::to_checksum_address(entry.from)},
      {"to", tx.to ? json(codec::to_checksum_address(*tx.to)) : json(nullptr)},
      {"chain_id", tx.chain_id},
      {"nonce", tx.nonce},
      {"type", static_cast<int>(tx.type)},
      {"gas_limit", tx.gas_limit},
      {"raw", codec::to_0x_hex(entry.raw)},
      {"hash", codec::to_0x_hex(entry.hash())},
      {"state", state_name(entry.state)},
      {"created", entry.created},
  };
  if (tx.type == codec::TransactionType::eip1559) {
    document["max_fee_per_gas"] = tx.max_fee_per_gas.to_decimal();
    document["max_priority_fee_per_gas"] = tx.max_priority_fee_per_gas.to_decimal();
  } else {
    document["gas_price"] = tx.gas_price.to_decimal();
  }
  if (entry.purpose != Purpose::deploy) {
    document["remote"] = entry.remote;
    document["repo"] = entry.repo;
  }
  if (entry.purpose == Purpose::push) {
    document["branch"] = entry.branch;
    document["old_head"] = optional_cid(entry.old_head);
    document["new_head"] = optional_cid(entry.new_head);
  }
  if ((entry.purpose == Purpose::grant || entry.purpose == Purpose::revoke) && entry.writer)
    document["writer"] = codec::to_checksum_address(*entry.writer);
  if (entry.purpose == Purpose::signer && entry.writer) document["signer"] = codec::to_checksum_address(*entry.writer);
  if (entry.purpose == Purpose::governance || entry.purpose == Purpose::catalogue || entry.purpose == Purpose::access ||
      entry.purpose == Purpose::signer)
    document["action"] = entry.action;
  if (entry.replaces) document["replaces"] = codec::to_0x_hex(*entry.replaces);
  return document;
}

Result<std::string> text_field(const json& document, const char* name) {
  const auto found = document.find(name);
  if (found == document.end() || !found->is_string())
    return malformed(std::string("\"") + name + "\" is missing or not a string");
  return found->get<std::string>();
}

Result<std::optional<codec::Cid>> cid_field(const json& document, const char* name) {
  const auto found = document.find(name);
  if (found == document.end() || found->is_null()) return std::optional<codec::Cid>{};
  if (!found->is_string()) return malformed(std::string("\"") + name + "\" is not a CID");
  auto cid = codec::Cid::parse(found->get<std::string>());
  if (!cid) return malformed(std::string("\"") + name + "\": " + cid.error().message);
  return std::optional<codec::Cid>(*cid);
}

Result<codec::Address> address_field(const json& document, const char* name) {
  MLCHAIN_TRY(std::string text, text_field(document, name));
  auto address = codec::parse_address(text);
  if (!address) return malformed(std::string("\"") + name + "\": " + address.error().message);
  return *address;
}

Result<codec::Keccak256Digest> digest_field(const json& document, const char* name) {
  MLCHAIN_TRY(std::string text, text_field(document, name));
  auto bytes = codec::from_0x_hex(text);
  if (!bytes || bytes->size() != 32) return malformed(std::string("\"") + name + "\" is not a 32-byte 0x hash");
  codec::Keccak256Digest digest{};
  std::copy(bytes->begin(), bytes->end(), digest.begin());
  return digest;
}

// The first top-level field where two documents differ, for the error message.
std::string first_difference(const json& expected, const json& actual) {
  for (const auto& [key, value] : actual.items())
    if (!expected.contains(key)) return "unknown field \"" + key + "\"";
  for (const auto& [key, value] : expected.items()) {
    if (!actual.contains(key)) return "missing field \"" + key + "\"";
    if (actual[key] != value) return "\"" + key + "\" disagrees with the signed transaction (" + value.dump() + ")";
  }
  return "fields disagree";
}

bool is_entry_file(const stdfs::path& path) {
  const std::string name = path.filename().string();
  return name.size() == 64 + file_suffix.size() && name.ends_with(file_suffix) && name.front() != '.';
}

}  // namespace

std::string_view purpose_name(Purpose purpose) {
  switch (purpose) {
    case Purpose::deploy:
      return "deploy";
    case Purpose::push:
      return "push";
    case Purpose::grant:
      return "grant";
    case Purpose::revoke:
      return "revoke";
    case Purpose::governance:
      return "governance";
    case Purpose::catalogue:
      return "catalogue";
    case Purpose::access:
      return "access";
    case Purpose::signer:
      return "signer";
  }
  return "push";
}

Bytes encode_journal_entry(const JournalEntry& entry) {
  const std::string text = document_of(entry).dump(2) + "\n";
  return Bytes(text.begin(), text.end());
}

Result<JournalEntry> decode_journal_entry(ByteView file) {
  if (file.size() > max_entry_bytes) return malformed("larger than any transaction mlchain writes");
  const json document = json::parse(file.begin(), file.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) return malformed("not a JSON object");
  const auto version = document.find("version");
  if (version == document.end() || *version != format_version)
    return malformed("unknown journal format version (this mlchain reads version 1)");

  JournalEntry entry;
  MLCHAIN_TRY(std::string purpose, text_field(document, "purpose"));
  const auto known = purpose_from(purpose);
  if (!known) return malformed("unknown purpose \"" + purpose + "\"");
  entry.purpose = *known;
  MLCHAIN_TRY(entry.rpc, text_field(document, "rpc"));
  MLCHAIN_TRY(entry.from, address_field(document, "from"));
  MLCHAIN_TRY(std::string raw_hex, text_field(document, "raw"));
  auto raw = codec::from_0x_hex(raw_hex);
  if (!raw) return malformed("\"raw\" is not 0x hex");
  entry.raw = std::move(raw).value();
  auto decoded = codec::decode_transaction(entry.raw);
  if (!decoded) return malformed("\"raw\" is not a signed transaction: " + decoded.error().message);
  entry.transaction = decoded->transaction;
  auto sender = eth::recover_sender(*decoded);
  if (!sender || *sender != entry.from) return malformed("\"raw\" is not signed by \"from\"");
  MLCHAIN_TRY(std::string state, text_field(document, "state"));
  if (state == "sent")
    entry.state = JournalState::sent;
  else if (state != "signed")
    return malformed("unknown state \"" + state + "\"");
  const auto created = document.find("created");
  if (created == document.end() || !created->is_number_integer()) return malformed("\"created\" is not a time");
  entry.created = created->get<std::int64_t>();
  if (document.contains("replaces")) {
    MLCHAIN_TRY(auto replaces, digest_field(document, "replaces"));
    entry.replaces = replaces;
  }
  if (entry.purpose != Purpose::deploy) {
    MLCHAIN_TRY(entry.remote, text_field(document, "remote"));
    MLCHAIN_TRY(entry.repo, text_field(document, "repo"));
  }
  if (entry.purpose == Purpose::push) {
    MLCHAIN_TRY(entry.branch, text_field(document, "branch"));
    MLCHAIN_TRY(entry.old_head, cid_field(document, "old_head"));
    MLCHAIN_TRY(entry.new_head, cid_field(document, "new_head"));
    if (!entry.new_head) return malformed("a push names no \"new_head\"");
  }
  if (entry.purpose == Purpose::grant || entry.purpose == Purpose::revoke) {
    MLCHAIN_TRY(auto writer, address_field(document, "writer"));
    entry.writer = writer;
  }
  if (entry.purpose == Purpose::signer) {
    MLCHAIN_TRY(auto signer, address_field(document, "signer"));
    entry.writer = signer;
  }
  if (entry.purpose == Purpose::governance || entry.purpose == Purpose::catalogue || entry.purpose == Purpose::access ||
      entry.purpose == Purpose::signer) {
    MLCHAIN_TRY(entry.action, text_field(document, "action"));
  }
  const json rebuilt = document_of(entry);
  if (rebuilt != document) return malformed(first_difference(rebuilt, document));
  return entry;
}

std::vector<codec::Cid> journal_commits(const std::vector<JournalEntry>& entries) {
  std::vector<codec::Cid> commits;
  for (const auto& entry : entries)
    for (const auto& head : {entry.old_head, entry.new_head})
      if (head && std::find(commits.begin(), commits.end(), *head) == commits.end()) commits.push_back(*head);
  return commits;
}

std::filesystem::path Journal::path_of(const codec::Keccak256Digest& hash) const {
  return dir_ / (codec::to_hex(hash) + std::string(file_suffix));
}

Status Journal::record(const JournalEntry& entry) {
  std::error_code error;
  if (stdfs::create_directories(dir_, error)) MLCHAIN_TRY_STATUS(fs::sync_directory(dir_.parent_path()));
  if (error) return make_error(ErrorKind::internal, "cannot create " + dir_.string() + ": " + error.message());
  return fs::write_file_atomically(path_of(entry.hash()), encode_journal_entry(entry), {0600, fs::IfExists::replace});
}

Result<JournalScan> Journal::scan() const {
  JournalScan scan;
  std::error_code error;
  if (!stdfs::exists(dir_, error)) return scan;
  std::vector<stdfs::path> files;
  for (stdfs::directory_iterator walk(dir_, error), end; !error && walk != end; walk.increment(error))
    if (is_entry_file(walk->path())) files.push_back(walk->path());
  if (error) return make_error(ErrorKind::internal, "cannot list " + dir_.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto contents = fs::read_whole_file(file, max_entry_bytes, ErrorKind::corrupt);
    if (!contents) {
      scan.problems.push_back({file, contents.error().message});
      continue;
    }
    auto entry = decode_journal_entry(*contents);
    if (!entry) {
      scan.problems.push_back({file, entry.error().message});
      continue;
    }
    if (file.filename() != path_of(entry->hash()).filename()) {
      scan.problems.push_back({file, "its name is not the hash of the transaction it holds"});
      continue;
    }
    scan.entries.push_back(std::move(entry).value());
  }
  std::stable_sort(scan.entries.begin(), scan.entries.end(),
                   [](const JournalEntry& a, const JournalEntry& b) { return a.created < b.created; });
  return scan;
}

Result<std::vector<JournalEntry>> Journal::entries() const {
  MLCHAIN_TRY(auto scan, this->scan());
  if (!scan.problems.empty())
    return make_error(ErrorKind::corrupt, "journal entry " + scan.problems.front().file.string() +
                                              " is malformed: " + scan.problems.front().detail +
                                              " (run 'mlchain fsck'; move it away only once its "
                                              "transaction is known to be settled)");
  return std::move(scan.entries);
}

Status Journal::remove(const codec::Keccak256Digest& hash) {
  std::error_code error;
  stdfs::remove(path_of(hash), error);
  if (error) return make_error(ErrorKind::internal, "cannot remove " + path_of(hash).string() + ": " + error.message());
  return fs::sync_directory(dir_);
}

}  // namespace mlchain::chain
