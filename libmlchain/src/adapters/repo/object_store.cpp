#include "mlchain/repo/object_store.hpp"

#include <sys/stat.h>

#include "disk.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::repo {
namespace {

// The largest chunk of any profile: a file that is its own leaf is never bigger.
constexpr std::uint64_t largest_leaf = 1024 * 1024;
// IPFS exchanges no block larger than 2 MiB (bitswap), so no block of ours is: a larger file in objects/
// is damage, and is never read whole.
constexpr std::uint64_t max_block_bytes = 2 * 1024 * 1024;

bool may_be_whole_file_leaf(const codec::Cid& cid) {
  return cid.codec() == codec::multicodec::raw || cid.codec() == codec::multicodec::dag_pb;
}

Error corrupt(const codec::Cid& cid, const std::filesystem::path& path) {
  return make_error(ErrorKind::corrupt,
                    "object " + cid.to_string() + " is corrupt: " + path.string() + " does not hash to it");
}

}  // namespace

std::string storage_key(const codec::Cid& cid) { return codec::Cid(1, cid.codec(), cid.hash()).to_string(); }

std::filesystem::path fanned_out_path(const std::filesystem::path& root, const codec::Cid& cid) {
  const std::string key = storage_key(cid);
  return root / key.substr(key.size() - 3, 2) / key;
}

std::optional<codec::Cid> cid_of_storage_key(std::string_view name) {
  if (name.empty() || name[0] != 'b') return std::nullopt;
  auto cid = codec::Cid::parse(name);
  if (!cid || cid->version() != 1 || cid->to_string() != name) return std::nullopt;
  return *cid;
}

Status DiskObjectStore::put(const codec::Cid& cid, ByteView block) {
  if (!cid.matches(block))
    return make_error(ErrorKind::internal,
                      "refusing to store a block under " + cid.to_string() + ", which it does not hash to");
  const auto path = path_of(cid);
  // Stored already; anything else under its name (a short file, a symlink, a FIFO) is replaced.
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
      static_cast<std::uint64_t>(info.st_size) == block.size())
    return {};
  MLCHAIN_TRY_STATUS(disk::make_directories(path.parent_path()));
  return fs::write_file_atomically(path, block, {0444, fs::IfExists::replace});
}

Result<Bytes> DiskObjectStore::get(const codec::Cid& cid) {
  const auto path = path_of(cid);
  auto block = disk::read_stored_file(path, max_block_bytes);
  if (block) {
    if (!cid.matches(*block)) return corrupt(cid, path);
    return std::move(block).value();
  }
  if (block.error().kind != ErrorKind::not_found) return std::move(block).error();

  // An older repository's one-chunk file: whole in files/ (docs/format.md §5), its leaf rebuilt from there.
  if (may_be_whole_file_leaf(cid)) {
    MLCHAIN_TRY(const auto whole, contents_.whole_file(cid));
    struct stat info {};
    if (whole && ::lstat(whole->c_str(), &info) == 0 && static_cast<std::uint64_t>(info.st_size) <= largest_leaf) {
      MLCHAIN_TRY(auto contents, disk::read_stored_file(*whole, largest_leaf));
      auto leaf = unixfs::make_leaf(profile_of_cid(cid), contents);
      if (leaf.cid.codec() != cid.codec() || !cid.matches(leaf.block)) return corrupt(cid, *whole);
      return std::move(leaf.block);
    }
  }
  return make_error(ErrorKind::not_found, "object " + cid.to_string() + " is not in the repository");
}

Result<bool> DiskObjectStore::contains(const codec::Cid& cid) {
  struct stat info {};
  if (::lstat(path_of(cid).c_str(), &info) == 0) return true;
  if (!may_be_whole_file_leaf(cid)) return false;
  MLCHAIN_TRY(const auto whole, contents_.whole_file(cid));
  return whole && ::lstat(whole->c_str(), &info) == 0 && static_cast<std::uint64_t>(info.st_size) <= largest_leaf;
}

Status DiskObjectStore::for_each(const std::function<Status(const codec::Cid&)>& on_block,
                                 const std::function<void(const std::filesystem::path&)>& on_other) const {
  return for_each_stored_cid(root_, on_block, on_other);
}

Status DiskObjectStore::remove(const codec::Cid& cid) { return remove_stored(root_, cid); }

Status for_each_stored_cid(const std::filesystem::path& root, const std::function<Status(const codec::Cid&)>& on_cid,
                           const std::function<void(const std::filesystem::path&)>& on_other) {
  return disk::for_each_stored_file(root, [&](const std::filesystem::path& path, const std::string& name) -> Status {
    // A block's name in another fan-out directory than its own is not where a read looks for it.
    if (auto cid = cid_of_storage_key(name); cid && path == fanned_out_path(root, *cid)) return on_cid(*cid);
    if (on_other) on_other(path);
    return {};
  });
}

Status remove_stored(const std::filesystem::path& root, const codec::Cid& cid) {
  const auto path = fanned_out_path(root, cid);
  std::error_code error;
  std::filesystem::remove(path, error);
  // A non-empty directory where a stored file belongs is damage, not a failure of the machine.
  if (error) return disk::stored_file_error(error.value(), "remove", path);
  return {};
}

}  // namespace mlchain::repo
