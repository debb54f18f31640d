#pragma once
// The transaction journal (docs/format.md, `.mlchain/journal/`): every signed transaction is written here,
// atomically, BEFORE it is first broadcast, and removed once it (or a replacement at its nonce) is
// confirmed. A push killed at any moment therefore finds its transaction on the next run and finishes
// it — re-broadcasting the same raw bytes, looking up its receipt — instead of signing a second one.
//
// One file per signed transaction, "<tx hash, 64 lowercase hex digits>.json" (docs/format.md has the
// fields). A speed-up is a second file at the same nonce that names the first in "replaces"; whichever of
// the two is mined settles both.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/codec/transaction.hpp"
#include "mlchain/result.hpp"

namespace mlchain::chain {

enum class Purpose { deploy, push, grant, revoke, governance, catalogue, access, signer };
std::string_view purpose_name(Purpose purpose);

enum class JournalState {
  signed_only,  // "signed": written, maybe broadcast (a lost response looks the same), never confirmed
  sent,         // "sent": a node accepted it (or already knew it)
};

struct JournalEntry {
  Purpose purpose = Purpose::push;
  std::string remote;  // the remote's name; empty for a deploy (and a catalogue one outside a repository)
  std::string rpc;     // the RPC URL without credentials (a deploy has no remote to name it)
  std::string repo;    // push, grant, revoke
  std::string branch;  // push
  std::optional<codec::Cid> old_head;    // push: what the branch held on chain (nothing: a new branch)
  std::optional<codec::Cid> new_head;    // push
  std::optional<codec::Address> writer;  // grant, revoke; signer: the signer added or removed
  std::string action;                    // governance: "deploy-eas", "submit", …; catalogue: "publish", "buy", …;
                                         // access: "publish-key", "grant-access", …; signer: "add", "remove"
  codec::Address from;                   // the signer
  Bytes raw;                             // the signed transaction as broadcast
  codec::Transaction transaction;        // `raw` decoded (the journal checks they agree)
  std::optional<codec::Keccak256Digest> replaces;  // a speed-up: the transaction it replaces
  JournalState state = JournalState::signed_only;
  std::int64_t created = 0;  // seconds since the epoch

  codec::Keccak256Digest hash() const { return codec::keccak256(raw); }
};

struct JournalProblem {
  std::filesystem::path file;
  std::string detail;  // one line
};

struct JournalScan {
  std::vector<JournalEntry> entries;  // oldest first
  std::vector<JournalProblem> problems;
};

class Journal {
 public:
  explicit Journal(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  // Writes (or rewrites, e.g. signed → sent) the entry's file atomically; creates the directory.
  Status record(const JournalEntry& entry);

  // Every entry, oldest first. A malformed file fails the whole listing (corrupt naming it):
  // a transaction the journal cannot read must not be forgotten by a push that then signs a second one.
  Result<std::vector<JournalEntry>> entries() const;
  // Every entry that reads, and each file that does not, on its own (for fsck).
  Result<JournalScan> scan() const;

  // Removes the entry's file; one that is already gone is fine.
  Status remove(const codec::Keccak256Digest& hash);

  std::filesystem::path path_of(const codec::Keccak256Digest& hash) const;

 private:
  std::filesystem::path dir_;
};

// The file's bytes and back: strict (every field present and of its type, no unknown field, the hash is
// keccak-256 of the raw bytes, the readable nonce/chain id/fees equal the decoded transaction's).
Bytes encode_journal_entry(const JournalEntry& entry);
Result<JournalEntry> decode_journal_entry(ByteView file);

// The commits a journal names (old and new heads), so gc keeps them while their transaction is open.
std::vector<codec::Cid> journal_commits(const std::vector<JournalEntry>& entries);

}  // namespace mlchain::chain
