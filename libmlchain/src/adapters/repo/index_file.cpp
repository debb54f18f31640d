#include "mlchain/repo/index_file.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "disk.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/file_stat.hpp"

namespace mlchain::repo {

const core::StatEntry* LoadedIndex::find(std::string_view path) const {
  const auto it = std::lower_bound(entries.begin(), entries.end(), path,
                                   [](const core::StatEntry& entry, std::string_view key) { return entry.path < key; });
  if (it == entries.end() || it->path != path) return nullptr;
  return &*it;
}

LoadedIndex load_index(const RepositoryPaths& paths) {
  LoadedIndex index;
  const auto path = paths.index();
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return index;
  auto bytes = disk::read_stored_file(path, disk::max_index_bytes);
  if (!bytes) {
    index.warning = "cannot read " + path.string() + " (" + bytes.error().message + "); every file is hashed again";
    return index;
  }
  auto entries = core::decode_stat_index(*bytes);
  if (!entries) {
    index.warning = path.string() + ": " + entries.error().message + "; it is rebuilt and every file hashed again";
    return index;
  }
  index.entries = std::move(entries).value();
  index.written_ns = fs::nanoseconds_of(info.st_mtim);
  return index;
}

Status save_index(const RepositoryPaths& paths, const std::vector<core::StatEntry>& entries) {
  MLCHAIN_TRY(auto bytes, core::encode_stat_index(entries));
  return fs::write_file_atomically(paths.index(), bytes);
}

Result<fs::LockFile> index_lock(const RepositoryPaths& paths, std::chrono::milliseconds patience) {
  return fs::LockFile::acquire(paths.index(), patience);
}

}  // namespace mlchain::repo
