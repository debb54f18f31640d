#pragma once
// The HAMT-sharded form of a UnixFS directory, as ipfs-unixfs-importer 17 (and go's boxo) lay it out.

#include <string_view>
#include <vector>

#include "mlchain/unixfs/directory_builder.hpp"

namespace mlchain::unixfs {

// `entries` are sorted bytewise by name, names unique. Sub-shards reach the sink before their parents.
Result<ImportedNode> build_hamt_directory(const Profile& profile, std::vector<DirectoryEntry> entries, BlockSink& sink);

// The slot `name` lands in at `level` (0: the root shard) of a HAMT whose fanout is 2^fanout_bits: where a
// lookup goes, one level at a time.
unsigned hamt_slot(std::string_view name, unsigned level, unsigned fanout_bits);

}  // namespace mlchain::unixfs
