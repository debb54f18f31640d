#pragma once
// The HAMT-sharded form of a UnixFS directory, as ipfs-unixfs-importer 17 (and go's boxo) lay it out.

#include <vector>

#include "mlchain/unixfs/directory_builder.hpp"

namespace mlchain::unixfs {

// `entries` are sorted bytewise by name, names unique. Sub-shards reach the sink before their parents.
Result<ImportedNode> build_hamt_directory(const Profile& profile, std::vector<DirectoryEntry> entries, BlockSink& sink);

}  // namespace mlchain::unixfs
