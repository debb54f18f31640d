#pragma once
// Writing a file so that readers, and a crash at any moment, see either the old contents or the new
// ones, never a torn mixture: a temporary file in the same directory is written, flushed to disk and
// renamed over the target, and the directory is flushed so the rename itself survives a power cut.

#include <filesystem>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::fs {

enum class IfExists {
  replace,  // the new contents take the target's place
  fail,     // an `exists` error, and the existing file is left as it was
};

struct AtomicWriteOptions {
  unsigned mode = 0644;  // permission bits of the new file, applied exactly (the umask does not narrow them)
  IfExists if_exists = IfExists::replace;
};

// fsync of a directory, so that renames and new entries in it survive a power cut.
Status sync_directory(const std::filesystem::path& directory);

// The target's directory must exist. On any failure the temporary file is removed and the target is
// untouched.
Status write_file_atomically(const std::filesystem::path& target, ByteView contents, AtomicWriteOptions options = {});

}  // namespace mlchain::fs
