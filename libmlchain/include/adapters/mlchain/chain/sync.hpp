#pragma once
// fetch, pull and clone against a chain remote: branch heads come from the registry (branchesOf, headOf),
// their histories from IPFS (remote/fetch.hpp, every block re-hashed, every signature checked), and only
// then do refs move — refs/remotes/<remote>/<branch> on fetch, the local branch by fast-forward on pull.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/privacy/grants.hpp"
#include "mlchain/remote/fetch.hpp"

namespace mlchain::chain {

struct FetchedBranch {
  std::string branch;
  codec::Cid head;
  std::optional<codec::Cid> previous;  // the tracking ref before
  remote::FetchOutcome fetched;
};

// Every branch of the remote's repository (or only `only`), histories fetched, tracking refs set to the
// chain's heads. not_found when the repository (or the branch) has never been pushed. A private
// repository's contents are opened with `reader`'s grants (privacy/grants.hpp).
Result<std::vector<FetchedBranch>> fetch_branches(repo::Repository& repository, const ChainRemote& remote,
                                                  ipfs::Node& node, std::optional<std::string> only,
                                                  std::optional<std::uint64_t> depth,
                                                  const privacy::ReaderSource& reader = {});

struct PullOutcome {
  enum class Kind { up_to_date, fast_forward, created } kind = Kind::up_to_date;
  std::optional<codec::Cid> before;
  codec::Cid after;
  bool checked_out = false;  // the branch is HEAD's: the work tree now holds `after`
};

// Moves local `branch` forward to `head` (refs/remotes/<remote>/<branch> after a fetch), checking it out
// when HEAD is on it. not_fast_forward naming both commits and what to do when the branch has diverged.
Result<PullOutcome> fast_forward(repo::Repository& repository, std::string_view remote_name, std::string_view branch,
                                 const codec::Cid& head);

struct ChainCloneRequest {
  CloneTarget target;
  std::string rpc;
  std::string ipfs;
  std::optional<std::string> branch;  // wins over the URL's "#branch"; default: main if pushed, else the first
  std::filesystem::path directory;    // empty: the repository's name
  std::optional<std::uint64_t> depth;
  privacy::ReaderSource reader;  // a private repository's grantee
};

struct ChainCloneOutcome {
  std::filesystem::path work_tree;
  std::string branch;
  codec::Cid head;
  std::vector<FetchedBranch> branches;
  std::uint64_t files_written = 0;
};

// The branch's head from the registry, then remote::clone from IPFS, then remote "origin" completed with
// the chain settings and every branch fetched. A failed clone leaves no directory behind.
Result<ChainCloneOutcome> clone_from_chain(const ChainCloneRequest& request);

}  // namespace mlchain::chain
