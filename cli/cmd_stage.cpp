// mlchain stage [REMOTE] [S] [--json]: which commit holds each stage now (views, no scan of history).
// mlchain ledger [REMOTE] [REV] [--json]: the governance's events: evaluations with their metrics,
// promotions, approvals, rollbacks and retraining requests, oldest first.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::cli {
namespace {

namespace gov = eth::governance;
using json = nlohmann::ordered_json;

struct ReadOptions {
  std::vector<std::string> arguments;  // [REMOTE] [S|REV]
  bool json = false;
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
  eth::RpcClient rpc(eth::rpc_options_for(target->remote.rpc));
  chain::GovernanceClient client(rpc, target->remote);
  auto entries = client.ledger(commit);
  if (!entries) return context.fail(entries.error());
  if (options.json) {
    auto list = json::array();
    for (const auto& entry : *entries) list.push_back(entry_json(entry));
    context.out << list.dump(2) << '\n';
    return;
  }
  for (const auto& entry : *entries) context.out << entry_text(entry) << '\n';
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
      "ledger", "Show the governance's record: evaluations, promotions, approvals, rollbacks, retraining requests");
  ledger->add_option("REMOTE_AND_REV", ledger_options->arguments, "[REMOTE] [REV]: only the events about REV")
      ->expected(0, 2);
  ledger->add_flag("--json", ledger_options->json, "Print one JSON array of events");
  ledger->callback([ledger_options, &context] { run_ledger(*ledger_options, context); });
}

}  // namespace mlchain::cli
