#pragma once
// The chain side of push (docs/format.md): after the push's objects are uploaded and pinned, one
// transaction moves the branch head in the registry by compare-and-swap, and refs/remotes/<remote>/<branch>
// moves only once its receipt has the confirmations asked for. Open transactions the journal holds for the
// remote (a push killed after broadcasting) are finished first, never signed again.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/chain/transactor.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/core/signer.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::chain {

// A remote with a chain: its JSON-RPC URL, registry, repository name, chain id and confirmations.
struct ChainRemote {
  std::string name;
  std::string rpc;
  codec::Address registry;
  std::string repo;
  std::optional<std::uint64_t> chain_id;  // nothing: whatever the node serves (set it: it guards the signing)
  std::uint64_t confirmations = 1;
};

bool has_chain(const remote::Remote& remote);
// Usage error naming the remote and the missing setting when it has no rpc, registry or repo.
Result<ChainRemote> chain_remote_of(const remote::Remote& remote);
// The configured remote `name` as a chain remote: not_found when no such remote is configured,
// invalid_argument when it lacks a chain setting.
Result<ChainRemote> find_chain_remote(const repo::Repository& repository, std::string_view name);

// "mlchain://<chain-id>@<registry>/<repo>#<branch>": one string naming a branch of a repository on a
// registry on a chain, which `mlchain clone` takes.
std::string clone_url(const ChainRemote& remote, std::optional<std::string_view> branch);

struct CloneTarget {
  std::optional<std::uint64_t> chain_id;  // "<chain-id>@" may be left out ("mlchain://ADDR/REPO")
  codec::Address registry;
  std::string repo;
  std::optional<std::string> branch;  // "#<branch>"
};
// Usage error naming the text and the expected form when it is not a clone URL.
Result<CloneTarget> parse_clone_url(std::string_view url);
bool is_clone_url(std::string_view text);

struct ChainOptions {
  std::optional<std::uint64_t> confirmations;  // overrides the remote's
  std::chrono::milliseconds receipt_timeout{std::chrono::minutes(5)};
};

ChainSettings settings_for(const ChainRemote& remote, const ChainOptions& options);

// The journal of the repository.
Journal journal_of(const repo::Repository& repository);

struct Anchored {
  std::string branch;
  std::optional<codec::Cid> old_head;
  codec::Cid new_head;
  Settled settled;
  bool resumed = false;  // finished from the journal, signed by an earlier run
};

struct AnchorReport {
  std::vector<Anchored> anchored;  // journaled pushes finished first, then this push's transaction
  bool up_to_date = false;         // the chain already held the local head
};

// Settles every transaction the journal holds for the remote (waits for it; never signs again), moving
// the tracking ref of each push that is mined. Stops at the first that fails (e.g. reverted: its error).
Result<std::vector<Anchored>> finish_journal(repo::Repository& repository, const ChainRemote& remote,
                                             Transactor& transactor, Journal& journal);

// Moves `branch` on the chain to `local_head`: finishes the remote's journaled transactions, then reads
// headOf, which must equal refs/remotes/<remote>/<branch> (nothing: a branch new on the chain) and be
// `local_head` or an ancestor of it — else not_fast_forward "the remote moved: fetch first" before anything is
// signed. Call only once every object of `local_head` is pinned on the remote's IPFS node.
Result<AnchorReport> anchor_branch(repo::Repository& repository, const ChainRemote& remote, std::string_view branch,
                                   const codec::Cid& local_head, core::Signer& signer, const ChainOptions& options);

// `push --speed-up`: replaces the remote's open push transaction (same nonce, both fees ≥ +10% and ≥ the
// market) and waits for one of them. not_found when the journal holds none for the remote.
Result<AnchorReport> speed_up_push(repo::Repository& repository, const ChainRemote& remote, core::Signer& signer,
                                   const ChainOptions& options);

}  // namespace mlchain::chain
