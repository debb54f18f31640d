#pragma once
// Imports files and directory trees from disk into UnixFS DAGs (docs/format.md, bench/README.md): chunks are read in
// large sequential pieces and hashed on all cores, memory stays at a few chunks per core whatever the
// file size, symlinks become symlink nodes unless ImportOptions asks to follow them.

#include <filesystem>
#include <functional>
#include <string_view>

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
  // import_path: every symlink, the argument's and those below it, is taken for what it points to (a
  // file's contents, a directory's tree), as `ipfs add --dereference-symlinks` does. A dangling link or a
  // loop is an invalid_input error naming it.
  bool dereference_symlinks = false;
  // import_path: the argument itself, when it is a symlink, is taken for what it points to.
  bool follow_argument_symlink = false;
};

// One regular file.
Result<unixfs::ImportedNode> import_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                                         unixfs::BlockSink& sink, const ImportOptions& options = {});

// A file, a symlink, or a directory tree (recursively; empty directories kept). Below a directory, entries
// named as core::is_never_in_bundle says (`.mlchain`, `.git`, …) are left out, as a commit leaves them
// out, so that a directory's CID is its commit's tree. A pipe or character device given as the argument,
// and any path under /dev or /proc (whose files report a size of 0, and where /dev/stdin is a symlink to
// the data), is followed and read to its end as a stream.
Result<unixfs::ImportedNode> import_path(const std::filesystem::path& path, const unixfs::Profile& profile,
                                         unixfs::BlockSink& sink, const ImportOptions& options = {});

// The contents read from `fd` to its end, as one file (`mlchain cid -`). `name` is what errors call it.
Result<unixfs::ImportedNode> import_stream(int fd, std::string_view name, const unixfs::Profile& profile,
                                           unixfs::BlockSink& sink);

// What import_path and import_stream would store, storing nothing: the CID `mlchain cid` prints and
// commit --data records.
Result<unixfs::ImportedNode> cid_of_path(const std::filesystem::path& path, const unixfs::Profile& profile,
                                         const ImportOptions& options = {});
Result<unixfs::ImportedNode> cid_of_stream(int fd, std::string_view name, const unixfs::Profile& profile);

}  // namespace mlchain::fs
