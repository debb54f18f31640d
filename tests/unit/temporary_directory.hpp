#pragma once
// A fresh directory under the system's temporary directory for one test, removed with everything in it
// when the test ends, even where the test took write permission away.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace mlchain::testing {

struct TemporaryDirectory {
  std::filesystem::path path;

  // Under `base`: the system's temporary directory unless a test needs another file system.
  explicit TemporaryDirectory(const std::filesystem::path& base = std::filesystem::temp_directory_path()) {
    std::string pattern = (base / "mlchain-test-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    for (auto& entry : std::filesystem::recursive_directory_iterator(path, ignored))
      std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add,
                                   ignored);
    std::filesystem::remove_all(path, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
};

}  // namespace mlchain::testing
