// mlchain clone CID [DIR] --ipfs URL | --gateway URL [--depth N]: a new repository in DIR (default: the
// CID itself) holding commit CID and its history, verified, checked out on branch main.
// mlchain clone mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH] [DIR] --rpc URL --ipfs URL: the same from a
// registry's branch, every branch tracked as origin/* (workflow/clone.hpp).
// mlchain clone NAME [DIR] [--rpc URL --universe ADDR --ipfs URL]: the repository of the catalogue listing
// NAME, as its mlchain:// URL would clone it.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/workflow/clone.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

void print_chain_clone(const workflow::CloneReport& report, Context& context) {
  const auto& cloned = *report.chain_cloned;
  context.out << "cloned " << report.target->repo << " (branch " << cloned.branch << " at " << cloned.head.to_string()
              << ") into " << cloned.work_tree.string() << ": " << cloned.files_written << " files; "
              << cloned.branches.size() << (cloned.branches.size() == 1 ? " branch" : " branches")
              << " tracked as origin/*\n";
}

void print_commit_clone(const workflow::CloneReport& report, Context& context) {
  const auto& cloned = *report.cloned;
  context.out << "cloned " << report.commit->to_string() << " into " << cloned.work_tree.string() << ": "
              << cloned.fetched.commits.size() << (cloned.fetched.commits.size() == 1 ? " commit, " : " commits, ")
              << cloned.fetched.files << " files (" << cloned.fetched.file_bytes << " bytes); branch main\n";
  for (const auto& parent : cloned.fetched.cut_parents)
    context.out << "history cut at --depth: parent " << parent.to_string() << " not fetched\n";
}

void run_clone(workflow::CloneOptions options, Context& context) {
  std::optional<ProgressBar> bar(std::in_place, context.err, "clone");
  options.progress = [&](std::uint64_t done, std::uint64_t total) { bar->update(done, total); };
  options.current_directory = std::filesystem::current_path();
  auto cloned = workflow::clone(options);
  bar.reset();
  if (!cloned) return context.fail(cloned.error());
  if (cloned->listing) {
    if (!cloned->listing->listed)
      context.err << "mlchain: warning: listing '" << cloned->listing->name
                  << "' is unlisted; cloning its repository anyway\n";
    context.out << "listing " << cloned->listing->name << " is " << core::escape_text(*cloned->resolved_url) << '\n';
  }
  if (cloned->chain_cloned) return print_chain_clone(*cloned, context);
  print_commit_clone(*cloned, context);
}

}  // namespace

void register_clone(CLI::App& app, Context& context) {
  auto options = std::make_shared<workflow::CloneOptions>();
  auto* command = app.add_subcommand(
      "clone", "Make a repository from commit CID, a registry repository or a catalogue listing, verified");
  command
      ->add_option("SOURCE", options->source,
                   "The commit CID, mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH] URL or catalogue listing NAME")
      ->required();
  command->add_option("DIR", options->directory, "Directory to create (default: the CID); must be absent or empty");
  command->add_option("--ipfs", options->ipfs, "Kubo RPC API URL, e.g. http://127.0.0.1:5001");
  command->add_option("--gateway", options->gateway, "Trustless gateway URL (read only)");
  command->add_option("--depth", options->depth, "Only N generations of history (CID is generation 1)");
  command->add_option("--rpc", options->rpc,
                      "Chain JSON-RPC URL (for an mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH] source)");
  command->add_option("--universe", options->universe,
                      "Catalogue (Model Universe) address naming a listing NAME's repository, with --rpc");
  command->add_option(
      "--key", options->key,
      "Stored key a private model was granted to (default: as for commit); its encryption key opens it");
  command->add_option("--branch", options->branch,
                      "Branch to check out (mlchain:// sources; default main, else the first pushed)");
  command->callback([options, &context] { run_clone(*options, context); });
}

}  // namespace mlchain::cli
