#include "mlchain/core/path_filter.hpp"

#include <algorithm>
#include <map>

#include "mlchain/core/tree.hpp"

namespace mlchain::core {

PathFilter::PathFilter(std::vector<std::string> paths) : paths_(std::move(paths)) {
  everything_ =
      paths_.empty() || std::any_of(paths_.begin(), paths_.end(), [](const auto& path) { return path.empty(); });
}

bool PathFilter::selects(std::string_view path) const {
  if (everything_) return true;
  return std::any_of(paths_.begin(), paths_.end(), [&](const std::string& selected) {
    return path == selected ||
           (path.size() > selected.size() && path.starts_with(selected) && path[selected.size()] == '/');
  });
}

Result<std::string> work_tree_path(const std::filesystem::path& work_tree,
                                   const std::filesystem::path& current_directory, std::string_view argument) {
  const auto absolute = (current_directory / std::filesystem::path(argument)).lexically_normal();
  const auto relative = absolute.lexically_relative(work_tree.lexically_normal());
  const auto first = relative.begin();
  if (relative.empty() || (first != relative.end() && *first == ".."))
    return make_error(ErrorKind::invalid_argument,
                      "'" + std::string(argument) + "' is outside the work tree " + work_tree.string());
  std::string path = relative.generic_string();
  if (path == ".") return std::string();
  while (path.ends_with('/')) path.pop_back();
  return path;
}

std::vector<TreeChange> selected_changes(std::vector<TreeChange> changes, const PathFilter& filter) {
  std::erase_if(changes, [&](const TreeChange& change) { return !filter.selects(change.path); });
  return changes;
}

Result<std::vector<StoredCommit>> walk_history_of_paths(ObjectStore& objects, const std::vector<codec::Cid>& starts,
                                                        const PathFilter& filter, std::optional<std::size_t> limit) {
  if (filter.selects_everything()) return walk_history(objects, starts, limit);
  MLCHAIN_TRY(auto history, walk_history(objects, starts));
  // Each tree is listed once, however many commits share it or name it as a parent's.
  std::map<codec::Cid, std::vector<TreeEntry>> selected_by_tree;
  auto selected_entries = [&](const codec::Cid& tree) -> Result<const std::vector<TreeEntry>*> {
    auto found = selected_by_tree.find(tree);
    if (found == selected_by_tree.end()) {
      MLCHAIN_TRY(auto entries, list_files(objects, tree));
      std::erase_if(entries, [&](const TreeEntry& entry) { return !filter.selects(entry.path); });
      found = selected_by_tree.emplace(tree, std::move(entries)).first;
    }
    return &found->second;
  };
  std::map<codec::Cid, codec::Cid> tree_of;
  for (const auto& entry : history) tree_of.emplace(entry.cid, entry.commit.tree);

  std::vector<StoredCommit> touching;
  for (auto& entry : history) {
    if (limit && touching.size() >= *limit) break;
    MLCHAIN_TRY(const auto* own, selected_entries(entry.commit.tree));
    bool changed = entry.commit.parents.empty() ? !own->empty() : true;
    for (const auto& parent : entry.commit.parents) {
      const auto parent_tree = tree_of.find(parent);
      if (parent_tree == tree_of.end()) continue;  // beyond the history there is (a shallow clone's cut)
      MLCHAIN_TRY(const auto* before, selected_entries(parent_tree->second));
      if (*before == *own) {
        changed = false;
        break;
      }
    }
    if (changed) touching.push_back(std::move(entry));
  }
  return touching;
}

}  // namespace mlchain::core
