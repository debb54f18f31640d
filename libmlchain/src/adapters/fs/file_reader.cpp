#include "mlchain/fs/file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

// Debian bookworm's C library predates the flag; the value is the kernel's (include/uapi/linux/fs.h).
#ifndef RWF_DONTCACHE
#define RWF_DONTCACHE 0x00000080
#endif

namespace mlchain::fs {

Result<FileReader> FileReader::open(const std::filesystem::path& path, ErrorKind refusal) {
  // O_NONBLOCK only keeps open() from waiting for a FIFO's writer; it changes nothing for a regular file.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR)
      return make_error(ErrorKind::not_found, "cannot open " + path.string() + ": " + std::strerror(error));
    if (error == ELOOP) return make_error(refusal, path.string() + " is a symlink, not a regular file");
    return make_error(refusal, "cannot open " + path.string() + ": " + std::strerror(error));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return make_error(refusal, "cannot stat " + path.string() + ": " + std::strerror(error));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    const char* what = S_ISDIR(info.st_mode) ? "a directory" : S_ISFIFO(info.st_mode) ? "a FIFO" : "a device or socket";
    return make_error(refusal, path.string() + " is " + what + ", not a regular file");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return FileReader(path, fd, static_cast<std::uint64_t>(info.st_size));
}

Result<Bytes> read_whole_file(const std::filesystem::path& path, std::uint64_t max_bytes, ErrorKind refusal) {
  MLCHAIN_TRY(const auto reader, FileReader::open(path, refusal));
  auto too_large = [&] {
    return make_error(refusal,
                      path.string() + " is larger than the " + std::to_string(max_bytes) + " bytes it may hold");
  };
  if (reader.size() > max_bytes) return too_large();
  // One byte more than the cap tells a file that grew past it from one that fits exactly.
  Bytes contents(static_cast<std::size_t>(reader.size()) + 1);
  std::uint64_t filled = 0;
  for (;;) {
    if (filled == contents.size()) {
      if (contents.size() > max_bytes) return too_large();
      contents.resize(static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes + 1, contents.size() * 2)));
    }
    const ssize_t n =
        ::pread(reader.fd_, contents.data() + filled, contents.size() - filled, static_cast<off_t>(filled));
    if (n < 0) {
      const int error = errno;
      if (error == EINTR) continue;
      return make_error(refusal, "cannot read " + path.string() + ": " + std::strerror(error));
    }
    if (n == 0) break;
    filled += static_cast<std::uint64_t>(n);
  }
  contents.resize(static_cast<std::size_t>(filled));
  return contents;
}

FileReader::FileReader(std::filesystem::path path, int fd, std::uint64_t size)
    : path_(std::move(path)), fd_(fd), size_(size) {}

FileReader::FileReader(FileReader&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

FileReader& FileReader::operator=(FileReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::size_t> FileReader::read_at(std::uint64_t offset, std::span<std::uint8_t> buffer) const {
  std::size_t filled = 0;
  // Uncached reads (Linux 6.14+) leave cached pages cached and free those they bring in once read: hashing a
  // model of many gigabytes neither evicts the page cache nor waits for fresh memory (docs/architecture.md,
  // "Writing contents"). Elsewhere, plain reads.
  bool uncached = true;
  while (filled < buffer.size()) {
    iovec piece{buffer.data() + filled, buffer.size() - filled};
    const auto at = static_cast<off_t>(offset + filled);
    const ssize_t n =
        uncached ? ::preadv2(fd_, &piece, 1, at, RWF_DONTCACHE) : ::pread(fd_, piece.iov_base, piece.iov_len, at);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (uncached && errno == EOPNOTSUPP) {
        uncached = false;
        continue;
      }
      return make_error(ErrorKind::internal, "cannot read " + path_.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  if (offset + filled < size_ && filled < buffer.size())
    return make_error(ErrorKind::changed_concurrently, path_.string() + " shrank while it was being read");
  return filled;
}

}  // namespace mlchain::fs
