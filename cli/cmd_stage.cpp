// mlchain stage [REMOTE] [S] [--json]: which commit holds each stage now (views, no scan of history).
// mlchain ledger [REMOTE] [REV] [--json] [--eas ADDR]: the governance's events (evaluations with their
// metrics, promotions, approvals, rollbacks and retraining requests) and the repository's deployment
// attestations, oldest first.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/chain/deployments.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "mlchain/util/utc_time.hpp"

namespace mlchain::cli {
namespace {

namespace gov = eth::governance;
using json = nlohmann::ordered_json;

struct ReadOptions {
  std::vector<std::string> arguments;  // [REMOTE] [S|REV]
  bool json = false;
  std::optional<std::string> eas;  // ledger: where deployments are attested
};

json optional_cid(const std::optional<codec::Cid>& cid) { return cid ? json(cid->to_string()) : json(nullptr); }

std::string commit_text(const chain::GovernanceWord& word) {
  if (eth::registry::is_empty(word)) return "none";
  auto cid = eth::registry::commit_of(word);
  return cid ? cid->to_string() : word_hex(word);
}

// [REMOTE] [X]: with two arguments the first is the remote; with one, it is the remote when it names a
// configured chain remote, else X. The target is the repository and the remote so found.
struct Arguments {
  GovernanceTarget target;
  std::optional<std::string> rest;
};
Result<Arguments> split(const std::vector<std::string>& arguments) {
  if (arguments.size() == 2) {
    MLCHAIN_TRY(auto target, governance_target(arguments[0]));
    return Arguments{std::move(target), arguments[1]};
  }
  if (arguments.size() == 1) {
    if (auto target = governance_target(arguments[0])) return Arguments{std::move(target).value(), std::nullopt};
  }
  MLCHAIN_TRY(auto target, governance_target(std::nullopt));
  return Arguments{std::move(target), arguments.empty() ? std::nullopt : std::optional<std::string>(arguments[0])};
}

void run_stage(const ReadOptions& options, Context& context) {
  auto arguments = split(options.arguments);
  if (!arguments) return context.fail(arguments.error());
  auto* target = &arguments->target;
  const auto& stage = arguments->rest;
  eth::RpcClient rpc(eth::rpc_options_for(target->remote.rpc));
  chain::GovernanceClient client(rpc, target->remote);
  std::vector<std::string> stages;
  if (stage) {
    if (auto valid = gov::name_word(*stage, "stage"); !valid) return context.fail(valid.error());
    stages.push_back(*stage);
  } else {
    auto all = client.stages();
    if (!all) return context.fail(all.error());
    stages = std::move(all).value();
  }
  auto list = json::array();
  for (const auto& name : stages) {
    auto state = client.stage(name);
    if (!state) return context.fail(state.error());
    if (options.json) {
      auto attestations = json::array();
      for (const auto& uid : state->attestations) attestations.push_back(word_hex(uid));
      list.push_back({{"stage", name},
                      {"commit", optional_cid(state->holder)},
                      {"previous", optional_cid(state->previous)},
                      {"block", state->holder ? json(state->since_block) : json(nullptr)},
                      {"attestations", attestations}});
      continue;
    }
    if (!state->holder) {
      context.out << name << "  (no holder)\n";
      continue;
    }
    context.out << name << "  " << state->holder->to_string() << "  since block " << state->since_block << "  previous "
                << (state->previous ? state->previous->to_string() : std::string("none")) << "  "
                << state->attestations.size() << " attestation" << (state->attestations.size() == 1 ? "" : "s") << '\n';
  }
  if (options.json) context.out << list.dump(2) << '\n';
}

json metrics_json(const gov::Evaluation& evaluation) {
  json metrics = json::object();
  for (const auto& [name, value] : evaluation.metrics) metrics[name] = json::parse(codec::format_fixed18(value));
  return metrics;
}

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

json entry_json(const chain::LedgerEntry& entry) {
  json document{{"block", entry.block}, {"transaction", hash_hex(entry.transaction)}, {"log_index", entry.log_index}};
  std::visit(
      [&](const auto& event) {
        using Event = std::decay_t<decltype(event)>;
        if constexpr (std::is_same_v<Event, gov::RoundStarted>) {
          auto evaluators = json::array();
          for (const auto& evaluator : event.evaluators) evaluators.push_back(address_text(evaluator));
          document["event"] = "round-started";
          document["round"] = event.round;
          document["round_uid"] = word_hex(event.round_uid);
          document["evaluators"] = evaluators;
          document["quorum"] = event.quorum;
        } else if constexpr (std::is_same_v<Event, gov::StagePolicySet>) {
          document["event"] = "policy-set";
          document["stage"] = event.stage;
        } else if constexpr (std::is_same_v<Event, gov::Evaluated>) {
          document["event"] = "evaluated";
          document["commit"] = commit_text(event.commit);
          document["evaluator"] = address_text(event.evaluator);
          document["uid"] = word_hex(event.uid);
          document["round"] = event.round;
          document["suite"] = word_hex(event.suite);
          if (entry.evaluation) document["metrics"] = metrics_json(entry.evaluation->evaluation);
        } else if constexpr (std::is_same_v<Event, gov::Promoted>) {
          auto attestations = json::array();
          for (const auto& uid : event.attestations) attestations.push_back(word_hex(uid));
          document["event"] = "promoted";
          document["stage"] = event.stage;
          document["commit"] = commit_text(event.commit);
          document["previous"] = commit_text(event.previous);
          document["attestations"] = attestations;
          document["by"] = address_text(event.by);
        } else if constexpr (std::is_same_v<Event, gov::Approved>) {
          document["event"] = "approved";
          document["stage"] = event.stage;
          document["commit"] = commit_text(event.commit);
          document["approver"] = address_text(event.approver);
        } else if constexpr (std::is_same_v<Event, gov::RetrainRequested>) {
          document["event"] = "retrain";
          document["stage"] = event.stage;
          document["commit"] = commit_text(event.commit);
          document["rule"] = event.rule;
        } else {
          document["event"] = "rolled-back";
          document["stage"] = event.stage;
          document["from"] = commit_text(event.from);
          document["to"] = commit_text(event.to);
          document["rule"] = event.rule;
        }
      },
      entry.event);
  return document;
}

std::string entry_text(const chain::LedgerEntry& entry) {
  const std::string block = "block " + std::to_string(entry.block) + "  ";
  return block + std::visit(
                     [&](const auto& event) -> std::string {
                       using Event = std::decay_t<decltype(event)>;
                       if constexpr (std::is_same_v<Event, gov::RoundStarted>) {
                         return "round " + std::to_string(event.round) + " started: quorum " +
                                std::to_string(event.quorum) + " of " + std::to_string(event.evaluators.size()) +
                                " evaluators";
                       } else if constexpr (std::is_same_v<Event, gov::StagePolicySet>) {
                         return "policy of stage '" + event.stage + "' set";
                       } else if constexpr (std::is_same_v<Event, gov::Evaluated>) {
                         return "evaluated " + commit_text(event.commit) + " by " + address_text(event.evaluator) +
                                " (round " + std::to_string(event.round) + "): " +
                                (entry.evaluation ? gov::metrics_text(entry.evaluation->evaluation.metrics)
                                                  : std::string("?")) +
                                "  uid " + word_hex(event.uid);
                       } else if constexpr (std::is_same_v<Event, gov::Promoted>) {
                         return "promoted " + commit_text(event.commit) + " to '" + event.stage + "' (previous " +
                                commit_text(event.previous) + ", " + std::to_string(event.attestations.size()) +
                                " attestations) by " + address_text(event.by);
                       } else if constexpr (std::is_same_v<Event, gov::Approved>) {
                         return "approved " + commit_text(event.commit) + " for '" + event.stage + "' by " +
                                address_text(event.approver);
                       } else if constexpr (std::is_same_v<Event, gov::RetrainRequested>) {
                         return "retraining requested for " + commit_text(event.commit) + " holding '" + event.stage +
                                "' (retrain-when rule " + std::to_string(event.rule + 1) + ")";
                       } else {
                         return "rolled back '" + event.stage + "' from " + commit_text(event.from) + " to " +
                                commit_text(event.to) + " (rollback-when rule " + std::to_string(event.rule + 1) + ")";
                       }
                     },
                     entry.event);
}

json deployment_json(const chain::Deployment& deployment) {
  return {{"block", deployment.block},
          {"transaction", hash_hex(deployment.transaction)},
          {"log_index", deployment.log_index},
          {"event", "deployed"},
          {"environment", deployment.environment},
          {"commit", deployment.commit.to_string()},
          {"tree", deployment.tree.to_string()},
          {"attester", address_text(deployment.attester)},
          {"recipient", address_text(deployment.recipient)},
          {"time", deployment.time},
          {"uid", word_hex(deployment.uid)},
          {"revoked", deployment.revoked()}};
}

std::string deployment_text(const chain::Deployment& deployment) {
  return "block " + std::to_string(deployment.block) + "  deployed " + deployment.commit.to_string() + " to '" +
         deployment.environment + "' by " + address_text(deployment.attester) + " at " +
         util::utc_timestamp(static_cast<std::int64_t>(deployment.time)) + "  uid " + word_hex(deployment.uid) +
         (deployment.revoked() ? " (revoked)" : "");
}

// The governance's events and the deployments in one list, in block and log order.
using LedgerRow = std::variant<chain::LedgerEntry, chain::Deployment>;
std::pair<std::uint64_t, std::uint64_t> position(const LedgerRow& row) {
  return std::visit([](const auto& entry) { return std::pair{entry.block, entry.log_index}; }, row);
}

Result<std::vector<LedgerRow>> ledger_rows(const chain::ChainRemote& remote, const std::optional<codec::Cid>& commit,
                                           const std::optional<codec::Address>& eas) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  chain::GovernanceClient client(rpc, remote);
  std::vector<LedgerRow> rows;
  auto governance = client.governance();
  if (!governance && governance.error().kind != ErrorKind::not_found) return governance.error();
  if (governance) {
    MLCHAIN_TRY(auto entries, client.ledger(commit));
    for (auto& entry : entries) rows.emplace_back(std::move(entry));
  }
  auto deployment_eas = chain::find_deployment_eas(rpc, remote, eas);
  // Without a governance and without an EAS there is no record at all: say why governance is missing.
  if (!deployment_eas && !governance) return governance.error();
  if (!deployment_eas) return deployment_eas.error();
  MLCHAIN_TRY(auto deployments, chain::deployments_of(rpc, remote, *deployment_eas));
  for (auto& deployment : deployments)
    if (!commit || deployment.commit == *commit) rows.emplace_back(std::move(deployment));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const LedgerRow& a, const LedgerRow& b) { return position(a) < position(b); });
  return rows;
}

void run_ledger(const ReadOptions& options, Context& context) {
  auto arguments = split(options.arguments);
  if (!arguments) return context.fail(arguments.error());
  auto* target = &arguments->target;
  const auto& revision = arguments->rest;
  std::optional<codec::Cid> commit;
  if (revision) {
    auto resolved = resolve_commit(target->repository, *revision);
    if (!resolved) return context.fail(resolved.error());
    commit = *resolved;
  }
  std::optional<codec::Address> eas;
  if (options.eas) {
    auto address = codec::parse_address(*options.eas);
    if (!address) return context.fail(ErrorKind::invalid_argument, "--eas: " + address.error().message);
    eas = *address;
  }
  auto rows = ledger_rows(target->remote, commit, eas);
  if (!rows) return context.fail(rows.error());
  if (options.json) {
    auto list = json::array();
    for (const auto& row : *rows) {
      if (const auto* deployment = std::get_if<chain::Deployment>(&row))
        list.push_back(deployment_json(*deployment));
      else
        list.push_back(entry_json(std::get<chain::LedgerEntry>(row)));
    }
    context.out << list.dump(2) << '\n';
    return;
  }
  for (const auto& row : *rows) {
    if (const auto* deployment = std::get_if<chain::Deployment>(&row))
      context.out << deployment_text(*deployment) << '\n';
    else
      context.out << entry_text(std::get<chain::LedgerEntry>(row)) << '\n';
  }
}

}  // namespace

void register_stage(CLI::App& app, Context& context) {
  auto stage_options = std::make_shared<ReadOptions>();
  auto* stage = app.add_subcommand("stage", "Show which commit holds each stage now (or stage S)");
  stage->add_option("REMOTE_AND_STAGE", stage_options->arguments, "[REMOTE] [S]")->expected(0, 2);
  stage->add_flag("--json", stage_options->json, "Print [{stage, commit, previous, block, attestations}]");
  stage->callback([stage_options, &context] { run_stage(*stage_options, context); });

  auto ledger_options = std::make_shared<ReadOptions>();
  auto* ledger = app.add_subcommand(
      "ledger",
      "Show the governance's record (evaluations, promotions, approvals, rollbacks, retraining requests) and the "
      "repository's deployment attestations");
  ledger->add_option("REMOTE_AND_REV", ledger_options->arguments, "[REMOTE] [REV]: only the events about REV")
      ->expected(0, 2);
  ledger->add_flag("--json", ledger_options->json, "Print one JSON array of events");
  ledger->add_option("--eas", ledger_options->eas,
                     "EAS deployments are attested on (default: the governance's, else the chain's known one)");
  ledger->callback([ledger_options, &context] { run_ledger(*ledger_options, context); });
}

}  // namespace mlchain::cli
