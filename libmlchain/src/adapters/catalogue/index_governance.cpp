#include "mlchain/catalogue/index_governance.hpp"

#include <variant>
#include <vector>

#include "mlchain/chain/governance.hpp"
#include "mlchain/chain/registry_client.hpp"

namespace mlchain::catalogue {
namespace {

namespace gov = eth::governance;

// The attestations of a ledger's Evaluated events, as reputation_of counts them.
std::vector<Attestation> attestations_of(const std::vector<chain::LedgerEntry>& entries) {
  std::vector<Attestation> attestations;
  for (const auto& entry : entries) {
    const auto* evaluated = std::get_if<gov::Evaluated>(&entry.event);
    if (evaluated == nullptr || !entry.evaluation) continue;
    attestations.push_back(Attestation{.evaluator = evaluated->evaluator,
                                       .round = evaluated->round,
                                       .time = entry.evaluation->time,
                                       .metrics = entry.evaluation->evaluation.metrics});
  }
  return attestations;
}

Result<std::vector<StageFacts>> stages_of(eth::RpcClient& rpc, const chain::ChainRemote& repository) {
  chain::GovernanceClient client(rpc, repository);
  MLCHAIN_TRY(const auto round, client.round());
  MLCHAIN_TRY(const auto stages, client.stages());
  std::vector<StageFacts> held;
  for (const auto& stage : stages) {
    MLCHAIN_TRY(const auto state, client.stage(stage));
    if (!state.holder) continue;
    MLCHAIN_TRY(const auto entries, client.ledger(*state.holder));
    const auto attestations = attestations_of(entries);
    held.push_back(
        {stage, *state.holder, state.since_block, reputation_of(attestations, round.number, round.evaluators)});
  }
  return held;
}

}  // namespace

Status refresh_governance(CatalogueIndex& index, eth::RpcClient& rpc, const Universe& universe,
                          std::uint64_t chain_id) {
  MLCHAIN_TRY(const auto repositories, index.listed_repositories());
  if (repositories.empty()) return {};
  CatalogueClient catalogue(rpc, universe.catalogue);
  MLCHAIN_TRY(const auto registry_address, catalogue.registry());
  chain::RegistryClient registry(rpc, registry_address);
  for (const auto& repo : repositories) {
    MLCHAIN_TRY(const auto governance, registry.governance_of(repo));
    std::vector<StageFacts> stages;
    if (governance) {
      chain::ChainRemote repository;
      repository.rpc = universe.rpc;
      repository.registry = registry_address;
      repository.repo = repo;
      repository.chain_id = chain_id;
      MLCHAIN_TRY(stages, stages_of(rpc, repository));
    }
    MLCHAIN_TRY_STATUS(index.store_stages(repo, stages));
  }
  return {};
}

}  // namespace mlchain::catalogue
