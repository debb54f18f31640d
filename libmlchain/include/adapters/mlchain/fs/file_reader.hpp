#pragma once
// Reads a regular file from front to back in large pieces, telling the kernel the access is sequential.
// Errors name the path; a file that changes size while it is read is reported, not silently hashed.
// Opening never follows a symlink and never waits for a FIFO's writer: what is not a regular file is
// refused, so a FIFO, a device or a symlink to one can neither hang a reader nor feed it without end.

#include <filesystem>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::fs {

class FileReader {
 public:
  // not_found when `path` does not exist; `refusal` when it is not a regular file or cannot be opened
  // (invalid_input for a file the caller named, corrupt for one of the repository's own).
  static Result<FileReader> open(const std::filesystem::path& path, ErrorKind refusal = ErrorKind::invalid_input);
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
  friend Result<Bytes> read_whole_file(const std::filesystem::path& path, std::uint64_t max_bytes, ErrorKind refusal);
  FileReader(std::filesystem::path path, int fd, std::uint64_t size);
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// The whole of a regular file of at most `max_bytes` (opened as FileReader::open does): the cap holds even
// when the file grows while it is read. Errors as FileReader::open; a larger file or a failed read is
// `refusal` too.
Result<Bytes> read_whole_file(const std::filesystem::path& path, std::uint64_t max_bytes, ErrorKind refusal);

}  // namespace mlchain::fs
