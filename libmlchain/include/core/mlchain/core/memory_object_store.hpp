#pragma once
// An ObjectStore in memory (libgit2's mempack): the scratch store of a remote verify, which reads a
// history from a node without a repository, and the store unit tests run tree and history logic on.
// Unlike the store on disk it keeps file leaves as blocks, since there is no content store to rebuild
// them from.

#include <cstddef>
#include <map>

#include "mlchain/core/object_store.hpp"

namespace mlchain::core {

class MemoryObjectStore final : public ObjectStore {
 public:
  // Internal error when `block` does not hash to `cid`, as on disk; a block stored twice is kept once.
  Status put(const codec::Cid& cid, ByteView block) override;
  // not_found naming the CID when absent. Blocks were checked as they came in and memory is not re-read
  // from a medium that can rot, so they are not hashed again.
  Result<Bytes> get(const codec::Cid& cid) override;
  Result<bool> contains(const codec::Cid& cid) override { return blocks_.contains(cid); }

  std::size_t size() const { return blocks_.size(); }
  // Forgets a block (absent is not an error): a store that lost one, for tests of what notices.
  void remove(const codec::Cid& cid) { blocks_.erase(cid); }

 private:
  std::map<codec::Cid, Bytes> blocks_;
};

}  // namespace mlchain::core
