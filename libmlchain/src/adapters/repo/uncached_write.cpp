#include "uncached_write.hpp"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "disk.hpp"

// Debian bookworm's C library predates the flag; the value is the kernel's (include/uapi/linux/fs.h).
#ifndef RWF_DONTCACHE
#define RWF_DONTCACHE 0x00000080
#endif

namespace mlchain::repo::disk {

Status append_uncached(int fd, ByteView bytes, const std::filesystem::path& path) {
  bool uncached = true;
  while (!bytes.empty()) {
    iovec piece{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
    // Offset -1: at the file's position, which the write advances, as write(2) does.
    const ssize_t n =
        uncached ? ::pwritev2(fd, &piece, 1, -1, RWF_DONTCACHE) : ::write(fd, piece.iov_base, piece.iov_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (uncached && errno == EOPNOTSUPP) {  // an older kernel, or a file system without uncached writes
        uncached = false;
        continue;
      }
      return system_error(errno, "write", path);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  // Uncached writes start their own write-back.
  if (!uncached) (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);  // a hint: failure costs nothing
  return {};
}

}  // namespace mlchain::repo::disk
