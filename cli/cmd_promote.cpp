// mlchain promote [REMOTE] REV --stage S: moves the stage to REV when its policy holds (refused: exit 5,
// naming every rule that fails). mlchain approve [REMOTE] REV --stage S: an approver's approval.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::cli {
namespace {

struct StageChangeOptions {
  std::vector<std::string> arguments;  // [REMOTE] REV
  std::string stage;
  std::optional<std::string> key;
  WaitOptions wait;
};

enum class StageChange { promote, approve };

void run(const StageChangeOptions& options, StageChange change, Context& context) {
  std::optional<std::string> remote;
  if (options.arguments.size() == 2) remote = options.arguments.front();
  auto target = governance_target(remote);
  if (!target) return context.fail(target.error());
  auto commit = resolve_commit(target->repository, options.arguments.back());
  if (!commit) return context.fail(commit.error());
  auto signer = workflow::signer_for(&target->repository, options.key);
  if (!signer) return context.fail(signer.error());
  if (change == StageChange::approve) {
    auto settled = chain::approve(target->repository, target->remote, options.stage, *commit, *signer->signer,
                                  options.wait.chain_options());
    if (!settled) return context.fail(settled.error());
    context.out << "approved " << commit->to_string() << " for '" << options.stage << "' as "
                << codec::to_checksum_address(signer->signer->address()) << ": transaction "
                << hash_hex(settled->receipt.transaction_hash) << ", block " << settled->receipt.block_number << '\n';
    return;
  }
  auto report = chain::promote(target->repository, target->remote, options.stage, *commit, *signer->signer,
                               options.wait.chain_options());
  if (!report) return context.fail(report.error());
  context.out << "promoted " << commit->to_string() << " to '" << options.stage << "' (previous "
              << (report->previous ? report->previous->to_string() : std::string("none")) << "): transaction "
              << hash_hex(report->settled.receipt.transaction_hash) << ", block "
              << report->settled.receipt.block_number << ", gas used " << report->settled.receipt.gas_used << '\n';
}

void add(CLI::App& app, const char* name, const char* description, StageChange change, Context& context) {
  auto options = std::make_shared<StageChangeOptions>();
  auto* command = app.add_subcommand(name, description);
  command
      ->add_option("REMOTE_AND_REV", options->arguments,
                   "[REMOTE] REV: the chain remote (default origin) and the commit")
      ->required()
      ->expected(1, 2);
  command->add_option("--stage", options->stage, "The stage (production, staging, …)")->required();
  command->add_option("--key", options->key, "Stored key that signs (default: as for commit)");
  add_wait_options(*command, options->wait);
  command->callback([options, change, &context] { run(*options, change, context); });
}

}  // namespace

void register_promote(CLI::App& app, Context& context) {
  add(app, "promote", "Move a stage to REV when the stage's policy holds on chain", StageChange::promote, context);
  add(app, "approve", "Approve REV for a stage (an approver the stage's policy names signs)", StageChange::approve,
      context);
}

}  // namespace mlchain::cli
