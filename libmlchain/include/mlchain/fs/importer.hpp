#pragma once
// Imports files and directory trees from disk into UnixFS DAGs (DESIGN §3.1, §6): chunks are read in
// large sequential pieces and hashed on all cores, memory stays at a few chunks per core whatever the
// file size, symlinks become symlink nodes and are never followed.

#include <filesystem>
#include <functional>

#include "mlchain/unixfs/block_sink.hpp"
#include "mlchain/unixfs/imported_node.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::fs {

struct ImportOptions {
  unsigned threads = 0;  // 0: one per core
  // Given every chunk of a file's content in file order, on the thread that called import_file, before
  // the chunk's leaf reaches the sink: lets a caller store a file while it is hashed, in one pass over
  // the data. An error stops the import and is returned.
  std::function<Status(ByteView chunk)> on_chunk;
};

// One regular file.
Result<unixfs::ImportedNode> import_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                                         unixfs::BlockSink& sink, const ImportOptions& options = {});

// A file, a symlink, or a directory tree (recursively; empty directories kept).
Result<unixfs::ImportedNode> import_path(const std::filesystem::path& path, const unixfs::Profile& profile,
                                         unixfs::BlockSink& sink, const ImportOptions& options = {});

}  // namespace mlchain::fs
