#include "mlchain/workflow/push.hpp"

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/keys/encryption_key.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::workflow {
namespace {

// What a push is about, settled before any byte moves.
struct PushTarget {
  std::string branch;
  codec::Cid tip;
  std::optional<codec::Cid> tracked;  // refs/remotes/<remote>/<branch> before the push
};

Result<PushTarget> resolve_target(repo::Repository& repository, const remote::Remote& target,
                                  const PushOptions& options) {
  if (!target.ipfs)
    return make_error(ErrorKind::invalid_argument, "remote '" + target.name +
                                                       "' has no IPFS API to push to; set one with "
                                                       "'mlchain remote add' (--ipfs URL)");
  std::string branch = options.branch;
  if (branch.empty()) {
    MLCHAIN_TRY(const auto head, repository.refs().read_head());
    if (!head.branch) return make_error(ErrorKind::invalid_argument, "HEAD is detached; name the branch to push");
    branch = *head.branch;
  }
  MLCHAIN_TRY(const auto tip, repository.refs().read(std::string(repo::heads_prefix) + branch));
  if (!tip) return make_error(ErrorKind::not_found, "branch '" + branch + "' does not exist (or has no commit yet)");
  MLCHAIN_TRY(auto tracked, repository.refs().read(remote::remote_ref_name(target.name, branch)));
  return PushTarget{branch, *tip, std::move(tracked)};
}

// What this repository last pushed to or fetched from the remote: the node holds their histories, so a
// push leaves out the blocks of their files (remote/push.hpp).
Result<std::vector<codec::Cid>> heads_given_before(repo::Repository& repository, const remote::Remote& target) {
  MLCHAIN_TRY(const auto refs, repository.refs().list(std::string(repo::remotes_prefix) + target.name + "/"));
  std::vector<codec::Cid> heads;
  for (const auto& ref : refs) heads.push_back(ref.target);
  return heads;
}

Result<PushReport> push_to_node(repo::Repository& repository, const remote::Remote& target, ipfs::Node& node,
                                const PushOptions& options, const AnchorStep& anchor, const PushTarget& push) {
  PushReport report{.remote = target,
                    .branch = push.branch,
                    .head = push.tip,
                    .node_url = node.url(),
                    .plan = {},
                    .sealed = std::nullopt,
                    .anchoring = std::nullopt};
  if (target.sealed) {
    if (!chain::has_chain(target))
      return make_error(ErrorKind::invalid_argument,
                        "private remote '" + target.name + "' has no chain: a private model's grants live on chain");
    MLCHAIN_TRY(auto signer, signer_for(&repository, options.key));
    MLCHAIN_TRY(const auto identity, keys::derive_encryption_key(*signer.signer));
    const privacy::OwnerKeys keys(repository, identity);
    MLCHAIN_TRY(report.sealed, privacy::upload_sealed(repository, node, keys, push.tip, options.progress));
  } else {
    MLCHAIN_TRY(const auto given_before, heads_given_before(repository, target));
    MLCHAIN_TRY(report.plan, remote::plan_push(repository, node, push.tip, given_before));
    MLCHAIN_TRY_STATUS(remote::upload(repository, node, report.plan, options.progress));
    MLCHAIN_TRY_STATUS(remote::pin_head(node, push.tip));
  }
  if (chain::has_chain(target)) {
    if (options.pinned_before_anchoring) options.pinned_before_anchoring(push.tip);
    if (!anchor)
      return make_error(ErrorKind::internal,
                        "push to chain remote '" + target.name + "' was given no chain to anchor on");
    MLCHAIN_TRY(report.anchoring, anchor(repository, push.branch, push.tip));
    return report;
  }
  MLCHAIN_TRY_STATUS(remote::record_remote_ref(repository, target.name, push.branch, push.tracked, push.tip));
  return report;
}

}  // namespace

Result<PushReport> push_branch(repo::Repository& repository, const remote::Remote& target, ipfs::Node& node,
                               const PushOptions& options, const AnchorStep& anchor) {
  MLCHAIN_TRY(const auto push, resolve_target(repository, target, options));
  return push_to_node(repository, target, node, options, anchor, push);
}

namespace {

// A remote is private when its configuration says so, or when the registry marks its repository private: a
// plain push must never put a private model's plaintext on a node.
Result<bool> is_sealed(const remote::Remote& target) {
  if (target.sealed || !chain::has_chain(target)) return target.sealed;
  MLCHAIN_TRY(const auto chain_remote, chain::chain_remote_of(target));
  eth::RpcClient rpc(eth::rpc_options_for(chain_remote.rpc));
  chain::RegistryClient registry(rpc, chain_remote.registry);
  return registry.is_private(chain_remote.repo);
}

}  // namespace

Result<PushReport> push_branch(repo::Repository& repository, const PushOptions& options) {
  MLCHAIN_TRY(auto target, remote::find_remote(repository, options.remote));
  MLCHAIN_TRY(target.sealed, is_sealed(target));
  // An existing repository is marked private before anything is uploaded (privacy::mark_private).
  bool marked_before = false;
  if (target.sealed && chain::has_chain(target)) {
    MLCHAIN_TRY(const auto chain_remote, chain::chain_remote_of(target));
    MLCHAIN_TRY(auto signer, signer_for(&repository, options.key));
    MLCHAIN_TRY(marked_before, privacy::mark_private(repository, chain_remote, *signer.signer, options.chain));
  }
  MLCHAIN_TRY(const auto push, resolve_target(repository, target, options));
  MLCHAIN_TRY(auto node, remote::open_node({.ipfs = target.ipfs, .gateway = std::nullopt}));
  const AnchorStep anchor = [&](repo::Repository& anchored_in, const std::string& branch,
                                const codec::Cid& head) -> Result<PushAnchoring> {
    MLCHAIN_TRY(auto chain_remote, chain::chain_remote_of(target));
    MLCHAIN_TRY(auto signer, signer_for(&anchored_in, options.key));
    MLCHAIN_TRY(auto report,
                chain::anchor_branch(anchored_in, chain_remote, branch, head, *signer.signer, options.chain));
    PushAnchoring anchoring{std::move(chain_remote), std::move(report), std::nullopt};
    if (target.sealed) {
      MLCHAIN_TRY(const auto identity, keys::derive_encryption_key(*signer.signer));
      const privacy::OwnerKeys keys(anchored_in, identity);
      MLCHAIN_TRY(anchoring.opened, privacy::open_to_readers(anchored_in, anchoring.chain, *node, keys, head,
                                                             *signer.signer, options.chain));
    }
    return anchoring;
  };
  MLCHAIN_TRY(auto report, push_to_node(repository, target, *node, options, anchor, push));
  if (report.anchoring && report.anchoring->opened) report.anchoring->opened->marked_private |= marked_before;
  return report;
}

Result<SpeedUpReport> speed_up_push(repo::Repository& repository, const PushOptions& options) {
  MLCHAIN_TRY(auto target, remote::find_remote(repository, options.remote));
  MLCHAIN_TRY(auto chain_remote, chain::chain_remote_of(target));
  MLCHAIN_TRY(auto signer, signer_for(&repository, options.key));
  MLCHAIN_TRY(auto report, chain::speed_up_push(repository, chain_remote, *signer.signer, options.chain));
  return SpeedUpReport{std::move(target), PushAnchoring{std::move(chain_remote), std::move(report), std::nullopt}};
}

}  // namespace mlchain::workflow
