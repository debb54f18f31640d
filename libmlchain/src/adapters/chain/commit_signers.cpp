#include "mlchain/chain/commit_signers.hpp"

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/repo/commit_signature.hpp"

namespace mlchain::chain {
namespace {

Result<std::vector<SignerRecord>> signers_with_intervals(RegistryClient& registry, std::string_view repo) {
  MLCHAIN_TRY(const auto addresses, registry.signers_of(repo));
  std::vector<SignerRecord> signers;
  for (const auto& address : addresses) {
    MLCHAIN_TRY(auto intervals, registry.signer_intervals_of(repo, address));
    signers.push_back(SignerRecord{address, std::move(intervals)});
  }
  return signers;
}

// A commit the store cannot give whole (absent, damaged, not a commit) is "not stored" here: verify's own
// walk names what is wrong with it, and the signer check lists it as unreadable.
std::optional<core::CommitLinks> links_of(repo::Repository& repository, const codec::Cid& cid) {
  auto commit = core::load_commit(repository.objects(), cid);
  if (!commit) return std::nullopt;
  core::CommitLinks links;
  links.parents = commit->parents;
  if (auto signature = repo::check_commit_signature(*commit); signature && signature->good)
    links.signer = signature->signer;
  return links;
}

}  // namespace

Result<std::vector<SignerRecord>> list_signers(const ChainRemote& remote) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  return signers_with_intervals(registry, remote.repo);
}

Result<SignerCheck> check_signers(repo::Repository& repository, const ChainRemote& remote, const codec::Cid& commit) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  SignerCheck check;
  MLCHAIN_TRY(check.signers, signers_with_intervals(registry, remote.repo));
  MLCHAIN_TRY(const auto updates, registry.head_updates(remote.repo));
  std::vector<core::AnchoredHead> anchors;
  anchors.reserve(updates.size());
  for (const auto& update : updates) anchors.push_back(core::AnchoredHead{update.new_head, update.block_number});
  check.coverage = core::first_anchorings(anchors, commit,
                                          [&repository](const codec::Cid& cid) { return links_of(repository, cid); });
  core::SignerIntervals intervals;
  for (const auto& record : check.signers) intervals.emplace(record.signer, record.intervals);
  check.unauthorized = core::unauthorized_commits(check.coverage.commits, intervals);
  return check;
}

}  // namespace mlchain::chain
