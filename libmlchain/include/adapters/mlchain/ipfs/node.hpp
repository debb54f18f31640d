#pragma once
// What push, clone, fetch and verify need from IPFS (docs/format.md), so the repository logic is the same
// whether it talks to a Kubo RPC API (ipfs/kubo_client.hpp: reads and writes) or a plain trustless
// gateway (ipfs/gateway_client.hpp: reads only). Every byte a Node returns has been re-hashed against
// the CID it was asked for: a node that answers with other bytes is ErrorKind::corrupt
// naming the CID and the URL. A node that cannot be reached or answers with an HTTP error is
// ErrorKind::remote_unavailable, one that does not answer in time ErrorKind::timeout, naming the URL.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/cid.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::ipfs {

// Bytes moved so far, for progress bars: called from the calling thread, often; cheap.
using ProgressCallback = std::function<void(std::uint64_t bytes)>;
// One verified block: its CID and bytes (valid only during the call).
using BlockCallback = std::function<Status(const codec::Cid& cid, ByteView block)>;
// Fills the buffer with the next bytes of a stream (a CAR being written); 0 at its end.
using ByteSource = std::function<Result<std::size_t>(std::span<std::uint8_t> buffer)>;

// The check every Node makes before handing a block on: `block` must hash to `cid`, else
// ErrorKind::corrupt "block <cid> from <source> does not hash to its CID". `source` names the
// node for the message, e.g. "IPFS node http://127.0.0.1:5001".
Status check_block(const codec::Cid& cid, ByteView block, std::string_view source);

class Node {
 public:
  virtual ~Node() = default;

  // The base URL, for messages.
  virtual const std::string& url() const = 0;
  virtual bool writable() const = 0;

  // Whether the node holds the block locally (Kubo: block/stat with offline semantics, so it never
  // searches the network; a gateway: not supported → unsupported error).
  virtual Result<bool> has_block(const codec::Cid& cid) = 0;

  // has_block for each of `cids`, in order. A node may ask several at once: planning a push asks for
  // every block of a history, and a node that only answers "absent" at a timeout would make that wait
  // once per new block.
  virtual Result<std::vector<bool>> has_blocks(const std::vector<codec::Cid>& cids) {
    std::vector<bool> held;
    held.reserve(cids.size());
    for (const auto& cid : cids) {
      MLCHAIN_TRY(const bool one, has_block(cid));
      held.push_back(one);
    }
    return held;
  }

  // The block's bytes, re-hashed against `cid`.
  virtual Result<Bytes> get_block(const codec::Cid& cid) = 0;

  // A whole file's contents (by its root CID), streamed in order to `on_bytes`, never all in memory.
  // The stream is checked as it arrives (each block re-hashed, or the contents re-imported under
  // `profile` and the root compared): the caller learns of a mismatch as an error before or at the end,
  // so it must write to a temporary place and rename only on success.
  virtual Status read_file(const codec::Cid& root, const unixfs::Profile& profile,
                           const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress = {}) = 0;
  // The same stream without the node-side check, for a caller that re-imports every byte itself against
  // `root` (remote::VerifiedContentWriter) and would otherwise hash the contents twice. By default read_file.
  virtual Status stream_file(const codec::Cid& root, const unixfs::Profile& profile,
                             const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress = {}) {
    return read_file(root, profile, on_bytes, progress);
  }

  // Every block of the DAG under `root` in one stream (Kubo: dag/export; gateway: ?format=car), each
  // re-hashed against its CID before `on_block` sees it, in the order the node sends them (a CAR names
  // each block once). A CAR whose roots are not exactly [root] is corrupt. The node decides
  // what the DAG holds: the caller walks what it received to know it has all it needs.
  virtual Status read_dag(const codec::Cid& root, const BlockCallback& on_block,
                          const ProgressCallback& progress = {}) = 0;

  // Writes (Kubo only; a gateway: unsupported error "… is a read-only gateway").
  // Stores one dag-pb or dag-cbor block; the CID the node reports must equal `cid`.
  virtual Status put_block(const codec::Cid& cid, ByteView block) = 0;
  // Uploads a file, streamed from disk, under `profile` (cid-version, raw-leaves, chunker); returns the
  // CID the node computed, which the caller compares with its own.
  virtual Result<codec::Cid> add_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                                      const ProgressCallback& progress = {}) = 0;
  // Uploads a CARv1 (Kubo: dag/import, streamed from `car`, nothing pinned); the node checks and stores
  // every block in it.
  virtual Status import_car(const ByteSource& car, const ProgressCallback& progress = {}) = 0;
  // Pins `root` recursively (the node must hold every block below it).
  virtual Status pin(const codec::Cid& root) = 0;
  // Pins each block by itself, not what it links (Kubo: pin/add recursive=false): a private model's
  // commits and directories, whose files the node holds only as ciphertext (docs/format.md §8).
  virtual Status pin_blocks(const std::vector<codec::Cid>& blocks) = 0;
  // Whether the node holds every block under `root` (Kubo: refs recursive, offline), checked before a
  // push trusts that blocks it left out are there: a node that answers "absent" only at a timeout is
  // given `blocks` (how many distinct blocks the DAG holds) times a few milliseconds on top of a base to walk
  // them. false, not an error, when a block is missing or the node's walk lists fewer than `blocks` (an
  // empty answer proves nothing); a node that cannot tell: unsupported.
  virtual Result<bool> holds_dag(const codec::Cid& root, std::uint64_t blocks) {
    (void)blocks;
    return make_error(ErrorKind::unsupported,
                      url() + " cannot say whether it holds every block under " + root.to_string());
  }
  // Drops the pin of `root`, recursive or direct; a root that is not pinned is no error (`mlchain shred`
  // runs again after an interruption). The node may keep the blocks until its own garbage collection.
  virtual Status unpin(const codec::Cid& root) = 0;
};

}  // namespace mlchain::ipfs
