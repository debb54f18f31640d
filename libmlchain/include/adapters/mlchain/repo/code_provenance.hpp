#pragma once
// Which code made a bundle (docs/format.md, `meta.code.git`): read with libgit2 from the git repository that
// encloses the work tree, if there is one.

#include <filesystem>
#include <optional>

#include "mlchain/core/commit.hpp"

namespace mlchain::repo {

// Nothing when no git repository encloses `work_tree`. Otherwise: HEAD's commit id (none before the
// first git commit), its branch (none when detached), the "origin" remote's URL without credentials
// (none without such a remote), and whether anything differs from HEAD: a tracked change, staged or not,
// or an untracked file git does not ignore. The mlchain repository's own directory never counts.
// A git repository libgit2 cannot read is an internal error naming it.
Result<std::optional<core::GitProvenance>> read_code_provenance(const std::filesystem::path& work_tree);

}  // namespace mlchain::repo
