#include "mlchain/core/tree_diff.hpp"

#include <map>

namespace mlchain::core {
namespace {

bool same_content(const TreeEntry& a, const TreeEntry& b) {
  return a.cid == b.cid && a.kind == b.kind && a.symlink_target == b.symlink_target;
}

template <class Value>
std::vector<ValueChange<Value>> diff_maps(const std::map<std::string, Value>& before,
                                          const std::map<std::string, Value>& after) {
  std::vector<ValueChange<Value>> changes;
  auto old_it = before.begin();
  auto new_it = after.begin();
  while (old_it != before.end() || new_it != after.end()) {
    if (new_it == after.end() || (old_it != before.end() && old_it->first < new_it->first)) {
      changes.push_back({old_it->first, old_it->second, std::nullopt});
      ++old_it;
    } else if (old_it == before.end() || new_it->first < old_it->first) {
      changes.push_back({new_it->first, std::nullopt, new_it->second});
      ++new_it;
    } else {
      if (!(old_it->second == new_it->second)) changes.push_back({old_it->first, old_it->second, new_it->second});
      ++old_it;
      ++new_it;
    }
  }
  return changes;
}

}  // namespace

std::vector<TreeChange> diff_trees(const std::vector<TreeEntry>& before, const std::vector<TreeEntry>& after) {
  std::vector<TreeChange> changes;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && before[i].path < after[j].path)) {
      changes.push_back({ChangeKind::deleted, before[i].path, before[i], std::nullopt});
      ++i;
    } else if (i == before.size() || after[j].path < before[i].path) {
      changes.push_back({ChangeKind::added, after[j].path, std::nullopt, after[j]});
      ++j;
    } else {
      if (!same_content(before[i], after[j]))
        changes.push_back({ChangeKind::modified, after[j].path, before[i], after[j]});
      ++i;
      ++j;
    }
  }
  return changes;
}

std::vector<ValueChange<double>> diff_metrics(const CommitMeta& before, const CommitMeta& after) {
  return diff_maps(before.metrics, after.metrics);
}

std::vector<ValueChange<ParamValue>> diff_params(const CommitMeta& before, const CommitMeta& after) {
  return diff_maps(before.params, after.params);
}

}  // namespace mlchain::core
