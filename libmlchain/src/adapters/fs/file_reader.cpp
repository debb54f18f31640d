#include "mlchain/fs/file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace mlchain::fs {

Result<FileReader> FileReader::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    const int error = errno;
    const auto code = (error == ENOENT || error == ENOTDIR) ? ErrorCode::not_found : ErrorCode::usage;
    return make_error(code, "cannot open " + path.string() + ": " + std::strerror(error));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(ErrorCode::usage, path.string() + " is not a regular file");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return FileReader(path, fd, static_cast<std::uint64_t>(info.st_size));
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
  while (filled < buffer.size()) {
    const ssize_t n = ::pread(fd_, buffer.data() + filled, buffer.size() - filled,
                              static_cast<off_t>(offset + filled));
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::internal, "cannot read " + path_.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  if (offset + filled < size_ && filled < buffer.size())
    return make_error(ErrorCode::conflict, path_.string() + " shrank while it was being read");
  return filled;
}

}  // namespace mlchain::fs
