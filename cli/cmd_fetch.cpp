// mlchain fetch REMOTE CID [--depth N]: adds commit CID and its history from REMOTE's IPFS node (or
// gateway) to this repository, verified, as refs/remotes/REMOTE/<CID>. Without CID: every branch head on
// the remote's chain, as refs/remotes/REMOTE/<branch> (workflow/fetch.hpp).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/workflow/fetch.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

void print_branches(const workflow::FetchReport& report, Context& context) {
  for (const auto& branch : report.branches) {
    const std::string tracking = report.remote.name + "/" + branch.branch;
    if (branch.previous == branch.head)
      context.out << tracking << " is at " << branch.head.to_string() << " (unchanged)\n";
    else
      context.out << tracking << ": " << (branch.previous ? branch.previous->to_string() : std::string("(new)"))
                  << " -> " << branch.head.to_string() << " (" << branch.fetched.blocks << " new blocks, "
                  << branch.fetched.files << " new files)\n";
  }
}

void print_commit(const workflow::FetchReport& report, Context& context) {
  const auto& fetched = *report.commit;
  const auto head = fetched.head.to_string();
  context.out << "fetched " << head << " from " << report.node_url << ": " << fetched.commits.size()
              << (fetched.commits.size() == 1 ? " commit, " : " commits, ") << fetched.blocks << " new blocks, "
              << fetched.files << " new files (" << fetched.file_bytes << " bytes";
  if (fetched.file_bytes_local > 0)
    context.out << ", " << fetched.file_bytes_local << " of them from chunks stored here already";
  context.out << ") as " << report.ref_name << '\n';
  for (const auto& parent : fetched.cut_parents)
    context.out << "history cut at --depth: parent " << parent.to_string() << " not fetched\n";
  context.out << "to name it: mlchain branch NAME " << head << '\n';
}

void run_fetch(workflow::FetchOptions options, Context& context) {
  if (options.depth && *options.depth == 0)
    return context.fail(ErrorKind::invalid_argument, "--depth must be at least 1");
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  std::optional<ProgressBar> bar(std::in_place, context.err, "fetch");
  options.progress = [&](std::uint64_t done, std::uint64_t total) { bar->update(done, total); };
  auto fetched = workflow::fetch(*repository, options);
  bar.reset();
  if (!fetched) return context.fail(fetched.error());
  if (fetched->commit) return print_commit(*fetched, context);
  print_branches(*fetched, context);
}

}  // namespace

void register_fetch(CLI::App& app, Context& context) {
  auto options = std::make_shared<workflow::FetchOptions>();
  auto* command = app.add_subcommand("fetch", "Add commit CID and its history from REMOTE's IPFS node, verified");
  command->add_option("REMOTE", options->remote, "Remote name (default origin)");
  command->add_option("CID", options->commit, "The commit to fetch (default: every branch head on the remote's chain)");
  command->add_option("--depth", options->depth, "Only N generations of history (CID is generation 1)");
  command->add_option("--key", options->key, "Stored key a private model was granted to (default: as for commit)");
  command->callback([options, &context] { run_fetch(*options, context); });
}

}  // namespace mlchain::cli
