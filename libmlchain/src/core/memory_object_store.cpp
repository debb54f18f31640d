#include "mlchain/core/memory_object_store.hpp"

namespace mlchain::core {

Status MemoryObjectStore::put(const codec::Cid& cid, ByteView block) {
  if (!cid.matches(block))
    return make_error(ErrorKind::internal,
                      "refusing to store a block under " + cid.to_string() + ", which it does not hash to");
  blocks_.try_emplace(cid, block.begin(), block.end());
  return {};
}

Result<Bytes> MemoryObjectStore::get(const codec::Cid& cid) {
  const auto found = blocks_.find(cid);
  if (found == blocks_.end()) return make_error(ErrorKind::not_found, "block " + cid.to_string() + " is not in memory");
  return found->second;
}

}  // namespace mlchain::core
