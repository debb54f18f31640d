#pragma once
// A file of a commit written into the work tree before checkout, by a caller that has its bytes in hand
// and verifies them as they pass (clone, as they arrive from the node): checkout then renames it into
// place instead of copying it out of the store a second time. It lies at the work tree's top under a
// checkout temporary name (docs/format.md, "Writes"), so a killed clone leaves only what fsck and gc
// know as a checkout's leftover.

#include <filesystem>
#include <map>

#include "mlchain/codec/cid.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

// Files of the commit being checked out that are in the work tree already, by CID: each written whole,
// verified against the CID and flushed to disk (checkout takes it on trust).
using PrestagedFiles = std::map<codec::Cid, std::filesystem::path>;

class PrestagedFile {
 public:
  static Result<PrestagedFile> create(const Repository& repository, const codec::Cid& contents);
  PrestagedFile(PrestagedFile&& other) noexcept;
  PrestagedFile& operator=(PrestagedFile&&) = delete;
  PrestagedFile(const PrestagedFile&) = delete;
  PrestagedFile& operator=(const PrestagedFile&) = delete;
  ~PrestagedFile();  // removes the file unless kept

  // Appends, and starts the write-back so that a later flush of the file system finds little to do.
  Status append(ByteView bytes);
  // Gives it checkout's mode (0644) and closes it; it is the caller's to flush (with the blocks it was
  // verified with) and to hand to checkout (or remove) now.
  Result<std::filesystem::path> keep();

 private:
  PrestagedFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
  bool kept_ = false;
};

}  // namespace mlchain::repo
