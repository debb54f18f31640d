#pragma once
// Builds the DAG of one file from its chunks, in order: leaves under the profile's leaf format, then a
// balanced tree of dag-pb UnixFS File nodes with at most max_links_per_node links each.

#include <memory>
#include <span>

#include "mlchain/unixfs/block_sink.hpp"
#include "mlchain/unixfs/imported_node.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::unixfs {

// One chunk turned into its leaf block (raw bytes, or a dag-pb UnixFS File leaf for unixfs-v0-2015).
// Pure and thread-safe: importers call it on several chunks at once.
struct Leaf {
  codec::Cid cid;
  Bytes block;
  std::uint64_t content_size;
};
Leaf make_leaf(const Profile& profile, ByteView chunk);

// A leaf whose block lives in someone else's memory (a LeafBuffer), valid while that memory is.
struct LeafView {
  codec::Cid cid;
  ByteView block;
  std::uint64_t content_size;
};

// Reusable memory that a chunk is read into in place, with room on both sides for the dag-pb framing of
// a unixfs-v0-2015 leaf, so that making a leaf neither copies the chunk nor allocates: the hot path of
// hashing a large file. One per thread.
class LeafBuffer {
 public:
  explicit LeafBuffer(const Profile& profile);

  // Where the next chunk goes: profile.chunk_size bytes.
  std::span<std::uint8_t> chunk_space();
  // Frames and hashes the first `length` bytes of chunk_space(). The view is valid until the next
  // seal() or until the chunk space is written again.
  LeafView seal(std::size_t length);

 private:
  Profile profile_;
  Bytes storage_;
  std::size_t chunk_offset_;  // where the chunk starts in storage_, after room for the framing
};

class FileBuilder {
 public:
  FileBuilder(const Profile& profile, BlockSink& sink);
  ~FileBuilder();
  FileBuilder(const FileBuilder&) = delete;
  FileBuilder& operator=(const FileBuilder&) = delete;

  // Leaves arrive in file order; the builder forwards each block to the sink before it returns.
  Status add_leaf(const LeafView& leaf);
  Status add_leaf(const Leaf& leaf);
  // A raw leaf known by its CID and size alone, for a sink that does not want leaf blocks
  // (BlockSink::wants_leaf_blocks); refused (internal) for a sink that does or under a dag-pb leaf profile.
  Status add_hashed_leaf(const codec::Cid& cid, std::uint64_t size);
  // The root: the single leaf itself when there is one (no leaf at all is the empty file), else the
  // balanced tree's root.
  Result<ImportedNode> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mlchain::unixfs
