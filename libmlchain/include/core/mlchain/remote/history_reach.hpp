#pragma once
// Everything a commit's history consists of, as push and export move it: the commit blocks from a head
// down its ancestry (all of it, or `depth` generations: the head is generation 1), every block of their
// trees that the object store keeps (directories, HAMT shards, symlinks, inner file nodes), and every
// file's root CID (whose whole contents the content store keeps). Each CID once.

#include <cstdint>
#include <optional>
#include <vector>

#include "mlchain/core/object_store.hpp"

namespace mlchain::remote {

struct HistoryReach {
  std::vector<codec::Cid> commits;      // head first, breadth first
  std::vector<codec::Cid> tree_blocks;  // children before the directories that link them
  std::vector<codec::Cid> file_roots;
  std::vector<codec::Cid> cut_parents;  // parents left out because of `depth`
};

// not_found / corrupt naming the CID when a block within reach is missing or corrupt.
Result<HistoryReach> reach_of_history(core::ObjectStore& objects, const codec::Cid& head,
                                      std::optional<std::uint64_t> depth = std::nullopt);

}  // namespace mlchain::remote
