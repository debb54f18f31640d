#include "mlchain/catalogue/index_governance.hpp"

#include <algorithm>
#include <set>
#include <variant>
#include <vector>

#include "mlchain/catalogue/info.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/eth/governance_abi.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::catalogue {
namespace {

namespace gov = eth::governance;

// A node's eth_getLogs filter names this many governances at most, so that a catalogue of thousands of
// repositories asks in requests of a size every node accepts.
constexpr std::size_t governances_per_query = 500;

// Stage facts read from the views are stored this many repositories to a transaction.
constexpr std::size_t repositories_per_transaction = 500;

class RpcGovernanceViews final : public GovernanceViews {
 public:
  RpcGovernanceViews(eth::RpcClient& rpc, const Universe& universe, const codec::Address& registry,
                     std::uint64_t chain_id)
      : rpc_(rpc), universe_(universe), registry_(registry), chain_id_(chain_id) {}

  Result<std::optional<codec::Address>> governance_of(const std::string& repo) override {
    chain::RegistryClient registry(rpc_, registry_);
    return registry.governance_of(repo);
  }

  Result<std::vector<StageFacts>> stages_of(const std::string& repo, const codec::Address&) override {
    chain::ChainRemote repository;
    repository.rpc = universe_.rpc;
    repository.registry = registry_;
    repository.repo = repo;
    repository.chain_id = chain_id_;
    chain::GovernanceClient client(rpc_, repository);
    MLCHAIN_TRY(const auto round, client.round());
    MLCHAIN_TRY(const auto stages, client.stages());
    std::vector<StageFacts> held;
    for (const auto& stage : stages) {
      MLCHAIN_TRY(const auto state, client.stage(stage));
      if (!state.holder) continue;
      MLCHAIN_TRY(auto reputation, holder_reputation(client, *state.holder, round));
      held.push_back({stage, *state.holder, state.since_block, std::move(reputation)});
    }
    return held;
  }

 private:
  eth::RpcClient& rpc_;
  const Universe& universe_;
  codec::Address registry_;
  std::uint64_t chain_id_;
};

// The governance events after which a repository's stage holders or their reputation may differ: a new
// round (its evaluators), an attestation, a promotion and a rollback.
std::vector<eth::Hash> stage_event_topics() {
  const auto topics = gov::event_topics();
  const auto round_started = topics[0], evaluated = topics[2], promoted = topics[3], rolled_back = topics[6];
  return {round_started, evaluated, promoted, rolled_back};
}

// The repositories named by the logs of blocks `from` to `to` that change their governance (the
// registry's GovernanceSet) or their stage facts (an event of the governance the index holds for them).
Result<std::set<std::string>> changed_in(CatalogueIndex& index, watch::ChainSource& chain,
                                         const codec::Address& registry, const std::vector<codec::Address>& governances,
                                         std::uint64_t from, std::uint64_t to) {
  std::set<std::string> changed;
  // `by`: the governance that emitted the log, which must be the repository's; nothing: the registry.
  const auto note = [&](const eth::Log& log, const std::optional<codec::Address>& by) -> Status {
    if (log.topics.size() < 2) return {};
    MLCHAIN_TRY(const auto repository, index.followed(log.topics[1]));
    if (repository && (!by || repository->governance == by)) changed.insert(repository->repo);
    return {};
  };
  const std::vector<codec::Address> registries{registry};
  MLCHAIN_TRY(const auto switches, chain.logs(registries, {{eth::registry::governance_set_topic()}}, from, to));
  for (const auto& log : switches)
    if (log.address == registry) MLCHAIN_TRY_STATUS(note(log, std::nullopt));

  const auto topics = stage_event_topics();
  for (std::size_t first = 0; first < governances.size(); first += governances_per_query) {
    const std::span<const codec::Address> some(governances.data() + first,
                                               std::min(governances_per_query, governances.size() - first));
    MLCHAIN_TRY(const auto logs, chain.logs(some, {topics}, from, to));
    // A governance speaks for its own repository only: another's events name no repository of ours.
    for (const auto& log : logs) MLCHAIN_TRY_STATUS(note(log, log.address));
  }
  return changed;
}

}  // namespace

Result<StageRefresh> follow_stages(CatalogueIndex& index, watch::ChainSource& chain, const codec::Address& registry,
                                   GovernanceViews& views, std::uint64_t first_range) {
  StageRefresh refresh;
  MLCHAIN_TRY(const auto state, index.state());
  if (!state.last) return refresh;
  const BlockPosition target = *state.last;

  MLCHAIN_TRY(const auto scanned, index.stages_scanned());
  const bool up_to_date = scanned && scanned->number == target.number && scanned->hash == target.hash;
  // Repositories listed since the last update have no facts yet; every other one is read again only when
  // a log says its facts changed.
  std::set<std::string> stale;
  if (!up_to_date) {
    bool followable = scanned && scanned->number < target.number;
    if (followable) {
      MLCHAIN_TRY(const auto hash, chain.block_hash(scanned->number));
      followable = hash && *hash == scanned->hash;
    }
    if (!followable) {
      // Never followed, or followed on a chain that is gone: every listed repository is read again.
      MLCHAIN_TRY(const auto listed, index.listed_repositories());
      stale.insert(listed.begin(), listed.end());
    } else {
      MLCHAIN_TRY(const auto governances, index.followed_governances());
      std::uint64_t range = std::max<std::uint64_t>(first_range, 1);
      for (std::uint64_t from = scanned->number + 1; from <= target.number;) {
        const std::uint64_t to = std::min(target.number, from + range - 1);
        auto changed = changed_in(index, chain, registry, governances, from, to);
        if (!changed) {
          const auto kind = changed.error().kind;
          // A node that refuses a range (too many results, too many blocks) answers a smaller one.
          if (range > 1 && kind != ErrorKind::corrupt && kind != ErrorKind::internal) {
            range = std::max<std::uint64_t>(range / 2, 1);
            continue;
          }
          return std::move(changed).error();
        }
        stale.insert(changed->begin(), changed->end());
        from = to + 1;
      }
      // The logs must be those of the chain the listings were read from; if it moved meanwhile, the next
      // update rebuilds the index and these facts with it.
      MLCHAIN_TRY(const auto hash, chain.block_hash(target.number));
      if (!hash || *hash != target.hash) return refresh;
    }
    // Listings change only in new blocks: at the followed block, every listed repository has its facts.
    MLCHAIN_TRY(const auto unread, index.repositories_without_stages());
    stale.insert(unread.begin(), unread.end());
  }

  // Stored in batches, each one transaction: a first search over thousands of repositories does not wait
  // for the disk once per repository, and an interrupted one keeps what it read.
  std::vector<RepositoryStages> batch;
  for (const auto& repo : stale) {
    MLCHAIN_TRY(const auto governance, views.governance_of(repo));
    RepositoryStages read{repo, governance, {}};
    if (governance) {
      MLCHAIN_TRY(read.stages, views.stages_of(repo, *governance));
    }
    batch.push_back(std::move(read));
    refresh.refreshed.push_back(repo);
    if (batch.size() == repositories_per_transaction) {
      MLCHAIN_TRY_STATUS(index.store_stages(batch));
      batch.clear();
    }
  }
  if (!batch.empty()) MLCHAIN_TRY_STATUS(index.store_stages(batch));
  if (!up_to_date) MLCHAIN_TRY_STATUS(index.record_stages_scanned(target));
  return refresh;
}

Result<StageRefresh> refresh_governance(CatalogueIndex& index, eth::RpcClient& rpc, const Universe& universe,
                                        std::uint64_t chain_id) {
  MLCHAIN_TRY(const auto state, index.state());
  if (!state.last) return StageRefresh{};
  CatalogueClient catalogue(rpc, universe.catalogue);
  MLCHAIN_TRY(const auto registry, catalogue.registry());
  watch::RpcChainSource chain(rpc);
  RpcGovernanceViews views(rpc, universe, registry, chain_id);
  return follow_stages(index, chain, registry, views);
}

}  // namespace mlchain::catalogue
