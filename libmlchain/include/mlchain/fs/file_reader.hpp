#pragma once
// Reads a regular file from front to back in large pieces, telling the kernel the access is sequential.
// Errors name the path; a file that changes size while it is read is reported, not silently hashed.

#include <filesystem>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::fs {

class FileReader {
 public:
  static Result<FileReader> open(const std::filesystem::path& path);
  FileReader(FileReader&& other) noexcept;
  FileReader& operator=(FileReader&& other) noexcept;
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  ~FileReader();

  std::uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

  // Fills `buffer` from `offset` (fewer bytes only at the end of the file). Safe to call from several
  // threads at once on different ranges.
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> buffer) const;

 private:
  FileReader(std::filesystem::path path, int fd, std::uint64_t size);
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace mlchain::fs
