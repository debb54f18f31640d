#pragma once

#include <cstdint>

#include "mlchain/codec/cid.hpp"

namespace mlchain::unixfs {

enum class NodeKind : std::uint8_t { file, directory, symlink };

// The root of an imported file, directory or symlink, with what a parent link needs to point at it.
struct ImportedNode {
  codec::Cid cid;
  // Total bytes of every block under this node, itself included: the dag-pb link "Tsize".
  std::uint64_t tsize = 0;
  // Bytes of file content: a file's own, a directory's every file below it (what `du --apparent-size`
  // counts), 0 for a symlink.
  std::uint64_t content_size = 0;
  NodeKind kind = NodeKind::file;
  // Directories: how many entries it holds. The reference importer decides whether a directory is
  // sharded before its non-empty subdirectories are built, so those count for nothing in the estimate.
  std::uint64_t entry_count = 0;
};

}  // namespace mlchain::unixfs
