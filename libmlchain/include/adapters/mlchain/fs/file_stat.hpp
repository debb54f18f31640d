#pragma once
// stat(2) as the stat cache records it (core::FileStat, docs/format.md "index"): times in nanoseconds.

#include <sys/stat.h>

#include <cstdint>

#include "mlchain/core/stat_index.hpp"

namespace mlchain::fs {

inline std::int64_t nanoseconds_of(const struct timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

inline core::FileStat file_stat_of(const struct stat& info) {
  return {static_cast<std::uint64_t>(info.st_size), nanoseconds_of(info.st_mtim), nanoseconds_of(info.st_ctim),
          static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_dev)};
}

}  // namespace mlchain::fs
