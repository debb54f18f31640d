// mlchain pull [REMOTE] [BRANCH]: fetch the branch's head from the remote's chain (objects from IPFS), then
// fast-forward the local branch to it and check it out when HEAD is on it (workflow/pull.hpp). A diverged
// branch: exit 5.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/workflow/pull.hpp"

namespace mlchain::cli {
namespace {

void run_pull(const workflow::PullOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto pulled = workflow::pull(*repository, options);
  if (!pulled) return context.fail(pulled.error());
  const auto& outcome = pulled->outcome;
  const auto& branch = pulled->branch;
  const auto head = pulled->head.to_string();
  switch (outcome.kind) {
    case chain::PullOutcome::Kind::up_to_date:
      context.out << branch << " is up to date with " << pulled->remote << '/' << branch << " ("
                  << (outcome.before ? outcome.before->to_string() : head) << ")\n";
      break;
    case chain::PullOutcome::Kind::fast_forward:
      context.out << branch << ": " << outcome.before->to_string() << " -> " << head << " (fast-forward"
                  << (outcome.checked_out ? ", checked out" : "") << ")\n";
      break;
    case chain::PullOutcome::Kind::created:
      context.out << branch << ": created at " << head << (outcome.checked_out ? " (checked out)" : "") << '\n';
      break;
  }
}

}  // namespace

void register_pull(CLI::App& app, Context& context) {
  auto options = std::make_shared<workflow::PullOptions>();
  auto* command = app.add_subcommand(
      "pull", "Fetch BRANCH's head from REMOTE's chain and its objects from IPFS, then fast-forward BRANCH to it");
  command->add_option("REMOTE", options->remote, "Remote name (default origin)");
  command->add_option("BRANCH", options->branch, "Branch (default: the current branch)");
  command->add_option("--key", options->key, "Stored key a private model was granted to (default: as for commit)");
  command->callback([options, &context] { run_pull(*options, context); });
}

}  // namespace mlchain::cli
