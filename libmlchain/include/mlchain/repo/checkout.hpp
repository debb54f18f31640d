#pragma once
// `mlchain checkout REV` (issue 5 item 7): make the work tree hold exactly REV's files, then point HEAD at
// REV (its branch when REV names one, else the commit itself: a detached HEAD).
//
// Plan first, write second. Before anything is written: the tree is checked for unsafe paths
// (core/checkout_safety.hpp), every file's contents must be in the store, and local changes against HEAD
// (and untracked or ignored things in the way) that checkout would overwrite or remove are refused unless
// forced. Then each file that differs is written beside its final path under a temporary name, verified
// against its CID and renamed into place, so no partly written file is ever seen at a final path; what
// REV does not have is removed; `.mlchain/` and ignored files elsewhere are left alone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

struct CheckoutOutcome {
  codec::Cid commit;
  std::optional<std::string> branch;  // HEAD names this branch now; nothing when HEAD is detached at `commit`
  std::uint64_t files_written = 0;    // files and symlinks written
  std::uint64_t bytes_written = 0;
  std::uint64_t removed = 0;          // files, symlinks and directories removed
  std::uint64_t unchanged = 0;        // entries already as REV has them
};

// Errors, all before anything is written unless said otherwise:
//   verification_failed: an unsafe path ("unsafe path '<p>' in tree <cid>: …"), a malformed tree, or
//     stored contents that do not hash to their CID (found while writing: that file is not renamed into
//     place, and the files written before it stay; HEAD does not move);
//   not_found: an unknown REV, a missing tree block, or a file's contents missing from the store (naming
//     the CID and the path);
//   conflict: local changes or untracked files in the way without `force` (listing every path), HEAD
//     moved by another process meanwhile, or the repository locked by another writer.
Result<CheckoutOutcome> checkout(Repository& repository, std::string_view revision, bool force);

}  // namespace mlchain::repo
