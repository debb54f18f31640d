#pragma once
// The object store on disk: `.mlchain/objects/<xx>/<key>`, one file per block, where <key> is the CIDv1
// base32 text of the block's codec and multihash (also for v0 CIDs, whose base58 names could collide on
// case-insensitive file systems) and <xx> the two characters before its last one (Kubo flatfs's
// next-to-last/2: the last base32 character carries only 3 bits of the digest).

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mlchain/core/object_store.hpp"
#include "mlchain/repo/content_store.hpp"

namespace mlchain::repo {

// The key and fan-out directory every CID-keyed store uses (objects/ and files/ alike).
std::string storage_key(const codec::Cid& cid);
std::filesystem::path fanned_out_path(const std::filesystem::path& root, const codec::Cid& cid);
// The CID a stored file's name stands for, or nothing for names that are not storage keys.
std::optional<codec::Cid> cid_of_storage_key(std::string_view name);
// Every file a CID-keyed store under `root` holds under its own name, by its CID; any other entry (a
// temporary, a file mlchain did not write, a block in another fan-out directory than its own) goes to
// `on_other` (fsck reports it, gc leaves it alone).
Status for_each_stored_cid(const std::filesystem::path& root, const std::function<Status(const codec::Cid&)>& on_cid,
                           const std::function<void(const std::filesystem::path&)>& on_other);
// Removes what a CID-keyed store under `root` holds for `cid` (gc).
Status remove_stored(const std::filesystem::path& root, const codec::Cid& cid);

// Every write is atomic (temp file in the fan-out directory, fsync, rename, fsync the directory).
class DiskObjectStore final : public core::ObjectStore {
 public:
  // `contents` serves the one-chunk files that are their own leaf (see core::ObjectStore::get).
  DiskObjectStore(std::filesystem::path root, ContentStore contents)
      : root_(std::move(root)), contents_(std::move(contents)) {}

  Status put(const codec::Cid& cid, ByteView block) override;
  Result<Bytes> get(const codec::Cid& cid) override;
  Result<bool> contains(const codec::Cid& cid) override;

  std::filesystem::path path_of(const codec::Cid& cid) const { return fanned_out_path(root_, cid); }
  const std::filesystem::path& root() const { return root_; }

  // Every stored block's CID, read from the names (nothing is opened). Any other entry goes to `on_other`
  // with its path, if given (as for_each_stored_cid).
  Status for_each(const std::function<Status(const codec::Cid&)>& on_block,
                  const std::function<void(const std::filesystem::path&)>& on_other = {}) const;

  // Removes one block (gc, under lock_for_gc; a fetch, a damaged leaf it receives again). Absent is not an error.
  Status remove(const codec::Cid& cid);

 private:
  std::filesystem::path root_;
  ContentStore contents_;
};

}  // namespace mlchain::repo
