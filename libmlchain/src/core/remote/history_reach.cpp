#include "mlchain/remote/history_reach.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"

namespace mlchain::remote {

Result<HistoryReach> reach_of_history(core::ObjectStore& objects, const codec::Cid& head,
                                      std::optional<std::uint64_t> depth) {
  HistoryReach reach;
  std::set<codec::Cid> seen_commits{head};
  std::set<codec::Cid> seen_blocks;
  std::set<codec::Cid> seen_files;
  std::set<codec::Cid> cut;
  std::deque<std::pair<codec::Cid, std::uint64_t>> queue{{head, 1}};
  while (!queue.empty()) {
    const auto [cid, generation] = queue.front();
    queue.pop_front();
    MLCHAIN_TRY(const auto commit, core::load_commit(objects, cid));
    reach.commits.push_back(cid);
    MLCHAIN_TRY(const auto tree, core::reach_of_tree(objects, commit.tree));
    // reach_of_tree lists a directory before what it links; uploads and CARs go better children first.
    for (auto block = tree.blocks.rbegin(); block != tree.blocks.rend(); ++block)
      if (seen_blocks.insert(*block).second) reach.tree_blocks.push_back(*block);
    for (const auto& root : tree.file_roots)
      if (seen_files.insert(root).second) reach.file_roots.push_back(root);
    for (const auto& parent : commit.parents) {
      if (depth && generation >= *depth) {
        if (!seen_commits.contains(parent) && cut.insert(parent).second) reach.cut_parents.push_back(parent);
        continue;
      }
      if (seen_commits.insert(parent).second) queue.emplace_back(parent, generation + 1);
    }
  }
  std::erase_if(reach.cut_parents, [&](const codec::Cid& parent) { return seen_commits.contains(parent); });
  return reach;
}

}  // namespace mlchain::remote
