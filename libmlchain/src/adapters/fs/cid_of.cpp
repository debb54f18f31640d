#include "mlchain/fs/importer.hpp"

namespace mlchain::fs {

Result<unixfs::ImportedNode> cid_of_path(const std::filesystem::path& path, const unixfs::Profile& profile,
                                         const ImportOptions& options) {
  unixfs::DiscardingBlockSink nowhere;
  return import_path(path, profile, nowhere, options);
}

Result<unixfs::ImportedNode> cid_of_stream(int fd, std::string_view name, const unixfs::Profile& profile) {
  unixfs::DiscardingBlockSink nowhere;
  return import_stream(fd, name, profile, nowhere);
}

}  // namespace mlchain::fs
