#pragma once
// Builds the DAG of one file from its chunks, in order: leaves under the profile's leaf format, then a
// balanced tree of dag-pb UnixFS File nodes with at most max_links_per_node links each.

#include <memory>

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

class FileBuilder {
 public:
  FileBuilder(const Profile& profile, BlockSink& sink);
  ~FileBuilder();
  FileBuilder(const FileBuilder&) = delete;
  FileBuilder& operator=(const FileBuilder&) = delete;

  // Leaves arrive in file order; the builder forwards each block to the sink.
  Status add_leaf(const Leaf& leaf);
  // The root: the single leaf itself when there is one, else the balanced tree's root.
  Result<ImportedNode> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mlchain::unixfs
