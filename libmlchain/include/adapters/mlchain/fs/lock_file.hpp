#pragma once
// An exclusive lock on `<path>.lock`, held through flock(2) so that a lock whose process died is free
// again by itself (the kernel drops it), while a live holder is named in the error others get.

#include <chrono>
#include <filesystem>

#include "mlchain/result.hpp"

namespace mlchain::fs {

// Opens, creating it when absent, the file a lock is taken on: never follows a symlink, never waits on a
// FIFO, and refuses what is not a regular file (corrupt naming it: lock files live in the
// repository's own directory, where anything else is damage). Returns the descriptor.
Result<int> open_lock_file(const std::filesystem::path& path);

class LockFile {
 public:
  // Waits up to `patience` for a live holder, then fails with ErrorKind::locked naming the holder
  // (pid and host) and the lock's path.
  static Result<LockFile> acquire(const std::filesystem::path& target,
                                  std::chrono::milliseconds patience = std::chrono::milliseconds(2000));

  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) = delete;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile();  // removes the lock file, then releases the lock

  const std::filesystem::path& path() const { return path_; }

 private:
  LockFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace mlchain::fs
