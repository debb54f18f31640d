#pragma once

#include "mlchain/codec/cid.hpp"
#include "mlchain/result.hpp"

namespace mlchain::unixfs {

// Where an importer puts the blocks it makes: the object store, an upload, or nowhere (`mlchain cid`).
// The importer calls put() from one thread at a time, children before parents.
class BlockSink {
 public:
  virtual ~BlockSink() = default;
  virtual Status put(const codec::Cid& cid, ByteView block) = 0;
  // False when put() ignores leaf blocks' bytes: an importer may then hash leaves without ever holding
  // a leaf whole (FileBuilder::add_hashed_leaf).
  virtual bool wants_leaf_blocks() const { return true; }
};

// For when only the root CID is wanted.
class DiscardingBlockSink final : public BlockSink {
 public:
  Status put(const codec::Cid&, ByteView) override { return {}; }
  bool wants_leaf_blocks() const override { return false; }
};

}  // namespace mlchain::unixfs
