// mlchain pull [REMOTE] [BRANCH]: fetch the branch's head from the remote's chain (objects from IPFS), then
// fast-forward the local branch to it and check it out when HEAD is on it. A diverged branch: exit 5.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/chain/sync.hpp"

namespace mlchain::cli {
namespace {

struct PullOptions {
  std::string remote = remote::default_remote;
  std::string branch;
};

void run_pull(const PullOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto configured = remote::find_remote(*repository, options.remote);
  if (!configured) return context.fail(configured.error());
  auto chain_remote = chain::chain_remote_of(*configured);
  if (!chain_remote) return context.fail(chain_remote.error());
  std::string branch = options.branch;
  if (branch.empty()) {
    auto head = repository->refs().read_head();
    if (!head) return context.fail(head.error());
    if (!head->branch) return context.fail(ErrorKind::invalid_argument, "HEAD is detached; name the branch to pull");
    branch = *head->branch;
  }
  auto node = remote::open_node({.ipfs = configured->ipfs, .gateway = configured->gateway});
  if (!node) return context.fail(node.error());
  auto fetched = chain::fetch_branches(*repository, *chain_remote, **node, branch, std::nullopt);
  if (!fetched) return context.fail(fetched.error());
  const codec::Cid& head = fetched->front().head;
  auto pulled = chain::fast_forward(*repository, options.remote, branch, head);
  if (!pulled) return context.fail(pulled.error());
  switch (pulled->kind) {
    case chain::PullOutcome::Kind::up_to_date:
      context.out << branch << " is up to date with " << options.remote << '/' << branch << " ("
                  << (pulled->before ? pulled->before->to_string() : head.to_string()) << ")\n";
      break;
    case chain::PullOutcome::Kind::fast_forward:
      context.out << branch << ": " << pulled->before->to_string() << " -> " << head.to_string() << " (fast-forward"
                  << (pulled->checked_out ? ", checked out" : "") << ")\n";
      break;
    case chain::PullOutcome::Kind::created:
      context.out << branch << ": created at " << head.to_string() << (pulled->checked_out ? " (checked out)" : "") << '\n';
      break;
  }
}

}  // namespace

void register_pull(CLI::App& app, Context& context) {
  auto options = std::make_shared<PullOptions>();
  auto* command = app.add_subcommand(
      "pull", "Fetch BRANCH's head from REMOTE's chain and its objects from IPFS, then fast-forward BRANCH to it");
  command->add_option("REMOTE", options->remote, "Remote name (default origin)");
  command->add_option("BRANCH", options->branch, "Branch (default: the current branch)");
  command->callback([options, &context] { run_pull(*options, context); });
}

}  // namespace mlchain::cli
