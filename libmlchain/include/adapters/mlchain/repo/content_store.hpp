#pragma once
// Whole file contents on disk: `.mlchain/files/<xx>/<key>` under the file's root CID (keys as in
// repo/object_store.hpp), so checkout can reflink or copy a file in one piece and push can re-chunk it.
// Identical contents are stored once, whatever their paths and versions.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

#include "mlchain/codec/cid.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::repo {

class ContentStore;

// A new file's contents, written while they are hashed (one pass over the data): chunks arrive in order
// into a temporary file in files/; commit() moves it under the CID the importer computed, or the writer
// is dropped and the temporary file with it. Not thread-safe: one writer per file, fed in file order.
class ContentWriter {
 public:
  ContentWriter(ContentWriter&& other) noexcept;
  ContentWriter& operator=(ContentWriter&&) = delete;
  ContentWriter(const ContentWriter&) = delete;
  ContentWriter& operator=(const ContentWriter&) = delete;
  ~ContentWriter();  // aborts unless committed

  Status append(ByteView chunk);
  std::uint64_t size() const { return size_; }

  // fsync, then rename to files/<xx>/<key of cid> and fsync that directory. If the contents are there
  // already the temporary file is simply removed. The caller vouches that the bytes hash to `cid` (the
  // importer computed it from the same chunks).
  Status commit(const codec::Cid& cid);
  void abort();

 private:
  friend class ContentStore;
  ContentWriter(const ContentStore& store, std::filesystem::path temporary, int fd)
      : store_(&store), temporary_(std::move(temporary)), fd_(fd) {}
  const ContentStore* store_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t writeback_started_ = 0;  // bytes handed to the kernel's writeback so far
};

class ContentStore {
 public:
  explicit ContentStore(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path_of(const codec::Cid& cid) const;

  Result<bool> contains(const codec::Cid& cid) const;
  // Bytes of the stored contents; not_found naming the CID when absent.
  Result<std::uint64_t> size(const codec::Cid& cid) const;

  Result<ContentWriter> begin_write() const;

  // Stores a file whose CID the caller computed already (e.g. from the stat cache), by reflink where the
  // file system can, else copy_file_range; then re-imports the copy under `profile` and keeps it only if
  // it hashes to `cid` (corrupt naming the path otherwise). A no-op when already stored.
  Status store_copy(const std::filesystem::path& source, const codec::Cid& cid, const unixfs::Profile& profile) const;

  // Writes the contents of `cid` to `destination`, which must not exist (a temporary path beside the
  // final one: the caller renames it into place): FICLONE reflink when the file system supports it, else
  // copy_file_range in large pieces; then fsync, re-import under `profile` and compare CIDs. On any
  // failure `destination` is removed; a mismatch is corrupt naming the CID and the store path.
  Status materialize(const codec::Cid& cid, const unixfs::Profile& profile, const std::filesystem::path& destination,
                     unsigned mode = 0644) const;

  // Re-imports the stored contents under `profile`: corrupt naming the CID and path when
  // they no longer hash to `cid`.
  Status check(const codec::Cid& cid, const unixfs::Profile& profile) const;

  // As DiskObjectStore::for_each.
  Status for_each(const std::function<Status(const codec::Cid&)>& on_file,
                  const std::function<void(const std::filesystem::path&)>& on_other = {}) const;
  Status remove(const codec::Cid& cid) const;

 private:
  std::filesystem::path root_;
};

// The profile a stored CID was made under: v0 CIDs come only from unixfs-v0-2015, v1 from unixfs-v1-2025.
const unixfs::Profile& profile_of_cid(const codec::Cid& cid);

}  // namespace mlchain::repo
