#pragma once
// A commit block that decode_commit accepts, stored in an object store (a repository's, or one in
// memory), with a placeholder signature that recovers to no author: enough for tests of history, gc and
// fsck that are not about signatures.

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mlchain/codec/cid.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/core/object_store.hpp"

namespace mlchain::testing {

inline codec::Cid store_unsigned_commit(core::ObjectStore& objects, const codec::Cid& tree,
                                        std::vector<codec::Cid> parents, std::int64_t time) {
  core::Commit commit;
  commit.tree = tree;
  commit.parents = std::move(parents);
  commit.profile = "unixfs-v1-2025";
  commit.time = time;
  commit.message = "at " + std::to_string(time);
  codec::RecoverableSignature signature;
  signature.bytes[31] = 1;
  signature.bytes[63] = 1;
  signature.bytes[64] = 27;
  commit.signature = signature;
  const auto block = core::encode_commit(commit).value();
  const auto cid = codec::Cid::of_block(1, codec::multicodec::dag_cbor, block);
  REQUIRE(objects.put(cid, block));
  return cid;
}

}  // namespace mlchain::testing
