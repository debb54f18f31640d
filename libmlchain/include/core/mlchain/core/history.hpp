#pragma once
// Reading commits back from the object store and walking their ancestry, newest first.

#include <optional>
#include <vector>

#include "mlchain/core/commit.hpp"
#include "mlchain/core/object_store.hpp"

namespace mlchain::core {

struct StoredCommit {
  codec::Cid cid;
  Commit commit;
};

// The commit with that CID: not_found naming it when absent, corrupt when its block is
// corrupt or is not a commit (a ref or parent link that names a tree or a file is damage; a revision the
// user typed is checked for a commit's codec before it gets here).
Result<Commit> load_commit(ObjectStore& objects, const codec::Cid& cid);

// The commits reachable from `starts` (all parents, each once), newest first by time, ties broken by CID;
// at most `limit` of them when given. A missing parent is not_found naming it.
Result<std::vector<StoredCommit>> walk_history(ObjectStore& objects, const std::vector<codec::Cid>& starts,
                                               std::optional<std::size_t> limit = std::nullopt);

}  // namespace mlchain::core
