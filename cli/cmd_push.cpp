// mlchain push [REMOTE] [BRANCH]: uploads BRANCH's whole history (commits, trees, files) that the remote's
// IPFS node lacks, pins the head, records refs/remotes/REMOTE/BRANCH and prints the head CID.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "chain_push.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/chain/anchor.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/push.hpp"
#include "mlchain/remote/remotes.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct PushOptions {
  std::string remote = remote::default_remote;
  std::string branch;
  ChainPushOptions chain;
};

void run_push(const PushOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto target = remote::find_remote(*repository, options.remote);
  if (!target) return context.fail(target.error());
  if (options.chain.speed_up) return speed_up_stuck_push(*repository, *target, options.chain, context);
  if (!target->ipfs)
    return context.fail(ErrorKind::invalid_argument, "remote '" + options.remote + "' has no IPFS API to push to; set one with "
                                          "'mlchain remote add' (--ipfs URL)");
  std::string branch = options.branch;
  if (branch.empty()) {
    auto head = repository->refs().read_head();
    if (!head) return context.fail(head.error());
    if (!head->branch) return context.fail(ErrorKind::invalid_argument, "HEAD is detached; name the branch to push");
    branch = *head->branch;
  }
  auto tip = repository->refs().read(std::string(repo::heads_prefix) + branch);
  if (!tip) return context.fail(tip.error());
  if (!*tip) return context.fail(ErrorKind::not_found, "branch '" + branch + "' does not exist (or has no commit yet)");
  auto tracked = repository->refs().read(remote::remote_ref_name(options.remote, branch));
  if (!tracked) return context.fail(tracked.error());
  auto node = remote::open_node({.ipfs = target->ipfs, .gateway = std::nullopt});
  if (!node) return context.fail(node.error());

  auto plan = remote::plan_push(*repository, **node, **tip);
  if (!plan) return context.fail(plan.error());
  {
    ProgressBar bar(context.err, "push");
    auto uploaded = remote::upload(*repository, **node, *plan,
                                   [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
    if (!uploaded) return context.fail(uploaded.error());
  }
  if (auto pinned = remote::pin_head(**node, **tip); !pinned) return context.fail(pinned.error());
  // A chain remote's tracking ref moves only once the chain holds the head (anchor_pushed_branch).
  if (chain::has_chain(*target)) {
    context.out << (*tip)->to_string() << '\n';
    return anchor_pushed_branch(*repository, *target, branch, **tip, options.chain, context);
  }
  if (auto recorded = remote::record_remote_ref(*repository, options.remote, branch, *tracked, **tip); !recorded)
    return context.fail(recorded.error());
  context.err << "uploaded " << plan->files.size() << " files (" << plan->file_bytes << " bytes) and "
              << plan->blocks.size() << " blocks to " << (*node)->url() << "; " << plan->files_present << " files and "
              << plan->blocks_present << " blocks were there already; pinned " << plan->commits << " commits\n";
  context.out << (*tip)->to_string() << '\n';
}

}  // namespace

void register_push(CLI::App& app, Context& context) {
  auto options = std::make_shared<PushOptions>();
  auto* command = app.add_subcommand(
      "push", "Upload BRANCH's history to REMOTE's IPFS node, pin its head, record refs/remotes/REMOTE/BRANCH");
  command->add_option("REMOTE", options->remote, "Remote name (default origin)");
  command->add_option("BRANCH", options->branch, "Branch to push (default: the current branch)");
  add_chain_push_options(*command, options->chain);
  command->callback([options, &context] { run_push(*options, context); });
}

}  // namespace mlchain::cli
