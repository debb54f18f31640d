#pragma once
// File contents on disk (docs/format.md §5 "What goes where"). A file is stored as its DAG: the profile's
// leaf blocks (raw 1 MiB leaves, or unixfs-v0-2015 dag-pb leaves of 256 KiB) and its inner nodes, all
// ordinary blocks in `.mlchain/objects/`, so two versions of a file that share chunks at the same
// offsets share their storage. Repositories written before kept each file whole in
// `.mlchain/files/<xx>/<key>` under its root CID (keys as in repo/object_store.hpp); that layout is
// still read, never written.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlchain/codec/cid.hpp"
#include "mlchain/unixfs/block_sink.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::repo {

class ContentStore;

// The blocks of new files (leaves and inner nodes, as an importer or unixfs::FileBuilder makes them),
// written into objects/ with no flush each: each block goes to a temporary file in its fan-out directory;
// commit() flushes them all at once (syncfs), renames each to its final name, then flushes again, so a
// crash never leaves a half-written block under its final name and a committed file is never lost. A
// block already stored is not written again. The caller vouches that each block hashes to its CID (the
// importer has just computed it). Thread-safe; dropping an uncommitted writer removes its temporaries.
class ContentWriter final : public unixfs::BlockSink {
 public:
  ContentWriter(ContentWriter&& other) noexcept;
  ContentWriter& operator=(ContentWriter&&) = delete;
  ContentWriter(const ContentWriter&) = delete;
  ContentWriter& operator=(const ContentWriter&) = delete;
  ~ContentWriter() override;  // aborts unless committed

  Status put(const codec::Cid& cid, ByteView block) override;
  // Bytes written (blocks that were stored already not counted).
  std::uint64_t bytes_written() const;
  Status commit();
  void abort();
  // Whether the block is written but not committed yet.
  bool is_pending(const codec::Cid& cid) const;
  // Takes over another writer's uncommitted blocks, so that one commit() flushes several files (a fetch
  // flushes once, at its end, however many files it received).
  Status absorb(ContentWriter&& other);

 private:
  friend class ContentStore;
  struct State;
  explicit ContentWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Reads stored contents from front to back or at any offset, whichever layout holds them. Safe to call
// from several threads at once on different ranges. Bytes are not re-hashed here: whoever reads them
// checks them against their CIDs (push, export and sealing re-chunk them).
class ContentReader {
 public:
  // A stretch of the contents inside one stored file.
  struct Piece {
    std::filesystem::path path;
    std::uint64_t offset_in_file = 0;
    std::uint64_t size = 0;
  };
  ContentReader(std::filesystem::path describe_as, std::vector<Piece> pieces);

  std::uint64_t size() const { return size_; }
  // For messages: the whole file (old layout) or the root block.
  const std::filesystem::path& path() const { return describe_as_; }
  const std::vector<Piece>& pieces() const { return pieces_; }

  // Fills `buffer` from `offset` (fewer bytes only at the end of the contents); a stored file shorter
  // than its layout says is corrupt naming it.
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> buffer) const;

 private:
  std::filesystem::path describe_as_;
  std::vector<Piece> pieces_;
  std::vector<std::uint64_t> starts_;  // where each piece begins in the contents
  std::uint64_t size_ = 0;
};

class ContentStore {
 public:
  // `files`: the old layout's directory; `objects`: the object store's, where blocks are read and written.
  ContentStore(std::filesystem::path files, std::filesystem::path objects)
      : root_(std::move(files)), objects_(std::move(objects)) {}

  const std::filesystem::path& root() const { return root_; }
  // Where the old layout keeps the whole contents of `cid` (gc and fsck of files/).
  std::filesystem::path path_of(const codec::Cid& cid) const;

  // path_of(cid) when the old layout holds the contents whole, else nothing.
  Result<std::optional<std::filesystem::path>> whole_file(const codec::Cid& cid) const;
  // Whether the whole contents are stored: whole in files/, or every block of the DAG in objects/, each a
  // regular file and every leaf of the size its file node says (false otherwise, so that storing the file
  // again replaces what is damaged; not_stored() says what).
  Result<bool> contains(const codec::Cid& cid) const;
  // Bytes of the stored contents; not_found naming the CID when absent.
  Result<std::uint64_t> size(const codec::Cid& cid) const;
  // not_found naming the CID when any part is absent.
  Result<ContentReader> open(const codec::Cid& cid) const;

  Result<ContentWriter> begin_write() const;

  // Stores a file whose CID the caller computed already (e.g. from the stat cache): imports it under
  // `profile` into a ContentWriter and commits only if it hashes to `cid` (corrupt naming the path
  // otherwise). A no-op when already stored.
  Status store_copy(const std::filesystem::path& source, const codec::Cid& cid, const unixfs::Profile& profile) const;

  // Writes the contents of `cid` to `destination`, which must not exist (a temporary path beside the
  // final one: the caller renames it into place), then fsyncs it. Whole contents from files/ are copied
  // (FICLONE reflink when the file system supports it) and the copy re-imported under `profile`; chunked
  // ones are written leaf by leaf, each read whole and framed again under `profile` before its bytes are
  // appended as uncached writes, and the DAG built over them must be `cid`. On any failure `destination` is removed;
  // damage is corrupt naming the CID and the stored file that no longer hashes to its CID.
  Status materialize(const codec::Cid& cid, const unixfs::Profile& profile, const std::filesystem::path& destination,
                     unsigned mode = 0644) const;

  // Checks the stored contents: whole ones are re-imported under `profile`, chunked ones have every block
  // re-hashed. Corrupt naming the CID and the damaged file when they no longer hash to their CIDs.
  Status check(const codec::Cid& cid, const unixfs::Profile& profile) const;

  // Every block of the file's DAG, each re-hashed (corrupt naming it otherwise), children before
  // parents as an importer gives them; whole contents (old layout) are re-imported under the CID's
  // profile and must give `cid`.
  Status export_blocks(const codec::Cid& cid, unixfs::BlockSink& sink) const;

  // Every block of the file's DAG that objects/ holds (inner nodes and leaves; nothing for whole
  // contents), read without re-hashing the leaves: gc keeps them while a reachable version needs them.
  // `missing`, when given, receives the blocks it lacks (the root first when none of it is there).
  Result<std::vector<codec::Cid>> stored_blocks(const codec::Cid& cid,
                                                std::vector<codec::Cid>* missing = nullptr) const;

  // Why contains() is false: not_found, naming the first missing block when only part is there, or corrupt
  // naming a damaged block.
  Error not_stored(const codec::Cid& cid) const;

  // The old layout's files, as DiskObjectStore::for_each.
  Status for_each(const std::function<Status(const codec::Cid&)>& on_file,
                  const std::function<void(const std::filesystem::path&)>& on_other = {}) const;
  Status remove(const codec::Cid& cid) const;

 private:
  struct Layout;
  // The file as stored in objects/: nullopt when a block of it is missing; corrupt naming a block that is
  // not a regular file, or a leaf whose size is not what its file node says.
  Result<std::optional<Layout>> chunked_layout(const codec::Cid& cid) const;
  Status check_blocks(const codec::Cid& cid, const Layout& layout, unixfs::BlockSink* sink) const;
  Status write_leaves(const codec::Cid& cid, const unixfs::Profile& profile, const Layout& layout, int to,
                      const std::filesystem::path& destination) const;

  std::filesystem::path root_;
  std::filesystem::path objects_;
};

// The profile a stored CID was made under: v0 CIDs come only from unixfs-v0-2015, v1 from unixfs-v1-2025.
const unixfs::Profile& profile_of_cid(const codec::Cid& cid);

}  // namespace mlchain::repo
