#pragma once
// Writing a commit's files into the work tree: `mlchain checkout REV`, `mlchain reset --hard REV` and
// `mlchain restore PATH…`. Temporary names and leftovers: docs/format.md ("Writes").
//
// `checkout` makes the work tree hold exactly REV's files, then points HEAD at REV (its branch when REV
// names one, else the commit itself: a detached HEAD).
//
// Plan first, stage second, switch last. Before anything is written: the tree is checked for unsafe paths
// (core/checkout_safety.hpp), every file's contents must be in the store, and what checkout would lose is
// refused unless forced: local changes to files HEAD records, and untracked or ignored things standing
// where REV puts something. Untracked files anywhere else are never touched, with or without force: only
// what HEAD records is ever removed. Then every file and symlink that differs is staged: written under a
// temporary name in its directory (or the nearest one that exists yet) and verified against its CID. Only
// once every one of them is staged does the work tree change: removals, then renames into place. A
// checkout that fails while staging (corrupt stored contents, a full disk) removes its temporaries and
// leaves the work tree and HEAD exactly as they were. `.mlchain/` is never touched.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/repo/prestaged_file.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

// Bytes of file contents staged so far, of `total` to stage, for progress bars: called after each file,
// from the staging threads but never two calls at once.
using CheckoutProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct CheckoutOutcome {
  codec::Cid commit;
  std::optional<std::string> branch;  // HEAD names this branch now; nothing when HEAD is detached at `commit`
  std::uint64_t files_written = 0;    // files and symlinks written
  std::uint64_t bytes_written = 0;
  std::uint64_t removed = 0;    // files, symlinks and directories removed
  std::uint64_t unchanged = 0;  // entries already as REV has them
};

// Errors, all before the work tree changes unless said otherwise:
//   corrupt: an unsafe path ("unsafe path '<p>' in tree <cid>: …"), a malformed tree, or
//     stored contents that do not hash to their CID (found while staging: nothing placed, HEAD stays);
//   not_found: an unknown REV, a missing tree block, or a file's contents missing from the store (naming
//     the CID and the path);
//   refused: local changes, or untracked files where REV puts something, without `force` (listing every
//     path);
//   changed_concurrently: HEAD moved by another process meanwhile (after the work tree switched);
//   locked: the repository, the index or HEAD locked by another process (naming the lock file; for HEAD,
//     after the work tree switched).
// `prestaged`: files of REV the caller wrote into the work tree already (repo/prestaged_file.hpp); each is
// renamed into place for the first path with its CID, and any not taken is removed.
Result<CheckoutOutcome> checkout(Repository& repository, std::string_view revision, bool force,
                                 const CheckoutProgress& progress = {}, const PrestagedFiles& prestaged = {});

enum class ResetMode {
  soft,  // only the current branch (or the detached HEAD) moves; the work tree stays as it is
  hard,  // the work tree is also made to hold REV's files, as a forced checkout does
};

struct ResetOutcome {
  codec::Cid commit;
  std::optional<codec::Cid> previous;        // what HEAD stood for before; nothing on an unborn branch
  std::optional<std::string> branch;         // the branch moved; nothing when HEAD is detached
  std::optional<CheckoutOutcome> work_tree;  // ResetMode::hard only
};

// Moves what HEAD stands for (the current branch, else the detached HEAD) to REV, whatever the two
// commits' relation. Errors as checkout's, and changed_concurrently when HEAD moved meanwhile.
Result<ResetOutcome> reset(Repository& repository, std::string_view revision, ResetMode mode,
                           const CheckoutProgress& progress = {});

struct RestoreOutcome {
  codec::Cid source;
  std::uint64_t files_written = 0;  // files and symlinks written
  std::uint64_t bytes_written = 0;
};

// Writes the entries of `source` at or below each of `paths` (relative to the work tree, '/'-separated;
// "" or "." for all of it) into the work tree, verified, staged as checkout stages; HEAD does not move.
// Local changes at those paths are overwritten; files there that `source` does not have stay.
// Errors: not_found for a path `source` does not hold (naming it and the commit) and as checkout's;
// invalid_argument for a path outside the work tree; refused when something other than an empty directory stands
// where `source` puts a file, or a file where it needs a directory.
Result<RestoreOutcome> restore(Repository& repository, const std::vector<std::string>& paths, std::string_view source,
                               const CheckoutProgress& progress = {});

}  // namespace mlchain::repo
