#pragma once
// The work tree as a bundle (DESIGN §3.1): everything beside `.mlchain/` except what `.mlchainignore`
// files leave out (core/ignore_rules.hpp; the ignore files themselves belong to the bundle, like
// .gitignore). Symlinks are never followed. A regular file the stat cache vouches for is not read; every
// other file is read once, and in SnapshotMode::store its contents and blocks reach the repository in
// that same pass (hash and store together).

#include <cstdint>
#include <vector>

#include "mlchain/core/stat_index.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::repo {

enum class SnapshotMode {
  hash_only,  // status, diff: CIDs only; nothing is written
  store,      // commit: file contents into files/ and their dag-pb blocks into objects/ as they are read;
              // the directory and symlink blocks are kept in tree_blocks for the caller to store
};

struct TreeBlock {
  codec::Cid cid;
  Bytes block;
};

struct WorkTreeSnapshot {
  unixfs::ImportedNode root;             // the bundle's root directory
  std::vector<core::TreeEntry> entries;  // as core::list_files lists a tree: files, symlinks, empty directories
  std::vector<core::StatEntry> index;    // the refreshed stat cache, sorted by path
  std::uint64_t files_read = 0;          // files hashed because the stat cache could not vouch for them
  std::uint64_t bytes_read = 0;
  // SnapshotMode::store: the blocks of the directories and symlinks, children before parents, left for
  // the caller to store only if it makes a commit, so that "nothing to commit" writes nothing.
  std::vector<TreeBlock> tree_blocks;
  // Checkout's temporary files (".<name>.mlchain.tmp-<pid>-<n>"), never part of the bundle: a running
  // checkout's, or an interrupted one's for the next checkout or gc to remove.
  std::vector<std::string> checkout_temporaries;
};

// Files of another type (fifos, sockets, devices) are a usage error naming them and pointing at
// .mlchainignore; a file that changes size while it is read is a conflict naming it.
Result<WorkTreeSnapshot> snapshot_work_tree(Repository& repository, const unixfs::Profile& profile,
                                            const LoadedIndex& index, SnapshotMode mode);

}  // namespace mlchain::repo
