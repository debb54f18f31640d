#pragma once
// Writes of large contents that go to disk without staying in memory (docs/architecture.md, "Writing
// contents").

#include <filesystem>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::repo::disk {

// Appends `bytes` at `fd`'s position as uncached buffered writes (RWF_DONTCACHE, Linux 6.14 and later):
// the kernel starts writing the pages back at once and frees them once they are on disk. Contents of many
// gigabytes, which the caller flushes anyway, then neither evict what the page cache holds nor wait for
// fresh memory (on a virtual machine whose host takes back free pages, the first touch of each costs more
// than the copy). Where the kernel or the file system lacks uncached writes: plain writes and a hint to
// start the write-back.
Status append_uncached(int fd, ByteView bytes, const std::filesystem::path& path);

}  // namespace mlchain::repo::disk
