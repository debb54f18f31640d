#include "mlchain/chain/sync.hpp"

#include <algorithm>
#include <system_error>

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/repo/checkout.hpp"

namespace mlchain::chain {
namespace {

namespace stdfs = std::filesystem;

Result<bool> contains_in_history(repo::Repository& repository, const codec::Cid& ancestor, const codec::Cid& head) {
  if (ancestor == head) return true;
  MLCHAIN_TRY(const auto history, core::walk_history(repository.objects(), {head}));
  return std::any_of(history.begin(), history.end(), [&](const core::StoredCommit& c) { return c.cid == ancestor; });
}

}  // namespace

Result<std::vector<FetchedBranch>> fetch_branches(repo::Repository& repository, const ChainRemote& remote,
                                                  ipfs::Node& node, std::optional<std::string> only,
                                                  std::optional<std::uint64_t> depth,
                                                  const privacy::ReaderSource& reader) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  if (remote.chain_id) {
    MLCHAIN_TRY(const std::uint64_t chain_id, rpc.chain_id());
    if (chain_id != *remote.chain_id)
      return make_error(ErrorKind::invalid_input, "the node at " + rpc.display_url() + " serves chain " +
                                                      std::to_string(chain_id) + ", not chain " +
                                                      std::to_string(*remote.chain_id) + " as remote '" + remote.name +
                                                      "' says");
  }
  RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  std::vector<std::string> branches;
  if (only) {
    branches.push_back(*only);
  } else {
    MLCHAIN_TRY(branches, registry.branches_of(remote.repo));
    if (branches.empty())
      return make_error(ErrorKind::not_found, "repository " + remote.repo + " has never been pushed to registry " +
                                                  codec::to_checksum_address(remote.registry));
  }
  MLCHAIN_TRY(auto sealed, privacy::private_contents(registry, remote.repo, node, reader));
  std::vector<FetchedBranch> fetched;
  for (const auto& branch : branches) {
    MLCHAIN_TRY(const auto head, registry.head_of(remote.repo, branch));
    if (!head)
      return make_error(ErrorKind::not_found, "branch " + branch + " of " + remote.repo + " has never been pushed");
    MLCHAIN_TRY(auto outcome, remote::fetch_history(repository, node, *head, depth, {}, sealed.get()));
    const std::string tracking = std::string(repo::remotes_prefix) + remote.name + "/" + branch;
    MLCHAIN_TRY(const auto previous, repository.refs().read(tracking));
    if (previous != *head) MLCHAIN_TRY_STATUS(repository.refs().compare_and_swap(tracking, previous, *head, "fetch"));
    fetched.push_back(FetchedBranch{branch, *head, previous, std::move(outcome)});
  }
  return fetched;
}

Result<PullOutcome> fast_forward(repo::Repository& repository, std::string_view remote_name, std::string_view branch,
                                 const codec::Cid& head) {
  const std::string name = std::string(repo::heads_prefix) + std::string(branch);
  MLCHAIN_TRY(const auto local, repository.refs().read(name));
  MLCHAIN_TRY(const auto current, repository.refs().read_head());
  const bool on_branch = current.branch && *current.branch == branch;
  PullOutcome outcome;
  outcome.before = local;
  outcome.after = head;
  if (local == head) return outcome;
  if (local) {
    MLCHAIN_TRY(const bool forward, contains_in_history(repository, *local, head));
    if (!forward) {
      MLCHAIN_TRY(const bool behind, contains_in_history(repository, head, *local));
      if (behind) return outcome;  // the remote is behind us: push, not pull
      return make_error(ErrorKind::not_fast_forward,
                        "branch " + std::string(branch) + " has diverged: local " + local->to_string() + ", " +
                            std::string(remote_name) + " " + head.to_string() +
                            "; pull only fast-forwards — keep your work on another branch ('mlchain branch NAME'), "
                            "then 'mlchain checkout --force " +
                            std::string(repo::remotes_prefix) + std::string(remote_name) + "/" + std::string(branch) +
                            "' and move " + std::string(branch) + " there, or merge and push");
    }
  }
  outcome.kind = local ? PullOutcome::Kind::fast_forward : PullOutcome::Kind::created;
  if (on_branch) {
    // The work tree follows the commit first (detached), then the branch moves and HEAD names it again,
    // so local changes are judged against the commit the work tree really holds.
    if (auto moved = repo::checkout(repository, head.to_string(), false); !moved) return std::move(moved).error();
    MLCHAIN_TRY_STATUS(repository.refs().compare_and_swap(name, local, head, "pull: fast-forward"));
    repo::Head detached;
    detached.detached = head;
    repo::Head named;
    named.branch = std::string(branch);
    MLCHAIN_TRY_STATUS(repository.refs().switch_head(detached, head, named, "pull: back on " + std::string(branch)));
    outcome.checked_out = true;
  } else {
    MLCHAIN_TRY_STATUS(repository.refs().compare_and_swap(name, local, head, "pull: fast-forward"));
  }
  return outcome;
}

Result<ChainCloneOutcome> clone_from_chain(const ChainCloneRequest& request) {
  ChainRemote chain;
  chain.name = remote::default_remote;
  chain.rpc = request.rpc;
  chain.registry = request.target.registry;
  chain.repo = request.target.repo;
  chain.chain_id = request.target.chain_id;

  eth::RpcClient rpc(eth::rpc_options_for(request.rpc));
  MLCHAIN_TRY(const std::uint64_t chain_id, rpc.chain_id());
  if (chain.chain_id && *chain.chain_id != chain_id)
    return make_error(ErrorKind::invalid_input, "the node at " + rpc.display_url() + " serves chain " +
                                                    std::to_string(chain_id) + ", but the clone URL names chain " +
                                                    std::to_string(*chain.chain_id));
  chain.chain_id = chain_id;
  RegistryClient registry(rpc, chain.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  MLCHAIN_TRY(const auto branches, registry.branches_of(chain.repo));
  if (branches.empty())
    return make_error(ErrorKind::not_found, "repository " + chain.repo + " has never been pushed to registry " +
                                                codec::to_checksum_address(chain.registry) + " on chain " +
                                                std::to_string(chain_id));
  std::string branch = request.branch.value_or(request.target.branch.value_or(""));
  if (branch.empty())
    branch = std::find(branches.begin(), branches.end(), repo::initial_branch) != branches.end() ? repo::initial_branch
                                                                                                 : branches.front();
  MLCHAIN_TRY(const auto head, registry.head_of(chain.repo, branch));
  if (!head)
    return make_error(ErrorKind::not_found, "branch " + branch + " of " + chain.repo + " has never been pushed");

  MLCHAIN_TRY(auto node, remote::open_node({.ipfs = request.ipfs, .gateway = std::nullopt}));
  MLCHAIN_TRY(auto sealed, privacy::private_contents(registry, chain.repo, *node, request.reader));
  remote::CloneRequest clone_request;
  clone_request.head = *head;
  clone_request.directory = request.directory.empty() ? stdfs::path(chain.repo) : request.directory;
  clone_request.address.ipfs = request.ipfs;
  clone_request.depth = request.depth;
  clone_request.sealed = sealed.get();
  MLCHAIN_TRY(auto cloned, remote::clone(clone_request, *node));

  auto complete = [&]() -> Result<ChainCloneOutcome> {
    MLCHAIN_TRY(auto repository, repo::discover_repository(cloned.work_tree));
    MLCHAIN_TRY_STATUS(remote::set_remote_setting(repository, chain.name, "rpc", chain.rpc));
    MLCHAIN_TRY_STATUS(
        remote::set_remote_setting(repository, chain.name, "registry", codec::to_checksum_address(chain.registry)));
    MLCHAIN_TRY_STATUS(remote::set_remote_setting(repository, chain.name, "repo", chain.repo));
    MLCHAIN_TRY_STATUS(remote::set_remote_setting(repository, chain.name, "chain-id", std::to_string(chain_id)));
    if (branch != repo::initial_branch) {
      MLCHAIN_TRY_STATUS(
          repository.refs().compare_and_swap(std::string(repo::heads_prefix) + branch, std::nullopt, *head));
      repo::Head initial;
      initial.branch = std::string(repo::initial_branch);
      repo::Head named;
      named.branch = branch;
      MLCHAIN_TRY_STATUS(repository.refs().switch_head(initial, *head, named));
      MLCHAIN_TRY_STATUS(repository.refs().remove(std::string(repo::heads_prefix) + repo::initial_branch, *head));
    }
    MLCHAIN_TRY(auto fetched, fetch_branches(repository, chain, *node, std::nullopt, request.depth, request.reader));
    return ChainCloneOutcome{cloned.work_tree, branch, *head, std::move(fetched), cloned.files_written};
  };
  auto outcome = complete();
  if (!outcome) {
    std::error_code ignored;
    stdfs::remove_all(cloned.work_tree, ignored);
  }
  return outcome;
}

}  // namespace mlchain::chain
