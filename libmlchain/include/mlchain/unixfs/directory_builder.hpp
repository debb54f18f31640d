#pragma once
// Builds a UnixFS directory from its entries: one dag-pb Directory node with links sorted bytewise by
// name, or, once that node would pass the profile's shard threshold, a HAMT (fanout 256,
// murmur3-x64-64) exactly as IPIP-499 prescribes for the profile.

#include <string>
#include <vector>

#include "mlchain/unixfs/block_sink.hpp"
#include "mlchain/unixfs/imported_node.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::unixfs {

struct DirectoryEntry {
  std::string name;  // one path component, bytes as on disk
  ImportedNode node;
};

Result<ImportedNode> build_directory(const Profile& profile, std::vector<DirectoryEntry> entries, BlockSink& sink);

// A UnixFS Symlink node holding the link's target; the target is never followed.
Result<ImportedNode> build_symlink(const Profile& profile, std::string_view target, BlockSink& sink);

}  // namespace mlchain::unixfs
