// mlchain fetch REMOTE CID [--depth N]: adds commit CID and its history from REMOTE's IPFS node (or
// gateway) to this repository, verified, as refs/remotes/REMOTE/<CID>.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "chain_sync.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/push.hpp"
#include "mlchain/remote/remotes.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct FetchOptions {
  std::string remote = remote::default_remote;
  std::string cid;
  std::optional<std::uint64_t> depth;
};

void run_fetch(const FetchOptions& options, Context& context) {
  if (options.depth && *options.depth == 0) return context.fail(ErrorKind::invalid_argument, "--depth must be at least 1");
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto source = remote::find_remote(*repository, options.remote);
  if (!source) return context.fail(source.error());
  // No CID: the branches' heads come from the remote's chain.
  if (options.cid.empty()) return fetch_chain_branches(*repository, *source, options.depth, context);
  auto head = codec::Cid::parse(options.cid);
  if (!head) return context.fail(ErrorKind::invalid_argument, "'" + options.cid + "' is not a CID");
  auto node = remote::open_node({.ipfs = source->ipfs, .gateway = source->gateway});
  if (!node) return context.fail(node.error());
  const auto ref_name = remote::remote_ref_name(options.remote, head->to_string());
  auto tracked = repository->refs().read(ref_name);
  if (!tracked) return context.fail(tracked.error());
  std::optional<remote::FetchOutcome> fetched;
  {
    ProgressBar bar(context.err, "fetch");
    auto outcome = remote::fetch_history(*repository, **node, *head, options.depth,
                                         [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
    if (!outcome) return context.fail(outcome.error());
    fetched = std::move(*outcome);
  }
  if (auto recorded = remote::record_remote_ref(*repository, options.remote, head->to_string(), *tracked, *head); !recorded)
    return context.fail(recorded.error());
  context.out << "fetched " << head->to_string() << " from " << (*node)->url() << ": " << fetched->commits.size()
              << (fetched->commits.size() == 1 ? " commit, " : " commits, ") << fetched->blocks << " new blocks, "
              << fetched->files << " new files (" << fetched->file_bytes << " bytes) as " << ref_name << '\n';
  for (const auto& parent : fetched->cut_parents)
    context.out << "history cut at --depth: parent " << parent.to_string() << " not fetched\n";
  context.out << "to name it: mlchain branch NAME " << head->to_string() << '\n';
}

}  // namespace

void register_fetch(CLI::App& app, Context& context) {
  auto options = std::make_shared<FetchOptions>();
  auto* command = app.add_subcommand("fetch", "Add commit CID and its history from REMOTE's IPFS node, verified");
  command->add_option("REMOTE", options->remote, "Remote name (default origin)");
  command->add_option("CID", options->cid, "The commit to fetch (default: every branch head on the remote's chain)");
  command->add_option("--depth", options->depth, "Only N generations of history (CID is generation 1)");
  command->callback([options, &context] { run_fetch(*options, context); });
}

}  // namespace mlchain::cli
