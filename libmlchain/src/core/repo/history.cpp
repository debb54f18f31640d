#include "mlchain/core/history.hpp"

#include <queue>
#include <set>

namespace mlchain::core {

Result<Commit> load_commit(ObjectStore& objects, const codec::Cid& cid) {
  if (cid.codec() != codec::multicodec::dag_cbor)
    return make_error(ErrorKind::corrupt, cid.to_string() + " is not a commit (not a dag-cbor block)");
  MLCHAIN_TRY(auto block, objects.get(cid));
  auto commit = decode_commit(block);
  if (!commit) return make_error(ErrorKind::corrupt, cid.to_string() + " is not a commit: " + commit.error().message);
  return std::move(commit).value();
}

Result<std::vector<StoredCommit>> walk_history(ObjectStore& objects, const std::vector<codec::Cid>& starts,
                                               std::optional<std::size_t> limit) {
  // Newest first; among commits of the same second, the smaller CID text first, so the order is stable.
  struct Newer {
    bool operator()(const StoredCommit& a, const StoredCommit& b) const {
      if (a.commit.time != b.commit.time) return a.commit.time < b.commit.time;
      return a.cid.to_string() > b.cid.to_string();
    }
  };
  std::priority_queue<StoredCommit, std::vector<StoredCommit>, Newer> frontier;
  std::set<codec::Cid> seen;
  auto enqueue = [&](const codec::Cid& cid, const std::optional<codec::Cid>& child) -> Status {
    if (!seen.insert(cid).second) return {};
    auto commit = load_commit(objects, cid);
    if (!commit) {
      if (child && commit.error().kind == ErrorKind::not_found)
        return make_error(ErrorKind::not_found, "parent " + cid.to_string() + " of commit " + child->to_string() +
                                                    " is not in the repository");
      return std::move(commit).error();
    }
    frontier.push({cid, std::move(commit).value()});
    return {};
  };
  for (const auto& start : starts) MLCHAIN_TRY_STATUS(enqueue(start, std::nullopt));

  std::vector<StoredCommit> history;
  while (!frontier.empty() && (!limit || history.size() < *limit)) {
    StoredCommit next = frontier.top();
    frontier.pop();
    for (const auto& parent : next.commit.parents) MLCHAIN_TRY_STATUS(enqueue(parent, next.cid));
    history.push_back(std::move(next));
  }
  return history;
}

}  // namespace mlchain::core
