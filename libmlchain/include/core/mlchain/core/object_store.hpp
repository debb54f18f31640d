#pragma once
// Where a repository keeps its IPLD blocks (docs/format.md): directory nodes, inner file nodes and commits,
// keyed by CID. Core logic (tree walks, history, verify) reads through this interface; the filesystem
// store in repo/ implements it, and importers write straight into it, since it is a BlockSink.

#include <vector>

#include "mlchain/codec/cid.hpp"
#include "mlchain/unixfs/block_sink.hpp"

namespace mlchain::core {

class ObjectStore : public unixfs::BlockSink {
 public:
  // Stores `block` under `cid`: a no-op when it is there already, an internal error when `block` does not
  // hash to `cid` (a caller's bug). File leaves (raw blocks, and the dag-pb leaves of unixfs-v0-2015) are
  // stored like any block: file contents are kept as their DAG (docs/format.md §5).
  Status put(const codec::Cid& cid, ByteView block) override = 0;

  // The block, re-hashed: ErrorKind::not_found naming the CID when absent, ErrorKind::corrupt
  // naming the CID and where it was read from when the bytes no longer match. A one-chunk file's root that
  // an older repository kept only whole in files/ is rebuilt from there and checked the same way.
  virtual Result<Bytes> get(const codec::Cid& cid) = 0;

  // Whether get() could find it (without reading or checking it).
  virtual Result<bool> contains(const codec::Cid& cid) = 0;
};

}  // namespace mlchain::core
