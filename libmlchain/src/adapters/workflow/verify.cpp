#include "mlchain/workflow/verify.hpp"

#include <memory>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/anchoring.hpp"
#include "mlchain/chain/commit_signers.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/remote/remote_verify.hpp"

namespace mlchain::workflow {
namespace {

std::filesystem::path start_of(const VerifyRequest& request) {
  return request.start.empty() ? std::filesystem::current_path() : request.start;
}

bool reads_a_node(const VerifyRequest& request) {
  return request.node != nullptr || request.source.ipfs || request.source.gateway;
}

repo::VerifyRequest repository_request(const VerifyRequest& request) {
  return repo::VerifyRequest{.revision = request.revision,
                             .signers = request.signers,
                             .directory = request.directory,
                             .on_progress = request.on_progress};
}

// Outside any repository: the commit and its tree come from the node, the files from the directory.
Result<repo::VerifyReport> verify_on_node(const VerifyRequest& request) {
  if (request.source.ipfs && request.source.gateway)
    return make_error(ErrorKind::invalid_argument, "give --ipfs or --gateway, not both");
  if (!request.directory)
    return make_error(ErrorKind::invalid_argument, "verify with --ipfs or --gateway needs --path DIR");
  auto commit = codec::Cid::parse(request.revision);
  if (!commit)
    return make_error(ErrorKind::invalid_argument,
                      "verify with --ipfs or --gateway needs a commit CID, not '" + request.revision + "'");
  if (request.node != nullptr)
    return remote::verify_remote(*request.node, *commit, request.signers, *request.directory);
  MLCHAIN_TRY(auto node, remote::open_node(request.source));
  return remote::verify_remote(*node, *commit, request.signers, *request.directory);
}

Anchoring anchoring_of(const chain::Anchoring& found, const chain::ChainRemote& remote) {
  const auto& update = found.anchored_by.update;
  return Anchoring{.repo = remote.repo,
                   .registry = remote.registry,
                   .chain_id = found.chain_id,
                   .branch = update.branch,
                   .old_head = update.old_head,
                   .new_head = update.new_head,
                   .pusher = update.pusher,
                   .block = update.block_number,
                   .time = found.anchored_by.timestamp,
                   .transaction = update.transaction_hash,
                   .confirmations = found.confirmations};
}

// The stage's holder, read from views (three calls: the registry names the governance, its code is checked, the
// governance names the holder): a commit that does not hold the stage now is a not-stage-holder problem.
Status check_stage(const chain::ChainRemote& remote, const std::string& stage, VerifyReport& report) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  chain::GovernanceClient governance(rpc, remote);
  MLCHAIN_TRY(const auto contract, governance.governance());
  MLCHAIN_TRY(const auto state, governance.stage(stage));
  report.stage = StageCheck{stage, state.holder, state.since_block, state.attestations, contract};
  if (!state.holder || *state.holder != *report.commit)
    report.problems.push_back(repo::VerifyProblem{repo::ProblemKind::not_stage_holder, "@" + stage,
                                                  state.holder ? state.holder->to_string() : "no commit",
                                                  report.commit->to_string()});
  return {};
}

// The environment's current deployment: a commit other than the one attested last is a not-deployed problem.
Status check_deployment(const chain::ChainRemote& remote, const ChainCheck& check, VerifyReport& report) {
  MLCHAIN_TRY(auto current, chain::current_deployment(remote, *check.deployed_to, check.attesters, check.eas));
  if (!current.deployment || current.deployment->commit != *report.commit)
    report.problems.push_back(repo::VerifyProblem{
        repo::ProblemKind::not_deployed, *check.deployed_to,
        current.deployment ? current.deployment->commit.to_string() : "nothing attested", report.commit->to_string()});
  report.deployment = std::move(current);
  return {};
}

std::string signer_text(const std::optional<codec::Address>& signer) {
  return signer ? codec::to_checksum_address(*signer) : std::string("no signature that recovers to its author");
}

// Every commit of the history against the signers authorised at its first anchoring block (docs/format.md §7.1).
Status check_authorized(repo::Repository& repository, const chain::ChainRemote& remote, VerifyReport& report) {
  MLCHAIN_TRY(auto check, chain::check_signers(repository, remote, *report.commit));
  report.signers = SignerAuthorization{check.signers.size(), check.coverage.commits, check.unauthorized};
  if (check.signers.empty()) {
    report.problems.push_back(repo::VerifyProblem{repo::ProblemKind::unauthorized_signer, std::nullopt,
                                                  "a signer authorised on chain ('mlchain signer add')",
                                                  "repository " + remote.repo + " never authorised a signer"});
    return {};
  }
  for (const auto& unreadable : check.coverage.unreadable)
    report.problems.push_back(
        repo::VerifyProblem{repo::ProblemKind::missing_object, std::nullopt, unreadable.head.to_string(),
                            "anchored in block " + std::to_string(unreadable.block) +
                                " but not stored, so which commits it anchored first is unknown (fetch it)"});
  for (const auto& commit : check.unauthorized)
    report.problems.push_back(repo::VerifyProblem{repo::ProblemKind::unauthorized_signer, commit.commit.to_string(),
                                                  "a signer authorised at block " + std::to_string(commit.block),
                                                  signer_text(commit.signer)});
  return {};
}

// Anchored: the report carries the push that did it; not anchored: a not-anchored problem saying why.
Status check_chain(repo::Repository& repository, const ChainCheck& check, VerifyReport& report) {
  MLCHAIN_TRY(auto remote, chain::find_chain_remote(repository, check.remote));
  MLCHAIN_TRY(auto found, chain::check_anchored(repository, remote, *report.commit, check.min_confirmations));
  if (found.anchoring) {
    report.anchoring = anchoring_of(*found.anchoring, remote);
  } else {
    report.problems.push_back(repo::VerifyProblem{
        repo::ProblemKind::not_anchored, std::nullopt,
        "anchored with at least " + std::to_string(check.min_confirmations) + " confirmation(s)", found.detail});
  }
  if (check.stage) MLCHAIN_TRY_STATUS(check_stage(remote, *check.stage, report));
  if (check.deployed_to) MLCHAIN_TRY_STATUS(check_deployment(remote, check, report));
  if (check.authorized && found.anchoring) MLCHAIN_TRY_STATUS(check_authorized(repository, remote, report));
  return {};
}

}  // namespace

Result<VerifyReport> verify(const VerifyRequest& request) {
  std::optional<repo::Repository> repository;
  if (!reads_a_node(request)) {
    MLCHAIN_TRY(auto found, repo::discover_repository(start_of(request)));
    repository.emplace(std::move(found));
  }
  auto checked = repository ? repo::verify(*repository, repository_request(request)) : verify_on_node(request);
  if (!checked) return checked.error();
  VerifyReport report{std::move(checked).value(), std::nullopt, std::nullopt, std::nullopt};
  if (!request.chain || !report.commit) return report;
  // A commit read from a node is looked up in the repository here, whose remote names the chain.
  if (!repository) {
    MLCHAIN_TRY(auto found, repo::discover_repository(start_of(request)));
    repository.emplace(std::move(found));
  }
  MLCHAIN_TRY_STATUS(check_chain(*repository, *request.chain, report));
  return report;
}

}  // namespace mlchain::workflow
