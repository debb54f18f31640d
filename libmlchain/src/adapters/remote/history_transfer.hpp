#pragma once
// What clone, fetch and CAR import share: completing a commit's history in the repository from a source
// of blocks (an IPFS node, a CAR's blocks) — the commits and their signatures, every tree block, then the
// contents of every file not stored yet, each re-hashed before it is kept (files through
// VerifiedContentWriter, so only contents that re-import to their CID reach the store).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/object_store.hpp"
#include "mlchain/repo/prestaged_file.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

class BlockSource {
 public:
  virtual ~BlockSource() = default;
  // For messages: "from http://127.0.0.1:5001", "in model.car".
  virtual std::string where() const = 0;
  // The block, checked against `cid` by the caller as well; not_found when the source lacks it.
  virtual Result<Bytes> get(const codec::Cid& cid) = 0;
  // A whole file's contents in order, possibly unchecked: the caller re-imports them against `root`.
  virtual Status read_file(const codec::Cid& root, const unixfs::Profile& profile,
                           const std::function<Status(ByteView)>& on_bytes) = 0;
  // Whether a file's blocks are its contents (get() of its leaves gives its bytes), so a file can be
  // assembled from leaves stored here and leaves from the source: not so for sealed contents.
  virtual bool blocks_are_contents() const { return true; }
};

// Reads through to `local`, and takes what it lacks from `source`: re-hashed, then kept in `local` (which
// drops file leaves) unless `keep` is false (a look that must leave nothing behind). contains() answers for
// `local` only, so tree walks never pull file leaves.
class SourcedObjects final : public core::ObjectStore {
 public:
  SourcedObjects(core::ObjectStore& local, BlockSource& source, bool keep = true)
      : local_(local), source_(source), keep_(keep) {}
  Status put(const codec::Cid& cid, ByteView block) override { return local_.put(cid, block); }
  Result<Bytes> get(const codec::Cid& cid) override;
  Result<bool> contains(const codec::Cid& cid) override { return local_.contains(cid); }

  std::uint64_t blocks_received() const { return blocks_; }
  std::uint64_t bytes_received() const { return bytes_; }

 private:
  core::ObjectStore& local_;
  BlockSource& source_;
  bool keep_;
  std::uint64_t blocks_ = 0;
  std::uint64_t bytes_ = 0;
};

struct HistoryTransfer {
  std::vector<codec::Cid> commits;      // every commit of the history that is now complete, head first
  std::vector<codec::Cid> cut_parents;  // parents beyond `depth`, or (when allowed) not in the source
  std::uint64_t blocks = 0;             // blocks received (commits, tree blocks)
  std::uint64_t block_bytes = 0;
  std::uint64_t files = 0;  // file contents received
  std::uint64_t file_bytes = 0;
  // Of file_bytes: bytes of leaves the local store held already (same leaf CID), read from it, not received.
  std::uint64_t file_bytes_local = 0;
  repo::PrestagedFiles prestaged;  // with TransferOptions::prestage_head_files
};

struct TransferOptions {
  std::optional<std::uint64_t> depth;    // generations, the head being 1
  bool missing_parents_are_cut = false;  // a CAR may end anywhere; a node must hold what it announces
  // (bytes of file contents so far, bytes of file contents to receive in all)
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // A private model's: whether a file's contents can be opened. A commit with a file that cannot is cut
  // (its blocks are public, its contents not this reader's); the head is `denied`'s error, with nothing stored.
  std::function<bool(const codec::Cid& file)> opens;
  std::function<Error(const codec::Cid& commit)> denied;
  // Clone's: the head's files of a chunk or more are also written into the work tree as they arrive
  // (repo/prestaged_file.hpp), for checkout to rename into place.
  bool prestage_head_files = false;
};

// Files of several blocks that share leaves with the local store (a leaf block in objects/ under the same
// CID) take those from it (each re-hashed against its CID; one that does not match is received instead)
// and receive the others block by block; every other file is read whole from the source. Either way the contents are
// re-imported and compared with the root before they are kept. A commit whose signature does not recover to its author
// is bad_signature naming it: nothing of a forged history is made reachable (its blocks may stay in the store until
// gc).
Result<HistoryTransfer> complete_history(repo::Repository& repository, BlockSource& source, const codec::Cid& head,
                                         const TransferOptions& options);

}  // namespace mlchain::remote
