#pragma once

#include <cstdint>

#include "mlchain/codec/cid.hpp"

namespace mlchain::unixfs {

// The root of an imported file, directory or symlink, with what a parent link needs to point at it.
struct ImportedNode {
  codec::Cid cid;
  // Total bytes of every block under this node, itself included: the dag-pb link "Tsize".
  std::uint64_t tsize = 0;
  // Bytes of file content (0 for directories and symlinks).
  std::uint64_t content_size = 0;
};

}  // namespace mlchain::unixfs
