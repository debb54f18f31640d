#pragma once
// `log` and `diff` limited to paths: which entries of a bundle (core/tree.hpp) a list of paths selects,
// and which commits change what it selects.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/core/history.hpp"
#include "mlchain/core/tree_diff.hpp"

namespace mlchain::core {

class PathFilter {
 public:
  // Paths relative to the work tree's root, '/'-separated, as work_tree_path() gives them. An empty path
  // (the root itself) or an empty list selects everything.
  explicit PathFilter(std::vector<std::string> paths = {});

  // `path` itself, or anything below it when a directory was named: "data" selects "data/x", not "database".
  bool selects(std::string_view path) const;
  bool selects_everything() const { return everything_; }

 private:
  std::vector<std::string> paths_;
  bool everything_ = false;
};

// `argument` (as typed, relative to `current_directory`) as a path relative to `work_tree`, found lexically:
// a symlink in the work tree is an entry of its own, not followed. Both directories absolute. invalid_argument error
// naming it when it lies outside the work tree.
Result<std::string> work_tree_path(const std::filesystem::path& work_tree,
                                   const std::filesystem::path& current_directory, std::string_view argument);

// The changes at the paths `filter` selects, in their order.
std::vector<TreeChange> selected_changes(std::vector<TreeChange> changes, const PathFilter& filter);

// walk_history's commits that change what `filter` selects: those whose selected entries differ from
// those of every parent (a merge that took one side as it was changes nothing there), and a root commit
// that holds any. At most `limit` of them, newest first.
Result<std::vector<StoredCommit>> walk_history_of_paths(ObjectStore& objects, const std::vector<codec::Cid>& starts,
                                                        const PathFilter& filter,
                                                        std::optional<std::size_t> limit = std::nullopt);

}  // namespace mlchain::core
