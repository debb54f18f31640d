#pragma once
// How the work tree differs from a commit: what `mlchain status` and `mlchain diff` report. Files the
// stat cache vouches for are not read; the rest are hashed, never stored. The refreshed stat cache is
// saved when nobody else is writing the index at that moment, so the next look is fast.

#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/tree_diff.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

struct WorkTreeChanges {
  std::vector<core::TreeChange> changes;     // sorted by path
  std::optional<std::string> index_warning;  // a damaged index was ignored (and rebuilt)
  std::uint64_t files_read = 0;
};

// Against `commit` (its tree, hashed under its profile), or against an empty tree when there is none.
Result<WorkTreeChanges> compare_work_tree(Repository& repository, const std::optional<codec::Cid>& commit);

}  // namespace mlchain::repo
