#pragma once
// Walks a bundle's tree (docs/format.md) in the object store: UnixFS directories, flat or HAMT-sharded, down
// to the files, symlinks and empty directories they hold. status, diff, checkout, verify and show all
// compare or print this list.

#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/object_store.hpp"
#include "mlchain/unixfs/imported_node.hpp"

namespace mlchain::core {

// Trees deeper than this (directory levels below the root) are refused rather than risking the stack on a
// hostile DAG; commit refuses to make one.
inline constexpr std::size_t max_tree_depth = 512;

struct TreeEntry {
  std::string path;        // relative, '/'-separated, bytes as recorded; never empty, never "..", never absolute
  codec::Cid cid;          // a file's root CID (its key in the content store), or the node's CID
  std::uint64_t size = 0;  // file content bytes; 0 for directories and symlinks
  unixfs::NodeKind kind = unixfs::NodeKind::file;
  std::optional<std::string> symlink_target;  // symlinks only
  friend bool operator==(const TreeEntry&, const TreeEntry&) = default;
};

// Every file and symlink below `tree`, and every empty directory below it, sorted bytewise by path. A non-empty
// directory is implied by its contents and not listed. A tree that is itself a file or symlink gives
// one entry with an empty path. Names that are empty, "." or "..", or contain '/' or NUL are refused
// (ErrorKind::corrupt naming the directory's CID): such a tree cannot be checked out safely.
// Missing blocks are ErrorKind::not_found naming the CID.
Result<std::vector<TreeEntry>> list_files(ObjectStore& objects, const codec::Cid& tree);

// Every block CID the tree consists of that the object store keeps (directories, HAMT shards, inner file
// nodes), and every file root (the content store's keys), for gc's mark phase and fsck's checks.
struct TreeReach {
  std::vector<codec::Cid> blocks;
  std::vector<codec::Cid> file_roots;
};
Result<TreeReach> reach_of_tree(ObjectStore& objects, const codec::Cid& tree);

}  // namespace mlchain::core
