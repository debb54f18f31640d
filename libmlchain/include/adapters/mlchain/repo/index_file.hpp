#pragma once
// `.mlchain/index` on disk: the stat cache of core/stat_index.hpp, with the time it was written (its own
// mtime), which the racy-clean rule needs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/stat_index.hpp"
#include "mlchain/fs/lock_file.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

struct LoadedIndex {
  std::vector<core::StatEntry> entries;  // sorted by path
  std::int64_t written_ns = 0;           // the file's mtime; 0 when there is none
  // Set when the file was there but could not be used: it is ignored and rebuilt, never an error.
  std::optional<std::string> warning;

  // The entry for `path`, if any.
  const core::StatEntry* find(std::string_view path) const;
};

LoadedIndex load_index(const RepositoryPaths& paths);

// Writes the index atomically. Callers hold index_lock(), so two writers never interleave.
Status save_index(const RepositoryPaths& paths, const std::vector<core::StatEntry>& entries);

// "<index>.lock": taken by whoever rewrites the index.
Result<fs::LockFile> index_lock(const RepositoryPaths& paths, std::chrono::milliseconds patience);

}  // namespace mlchain::repo
