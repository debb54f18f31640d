#pragma once
// Builds a UnixFS directory from its entries: one dag-pb Directory node with links sorted bytewise by
// name, or, once the profile's estimate of that node passes its shard threshold, a HAMT (fanout 256,
// murmur3-x64-64) exactly as IPIP-499 prescribes for the profile. The estimate is ipfs-unixfs-importer's,
// which imports parents before children: a non-empty subdirectory counts as an empty one for the moment
// it is added, then for nothing (ImportedNode::entry_count tells the two apart). No mode or mtime.

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

// Entries may come in any order; a name that is empty, "." or "..", holds '/', or appears twice is a
// invalid_input error.
Result<ImportedNode> build_directory(const Profile& profile, std::vector<DirectoryEntry> entries, BlockSink& sink);

// A UnixFS Symlink node holding the link's target; the target is never followed.
Result<ImportedNode> build_symlink(const Profile& profile, std::string_view target, BlockSink& sink);

}  // namespace mlchain::unixfs
