#pragma once
// Fetching by CID: `mlchain fetch REMOTE CID` completes a commit's history in an existing
// repository, and `mlchain clone CID DIR` makes a new one from it. Every block is re-hashed, every
// commit's signature must recover to its author (bad_signature naming the commit otherwise), and
// every file's contents must re-import to its CID before they are stored. Until the chain names
// remote branches, a fetched head is recorded as refs/remotes/<remote>/<commit CID>.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/ipfs/node.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

// Where to read from: a Kubo RPC API, or a trustless gateway (read only).
struct NodeAddress {
  std::optional<std::string> ipfs;
  std::optional<std::string> gateway;
};
// Checks the URL (invalid_argument error) and makes the client; `ipfs` wins when both are given.
Result<std::unique_ptr<ipfs::Node>> open_node(const NodeAddress& address);

struct FetchOutcome {
  codec::Cid head;
  std::vector<codec::Cid> commits;      // of the history, now complete locally
  std::vector<codec::Cid> cut_parents;  // beyond --depth
  std::uint64_t blocks = 0;             // commit and tree blocks received
  std::uint64_t files = 0;              // file contents received
  std::uint64_t file_bytes = 0;
  // Of file_bytes: leaves shared with files stored here (same CID), read from them instead of the node.
  std::uint64_t file_bytes_local = 0;
};

using FetchProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// A private model's contents as one reader may open them (privacy/grants.hpp; docs/format.md §8): the node
// holds only ciphertext, so each file is read through this, and a commit whose files it cannot all open
// is where the history this reader receives stops.
class SealedContents {
 public:
  virtual ~SealedContents() = default;
  virtual bool opens(const codec::Cid& file) const = 0;
  // The plaintext of `file` in order, checked by the caller against the CID like any other contents.
  virtual Status read_file(ipfs::Node& node, const codec::Cid& file,
                           const std::function<Status(ByteView)>& on_bytes) = 0;
  // access_denied naming the repository, the reader's address and `commit`, for a head it cannot open.
  virtual Error denied(const codec::Cid& commit) const = 0;
};

// not_found "… not found on <URL>" when the node says it does not hold the head.
// With `sealed`, file contents are opened through it, and the history stops (cut_parents) at the first
// commits it cannot open; a head it cannot open is its denied() error, with nothing stored.
Result<FetchOutcome> fetch_history(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head,
                                   std::optional<std::uint64_t> depth, const FetchProgress& progress = {},
                                   SealedContents* sealed = nullptr);

struct CloneRequest {
  codec::Cid head;
  std::filesystem::path directory;  // must not exist, or be empty
  NodeAddress address;
  std::optional<std::uint64_t> depth;
  SealedContents* sealed = nullptr;  // a private model's (fetch_history)
};

struct CloneOutcome {
  FetchOutcome fetched;
  std::filesystem::path work_tree;
  std::uint64_t files_written = 0;
};

// init → fetch → branch main at the head → checkout → remote "origin" with the URL. On any failure the
// directory it created is removed again, so a failed clone leaves nothing behind.
Result<CloneOutcome> clone(const CloneRequest& request, const FetchProgress& progress = {});
// The same, reading from `node`; `request.address` is what remote origin records.
Result<CloneOutcome> clone(const CloneRequest& request, ipfs::Node& node, const FetchProgress& progress = {});

}  // namespace mlchain::remote
