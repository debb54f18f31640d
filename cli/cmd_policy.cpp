// mlchain policy set [REMOTE] --evaluator ADDR… --quorum K: the repository's evaluators (a new round).
// mlchain policy set [REMOTE] --stage S [--require 'M>=V']… [--improves 'M+D']… [--after STAGE] [--auto]
//                    [--approvals N --approver ADDR…] [--retrain-when 'M>V']… [--rollback-when 'M<V']…
// mlchain policy show [REMOTE] [--json]: the round and every stage's rules, read from the governance.
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
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::cli {
namespace {

namespace gov = eth::governance;
using json = nlohmann::ordered_json;

struct SetOptions {
  std::optional<std::string> remote;
  std::vector<std::string> evaluators;
  std::optional<unsigned> quorum;
  std::optional<std::string> stage;
  std::vector<std::string> requirements;
  std::vector<std::string> improves;
  std::optional<std::string> after;
  bool auto_promote = false;
  unsigned approvals = 0;
  std::vector<std::string> approvers;
  std::vector<std::string> retrain_when;
  std::vector<std::string> rollback_when;
  std::optional<std::string> key;
  WaitOptions wait;
};

struct ShowOptions {
  std::optional<std::string> remote;
  bool json = false;
};

Result<std::vector<codec::Address>> addresses(const std::vector<std::string>& texts, std::string_view flag) {
  std::vector<codec::Address> list;
  for (const auto& text : texts) {
    auto address = codec::parse_address(text);
    if (!address)
      return make_error(ErrorKind::invalid_argument, std::string(flag) + " '" + text + "': " + address.error().message);
    list.push_back(*address);
  }
  return list;
}

Result<std::vector<gov::Rule>> rules(const std::vector<std::string>& texts, bool improvement) {
  std::vector<gov::Rule> list;
  for (const auto& text : texts) {
    MLCHAIN_TRY(auto rule, improvement ? gov::parse_improvement(text) : gov::parse_rule(text));
    list.push_back(std::move(rule));
  }
  return list;
}

Result<gov::StagePolicy> stage_policy(const SetOptions& options) {
  gov::StagePolicy policy;
  MLCHAIN_TRY(policy.requirements, rules(options.requirements, false));
  MLCHAIN_TRY(policy.improves, rules(options.improves, true));
  MLCHAIN_TRY(policy.retrain_when, rules(options.retrain_when, false));
  MLCHAIN_TRY(policy.rollback_when, rules(options.rollback_when, false));
  if (options.after) {
    if (auto valid = gov::name_word(*options.after, "--after stage"); !valid) return valid.error();
    policy.after_stage = *options.after;
  }
  policy.auto_promote = options.auto_promote;
  if (options.approvals > 16) return make_error(ErrorKind::invalid_argument, "--approvals: at most 16");
  policy.approvals = static_cast<std::uint8_t>(options.approvals);
  MLCHAIN_TRY(policy.approvers, addresses(options.approvers, "--approver"));
  return policy;
}

std::string join_rules(const std::vector<gov::Rule>& list, bool improvement) {
  std::string text;
  for (const auto& rule : list)
    text += (text.empty() ? "" : ", ") + (improvement ? gov::improvement_text(rule) : gov::rule_text(rule));
  return text;
}

std::string settled_text(const chain::Settled& settled) {
  return "transaction " + hash_hex(settled.receipt.transaction_hash) + ", block " +
         std::to_string(settled.receipt.block_number) + ", gas used " + std::to_string(settled.receipt.gas_used);
}

void run_set(const SetOptions& options, Context& context) {
  const bool sets_round = !options.evaluators.empty() || options.quorum;
  if (!sets_round && !options.stage)
    return context.fail(ErrorKind::invalid_argument,
                        "policy set needs --evaluator ADDR… --quorum K, or --stage S with its rules");
  if (sets_round && (options.evaluators.empty() || !options.quorum))
    return context.fail(ErrorKind::invalid_argument, "--evaluator and --quorum go together");
  const bool has_stage_rules = !options.requirements.empty() || !options.improves.empty() || options.after ||
                               options.auto_promote || options.approvals > 0 || !options.approvers.empty() ||
                               !options.retrain_when.empty() || !options.rollback_when.empty();
  if (has_stage_rules && !options.stage) return context.fail(ErrorKind::invalid_argument, "stage rules need --stage S");
  auto evaluators = addresses(options.evaluators, "--evaluator");
  if (!evaluators) return context.fail(evaluators.error());
  std::optional<gov::StagePolicy> policy;
  if (options.stage) {
    if (auto valid = gov::name_word(*options.stage, "--stage"); !valid) return context.fail(valid.error());
    auto built = stage_policy(options);
    if (!built) return context.fail(built.error());
    policy = std::move(built).value();
  }
  if (options.quorum && (*options.quorum == 0 || *options.quorum > 255))
    return context.fail(ErrorKind::invalid_argument, "--quorum: 1 to the number of evaluators");
  auto target = governance_target(options.remote);
  if (!target) return context.fail(target.error());
  auto signer = workflow::signer_for(&target->repository, options.key);
  if (!signer) return context.fail(signer.error());
  if (sets_round) {
    auto settled = chain::set_evaluators(target->repository, target->remote, *evaluators,
                                         static_cast<std::uint8_t>(*options.quorum), *signer->signer,
                                         options.wait.chain_options());
    if (!settled) return context.fail(settled.error());
    context.out << "evaluators of " << target->remote.repo << ": " << evaluators->size() << ", quorum "
                << *options.quorum
                << " (a new round: results signed before it no longer count): " << settled_text(*settled) << '\n';
  }
  if (policy) {
    auto settled = chain::set_stage_policy(target->repository, target->remote, *options.stage, *policy, *signer->signer,
                                           options.wait.chain_options());
    if (!settled) return context.fail(settled.error());
    context.out << "policy of stage '" << *options.stage << "' set: " << settled_text(*settled) << '\n';
  }
}

json rules_json(const std::vector<gov::Rule>& list, bool improvement) {
  auto array = json::array();
  for (const auto& rule : list) array.push_back(improvement ? gov::improvement_text(rule) : gov::rule_text(rule));
  return array;
}

void run_show(const ShowOptions& options, Context& context) {
  auto target = governance_target(options.remote);
  if (!target) return context.fail(target.error());
  eth::RpcClient rpc(eth::rpc_options_for(target->remote.rpc));
  chain::GovernanceClient client(rpc, target->remote);
  auto site = client.locate();
  if (!site) return context.fail(site.error());
  auto round = client.round();
  if (!round) return context.fail(round.error());
  auto stages = client.stages();
  if (!stages) return context.fail(stages.error());
  std::vector<std::pair<std::string, gov::StagePolicy>> policies;
  for (const auto& stage : *stages) {
    auto policy = client.stage_policy(stage);
    if (!policy) return context.fail(policy.error());
    policies.emplace_back(stage, std::move(policy).value());
  }
  if (options.json) {
    auto evaluators = json::array();
    for (const auto& evaluator : round->evaluators) evaluators.push_back(codec::to_checksum_address(evaluator));
    auto stage_list = json::array();
    for (const auto& [stage, policy] : policies) {
      auto approvers = json::array();
      for (const auto& approver : policy.approvers) approvers.push_back(codec::to_checksum_address(approver));
      stage_list.push_back({{"stage", stage},
                            {"require", rules_json(policy.requirements, false)},
                            {"improves", rules_json(policy.improves, true)},
                            {"after", policy.after_stage.empty() ? json(nullptr) : json(policy.after_stage)},
                            {"approvals", policy.approvals},
                            {"approvers", approvers},
                            {"auto", policy.auto_promote},
                            {"retrain_when", rules_json(policy.retrain_when, false)},
                            {"rollback_when", rules_json(policy.rollback_when, false)}});
    }
    const json document{{"governance", codec::to_checksum_address(site->governance)},
                        {"eas", codec::to_checksum_address(site->eas)},
                        {"evaluation_schema", word_hex(site->evaluation_schema)},
                        {"repo", target->remote.repo},
                        {"round", round->number},
                        {"round_uid", word_hex(round->uid)},
                        {"evaluators", evaluators},
                        {"quorum", round->quorum},
                        {"stages", stage_list}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "governance " << codec::to_checksum_address(site->governance) << " (EAS "
              << codec::to_checksum_address(site->eas) << ", schema " << word_hex(site->evaluation_schema) << ")\n";
  if (round->number == 0) {
    context.out << "no evaluators yet\n";
  } else {
    context.out << "round " << round->number << ": quorum " << static_cast<unsigned>(round->quorum) << " of "
                << round->evaluators.size() << " evaluators\n";
    for (const auto& evaluator : round->evaluators)
      context.out << "  evaluator " << codec::to_checksum_address(evaluator) << '\n';
  }
  for (const auto& [stage, policy] : policies) {
    context.out << "stage " << stage << (policy.auto_promote ? " (auto)" : "") << '\n';
    if (!policy.requirements.empty()) context.out << "  require " << join_rules(policy.requirements, false) << '\n';
    if (!policy.improves.empty()) context.out << "  improves " << join_rules(policy.improves, true) << '\n';
    if (!policy.after_stage.empty()) context.out << "  after " << policy.after_stage << '\n';
    if (policy.approvals > 0 || !policy.approvers.empty()) {
      context.out << "  approvals " << static_cast<unsigned>(policy.approvals) << " of";
      for (const auto& approver : policy.approvers) context.out << ' ' << codec::to_checksum_address(approver);
      context.out << '\n';
    }
    if (!policy.retrain_when.empty())
      context.out << "  retrain when " << join_rules(policy.retrain_when, false) << '\n';
    if (!policy.rollback_when.empty())
      context.out << "  roll back when " << join_rules(policy.rollback_when, false) << '\n';
  }
}

}  // namespace

void register_policy(CLI::App& app, Context& context) {
  auto* policy = app.add_subcommand("policy", "Set or show the evaluators and the stages' rules of a repository");
  policy->require_subcommand(1);

  auto set_options = std::make_shared<SetOptions>();
  auto* set = policy->add_subcommand("set", "Set the evaluator set and quorum, or one stage's rules (the owner signs)");
  set->add_option("REMOTE", set_options->remote, "Chain remote (default origin)");
  set->add_option("--evaluator", set_options->evaluators, "An evaluator's address (repeatable; with --quorum)");
  set->add_option("--quorum", set_options->quorum, "How many evaluators must agree for a rule to hold");
  set->add_option("--stage", set_options->stage, "The stage whose rules to set (production, staging, …)");
  set->add_option("--require", set_options->requirements, "A rule METRIC OP VALUE, OP one of >= <= > < (repeatable)");
  set->add_option("--improves", set_options->improves,
                  "METRIC+D: beat the current holder by D (METRIC-D: lower by D) (repeatable)");
  set->add_option("--after", set_options->after, "The candidate must hold or have held this stage");
  set->add_flag("--auto", set_options->auto_promote, "Promote as soon as the policy holds (with the last result)");
  set->add_option("--approvals", set_options->approvals, "Approvals needed from --approver addresses");
  set->add_option("--approver", set_options->approvers, "An approver's address (repeatable)");
  set->add_option("--retrain-when", set_options->retrain_when, "On the holder: request retraining when it holds");
  set->add_option("--rollback-when", set_options->rollback_when,
                  "On the holder: return the stage to its previous holder when it holds");
  set->add_option("--key", set_options->key, "Stored key of the repository's owner (default: as for commit)");
  add_wait_options(*set, set_options->wait);
  set->callback([set_options, &context] { run_set(*set_options, context); });

  auto show_options = std::make_shared<ShowOptions>();
  auto* show = policy->add_subcommand("show", "Show the evaluators, the quorum and each stage's rules");
  show->add_option("REMOTE", show_options->remote, "Chain remote (default origin)");
  show->add_flag("--json", show_options->json, "Print one JSON object");
  show->callback([show_options, &context] { run_show(*show_options, context); });
}

}  // namespace mlchain::cli
