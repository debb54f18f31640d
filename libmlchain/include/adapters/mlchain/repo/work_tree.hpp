#pragma once
// The work tree as a bundle (docs/format.md, "Files and directories"): everything except `.mlchain/`, the
// metadata of version-control systems (core::is_never_in_bundle) and what `.mlchainignore` files leave out
// (core/ignore_rules.hpp; the ignore files themselves belong to the bundle, like .gitignore). Symlinks are
// not followed unless SnapshotOptions::dereference asks. A regular file the stat cache vouches for is not read; every
// other file is read once, and in SnapshotMode::store its contents and blocks reach the repository in
// that same pass (hash and store together).

#include <cstdint>
#include <functional>
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
  // SnapshotOptions::list_unsupported: the paths of FIFOs, sockets and devices, left out of the bundle.
  std::vector<std::string> unsupported;
};

struct SnapshotOptions {
  SnapshotMode mode = SnapshotMode::hash_only;
  // Every symlink is taken for what it points to: a file's contents, a directory's tree (recursively), as
  // `ipfs add --dereference-symlinks` does. A dangling link, a loop, or a link into `.mlchain/` is a usage
  // error naming it.
  bool dereference = false;
  // A FIFO, socket or device is listed in WorkTreeSnapshot::unsupported instead of failing the snapshot:
  // verify reports it as a problem of the work tree it checks.
  bool list_unsupported = false;
  // Bytes of the files hashed so far and of all the files to hash (those the stat cache cannot vouch
  // for), called one call at a time, from whichever thread made the progress.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

// Files of another type (fifos, sockets, devices) are an invalid_input error naming them and pointing at
// .mlchainignore, unless SnapshotOptions::list_unsupported; a file that changes size while it is read
// is changed_concurrently naming it. In SnapshotMode::store, before anything is stored, a tree that checkout would
// refuse (core::find_unsafe_entry: a symlink leaving the work tree or reaching into `.mlchain/`; deeper than
// core::max_tree_depth) is an invalid_input error naming the path and the way out.
Result<WorkTreeSnapshot> snapshot_work_tree(Repository& repository, const unixfs::Profile& profile,
                                            const LoadedIndex& index, const SnapshotOptions& options);
// With SnapshotOptions::dereference as `core.dereference` in the repository's config says.
Result<WorkTreeSnapshot> snapshot_work_tree(Repository& repository, const unixfs::Profile& profile,
                                            const LoadedIndex& index, SnapshotMode mode);

// `core.dereference`: "true" or "false" (the default); anything else is an invalid_input error naming it.
Result<bool> repository_dereferences(const Repository& repository);

}  // namespace mlchain::repo
