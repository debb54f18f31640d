#include "mlchain/fs/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace mlchain::fs {
namespace {

Error system_error(int error, const std::string& what, const std::filesystem::path& path) {
  ErrorKind kind = ErrorKind::internal;
  if (error == EEXIST) kind = ErrorKind::exists;
  if (error == ENOENT || error == ENOTDIR) kind = ErrorKind::not_found;
  return make_error(kind, "cannot " + what + " " + path.string() + ": " + std::strerror(error));
}

// Unique among the processes and threads that may write next to the same target at once.
std::filesystem::path temporary_name(const std::filesystem::path& target) {
  static std::atomic<unsigned long> counter{0};
  const std::string name = "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter.fetch_add(1));
  return target.parent_path() / name;
}

Status write_all(int fd, ByteView contents, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return system_error(errno, "write", path);
    }
    written += static_cast<std::size_t>(n);
  }
  return {};
}

// Moves `from` to `to`, refusing to replace an existing `to` when asked; atomic either way.
Status move_into_place(const std::filesystem::path& from, const std::filesystem::path& to, IfExists if_exists) {
  if (if_exists == IfExists::replace) {
    if (::rename(from.c_str(), to.c_str()) != 0) return system_error(errno, "rename a file onto", to);
    return {};
  }
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  if (errno != EINVAL && errno != ENOSYS) return system_error(errno, "create", to);
  // Filesystems without RENAME_NOREPLACE: a hard link also refuses to replace, and is just as atomic.
  if (::link(from.c_str(), to.c_str()) != 0) return system_error(errno, "create", to);
  ::unlink(from.c_str());
  return {};
}

}  // namespace

Status sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return system_error(errno, "open directory", directory);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) return system_error(error, "flush directory", directory);
  return {};
}

Status write_file_atomically(const std::filesystem::path& target, ByteView contents, AtomicWriteOptions options) {
  const std::filesystem::path absolute = target.has_parent_path() ? target : std::filesystem::path(".") / target;
  const std::filesystem::path temporary = temporary_name(absolute);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return system_error(errno, "create a file in", absolute.parent_path());

  Status status = write_all(fd, contents, temporary);
  if (status.ok() && ::fchmod(fd, static_cast<mode_t>(options.mode)) != 0)
    status = system_error(errno, "set the mode of", temporary);
  if (status.ok() && ::fsync(fd) != 0) status = system_error(errno, "flush", temporary);
  if (::close(fd) != 0 && status.ok()) status = system_error(errno, "close", temporary);
  if (status.ok()) status = move_into_place(temporary, absolute, options.if_exists);
  if (!status.ok()) {
    ::unlink(temporary.c_str());
    return status;
  }
  return sync_directory(absolute.parent_path());
}

}  // namespace mlchain::fs
