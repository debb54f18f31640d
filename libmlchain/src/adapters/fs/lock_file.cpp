#include "mlchain/fs/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

namespace mlchain::fs {
namespace {

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

std::string read_holder(int fd) {
  char buffer[512] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string holder(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
  return holder.empty() ? "another process" : holder;
}

// The lock is ours only if the file we locked is still the one at the path: a holder that was
// finishing may have unlinked it between our open() and our flock().
bool still_at_path(int fd, const std::filesystem::path& path) {
  struct stat by_fd {
  }, by_path{};
  if (::fstat(fd, &by_fd) != 0 || ::stat(path.c_str(), &by_path) != 0) return false;
  return by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

}  // namespace

Result<int> open_lock_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) {
    const int error = errno;
    const auto kind = (error == ELOOP || error == EISDIR || error == EACCES || error == ENXIO) ? ErrorKind::corrupt
                                                                                               : ErrorKind::internal;
    return make_error(kind, "cannot open lock " + path.string() + ": " +
                                (error == ELOOP ? std::string("it is a symlink") : std::string(std::strerror(error))));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(ErrorKind::corrupt, "lock " + path.string() + " is not a regular file");
  }
  return fd;
}

Result<LockFile> LockFile::acquire(const std::filesystem::path& target, std::chrono::milliseconds patience) {
  std::filesystem::path path = target;
  path += ".lock";
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    MLCHAIN_TRY(const int fd, open_lock_file(path));
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      if (still_at_path(fd, path)) {
        const std::string holder = "pid " + std::to_string(::getpid()) + " on " + this_host() + "\n";
        if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
          ::close(fd);
          return make_error(ErrorKind::internal, "cannot write lock " + path.string() + ": " + std::strerror(errno));
        }
        return LockFile(std::move(path), fd);
      }
      ::close(fd);
      continue;
    }
    const int error = errno;
    if (error != EWOULDBLOCK) {
      ::close(fd);
      return make_error(ErrorKind::internal, "cannot lock " + path.string() + ": " + std::strerror(error));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string holder = read_holder(fd);
      ::close(fd);
      return make_error(ErrorKind::locked,
                        path.string() + " is held by " + holder + "; try again when it has finished");
    }
    ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

LockFile::LockFile(LockFile&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

LockFile::~LockFile() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace mlchain::fs
