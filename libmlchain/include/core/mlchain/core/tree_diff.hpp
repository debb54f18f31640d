#pragma once
// What changed between two listings of a bundle (core/tree.hpp's TreeEntry, from a commit's tree or
// from the work tree), and between two commits' metrics and params: what status and diff print.

#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/commit.hpp"
#include "mlchain/core/tree.hpp"

namespace mlchain::core {

enum class ChangeKind { added, modified, deleted };

struct TreeChange {
  ChangeKind kind;
  std::string path;
  std::optional<TreeEntry> before;  // absent for added
  std::optional<TreeEntry> after;   // absent for deleted
};

// Both listings sorted by path (as list_files gives them); the changes come sorted by path. An entry
// whose CID, kind or symlink target differs is modified.
std::vector<TreeChange> diff_trees(const std::vector<TreeEntry>& before, const std::vector<TreeEntry>& after);

template <class Value>
struct ValueChange {
  std::string name;
  std::optional<Value> before;
  std::optional<Value> after;
};

// Names whose value was added, removed or changed, sorted by name.
std::vector<ValueChange<double>> diff_metrics(const CommitMeta& before, const CommitMeta& after);
std::vector<ValueChange<ParamValue>> diff_params(const CommitMeta& before, const CommitMeta& after);

}  // namespace mlchain::core
