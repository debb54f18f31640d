#include "mlchain/catalogue/info.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <variant>

#include "mlchain/chain/governance.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::catalogue {
namespace {

namespace gov = eth::governance;
namespace cat = eth::catalogue;

// The node's chain, which must be the one the remote records: a node of another chain would have info name
// and clone resolve to a repository URL of a chain that never held the listing.
Result<std::uint64_t> chain_id_of(const Universe& universe, eth::RpcClient& rpc) {
  MLCHAIN_TRY(const std::uint64_t served, rpc.chain_id());
  if (universe.chain_id && *universe.chain_id != served)
    return make_error(ErrorKind::invalid_input,
                      "the node at " + rpc.display_url() + " serves chain " + std::to_string(served) + ", not chain " +
                          std::to_string(*universe.chain_id) + " as configured" +
                          (universe.remote ? " for remote '" + universe.remote->name + "'" : "") +
                          " (fix the remote's rpc or chain-id)");
  return served;
}

// A log's event, or the node's fault when the log is of another contract or does not decode.
template <typename Event>
Result<Event> decoded_log(const eth::RpcClient& rpc, const codec::Address& contract, Result<Event> event,
                          const eth::Log& log) {
  if (log.address != contract)
    return make_error(ErrorKind::remote_unavailable,
                      rpc.display_url() + " answered eth_getLogs with a log of another contract");
  if (!event)
    return make_error(
        ErrorKind::remote_unavailable,
        rpc.display_url() + " answered eth_getLogs with a log that does not decode: " + event.error().message);
  return event;
}

chain::ChainRemote repository_remote(const Universe& universe, std::uint64_t chain_id, const codec::Address& registry,
                                     const std::string& repo) {
  chain::ChainRemote remote;
  remote.name = universe.remote ? universe.remote->name : std::string();
  remote.rpc = universe.rpc;
  remote.registry = registry;
  remote.repo = repo;
  remote.chain_id = chain_id;
  remote.confirmations = universe.confirmations;
  return remote;
}

// The attestations of the ledger's Evaluated events, as reputation_of counts them.
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

Result<std::optional<GovernanceSummary>> governance_summary(eth::RpcClient& rpc, const chain::ChainRemote& remote) {
  chain::RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY(const auto governance, registry.governance_of(remote.repo));
  if (!governance) return std::optional<GovernanceSummary>{};
  chain::GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto round, client.round());
  GovernanceSummary summary;
  summary.governance = *governance;
  summary.round = round.number;
  summary.evaluators = round.evaluators;
  summary.quorum = round.quorum;
  MLCHAIN_TRY(const auto stages, client.stages());
  for (const auto& stage : stages) {
    MLCHAIN_TRY(const auto state, client.stage(stage));
    StageHolder holder{.stage = stage, .holder = state.holder, .since_block = state.since_block, .reputation = {}};
    if (state.holder) {
      MLCHAIN_TRY(holder.reputation, holder_reputation(client, *state.holder, round));
    }
    summary.stages.push_back(std::move(holder));
  }
  return std::optional<GovernanceSummary>{std::move(summary)};
}

// Promotions in the governance of `remote`'s repository (zero without one), from its events alone: the
// ledger would also read every evaluation back from EAS, which a count does not need.
Result<std::size_t> promotions_of(eth::RpcClient& rpc, const chain::ChainRemote& remote) {
  chain::RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY(const auto governance, registry.governance_of(remote.repo));
  if (!governance) return std::size_t{0};
  eth::LogFilter filter;
  filter.addresses = {*governance};
  filter.topics = {gov::event_topics(), {eth::registry::repository_id(remote.repo)}};
  MLCHAIN_TRY(const auto logs, rpc.logs(filter));
  std::size_t promotions = 0;
  for (const auto& log : logs) {
    if (log.removed) continue;
    MLCHAIN_TRY(const auto event, decoded_log(rpc, *governance, gov::decode_event(log.topics, log.data), log));
    if (std::holds_alternative<gov::Promoted>(event)) ++promotions;
  }
  return promotions;
}

// The author's Published events (topic 2 is the owner; Purchased events by the author as buyer share that
// position and are left out by their kind), and the promotions in each of their repositories.
Result<AuthorRecord> author_record(const Universe& universe, eth::RpcClient& rpc, std::uint64_t chain_id,
                                   const codec::Address& registry, const codec::Address& author) {
  eth::LogFilter filter;
  filter.addresses = {universe.catalogue};
  eth::Hash owner_topic{};
  std::copy(author.bytes.begin(), author.bytes.end(), owner_topic.end() - author.bytes.size());
  filter.topics = {cat::event_topics(), {}, {owner_topic}};
  MLCHAIN_TRY(const auto logs, rpc.logs(filter));
  AuthorRecord record;
  record.author = author;
  std::set<std::string> repositories;
  for (const auto& log : logs) {
    if (log.removed) continue;
    MLCHAIN_TRY(const auto event, decoded_log(rpc, universe.catalogue, cat::decode_event(log.topics, log.data), log));
    const auto* published = std::get_if<cat::Published>(&event);
    if (published == nullptr || published->owner != author) continue;
    ++record.published;
    repositories.insert(published->repo);
  }
  for (const auto& repo : repositories) {
    MLCHAIN_TRY(const auto promotions, promotions_of(rpc, repository_remote(universe, chain_id, registry, repo)));
    record.promotions += promotions;
  }
  return record;
}

}  // namespace

Result<Reputation> holder_reputation(chain::GovernanceClient& client, const codec::Cid& holder,
                                     const eth::governance::Round& round) {
  MLCHAIN_TRY(const auto entries, client.ledger(holder));
  return reputation_of(attestations_of(entries), round.number, round.evaluators);
}

Result<ResolvedListing> resolve_listing(const Universe& universe, std::string_view name) {
  MLCHAIN_TRY_STATUS(cat::check_listing_name(name));
  eth::RpcClient rpc(eth::rpc_options_for(universe.rpc));
  CatalogueClient catalogue(rpc, universe.catalogue);
  MLCHAIN_TRY(auto listing, catalogue.listing(name));
  MLCHAIN_TRY(const auto registry, catalogue.registry());
  MLCHAIN_TRY(const auto chain_id, chain_id_of(universe, rpc));
  auto remote = repository_remote(universe, chain_id, registry, listing.repo);
  return ResolvedListing{std::move(remote), std::move(listing)};
}

Result<ListingInfo> listing_info(const Universe& universe, std::string_view name) {
  MLCHAIN_TRY_STATUS(cat::check_listing_name(name));
  eth::RpcClient rpc(eth::rpc_options_for(universe.rpc));
  CatalogueClient catalogue(rpc, universe.catalogue);
  ListingInfo info;
  MLCHAIN_TRY(info.listing, catalogue.listing(name));
  MLCHAIN_TRY(info.registry, catalogue.registry());
  MLCHAIN_TRY(info.chain_id, chain_id_of(universe, rpc));
  info.catalogue = universe.catalogue;
  const auto remote = repository_remote(universe, info.chain_id, info.registry, info.listing.repo);
  info.clone_url = chain::clone_url(remote, std::nullopt);

  chain::RegistryClient registry(rpc, info.registry);
  MLCHAIN_TRY(const auto branches, registry.branches_of(info.listing.repo));
  for (const auto& branch : branches) {
    MLCHAIN_TRY(const auto head, registry.head_of(info.listing.repo, branch));
    if (head) info.branches.push_back(BranchHead{branch, *head});
  }
  MLCHAIN_TRY(info.governance, governance_summary(rpc, remote));
  MLCHAIN_TRY(info.author, author_record(universe, rpc, info.chain_id, info.registry, info.listing.owner));
  return info;
}

}  // namespace mlchain::catalogue
