// mlchain clone CID [DIR] --ipfs URL | --gateway URL [--depth N]: a new repository in DIR (default: the
// CID itself) holding commit CID and its history, verified, checked out on branch main.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "chain_sync.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/chain/anchor.hpp"
#include "mlchain/remote/fetch.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct CloneOptions {
  std::string cid;
  std::string directory;
  std::string ipfs;
  std::string gateway;
  std::optional<std::uint64_t> depth;
  std::string rpc;
  std::optional<std::string> branch;
};

void run_clone(const CloneOptions& options, Context& context) {
  if (options.depth && *options.depth == 0) return context.fail(ErrorKind::invalid_argument, "--depth must be at least 1");
  if (chain::is_clone_url(options.cid))
    return clone_chain_repository({options.cid, options.directory, options.rpc, options.ipfs, options.branch, options.depth},
                                  context);
  if (options.ipfs.empty() == options.gateway.empty())
    return context.fail(ErrorKind::invalid_argument, "name exactly one source: --ipfs URL (Kubo RPC API) or --gateway URL");
  auto head = codec::Cid::parse(options.cid);
  if (!head) return context.fail(ErrorKind::invalid_argument, "'" + options.cid + "' is not a CID");
  remote::CloneRequest request{
      .head = *head,
      .directory = options.directory.empty() ? std::filesystem::path(head->to_string()) : std::filesystem::path(options.directory),
      .address = {.ipfs = options.ipfs.empty() ? std::nullopt : std::optional<std::string>(options.ipfs),
                  .gateway = options.gateway.empty() ? std::nullopt : std::optional<std::string>(options.gateway)},
      .depth = options.depth};
  std::optional<remote::CloneOutcome> cloned;
  {
    ProgressBar bar(context.err, "clone");
    auto outcome = remote::clone(request, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
    if (!outcome) return context.fail(outcome.error());
    cloned = std::move(*outcome);
  }
  context.out << "cloned " << head->to_string() << " into " << cloned->work_tree.string() << ": "
              << cloned->fetched.commits.size() << (cloned->fetched.commits.size() == 1 ? " commit, " : " commits, ")
              << cloned->fetched.files << " files (" << cloned->fetched.file_bytes << " bytes); branch main\n";
  for (const auto& parent : cloned->fetched.cut_parents)
    context.out << "history cut at --depth: parent " << parent.to_string() << " not fetched\n";
}

}  // namespace

void register_clone(CLI::App& app, Context& context) {
  auto options = std::make_shared<CloneOptions>();
  auto* command = app.add_subcommand("clone", "Make a repository from commit CID fetched from an IPFS node, verified");
  command->add_option("CID", options->cid, "The commit to clone")->required();
  command->add_option("DIR", options->directory, "Directory to create (default: the CID); must be absent or empty");
  command->add_option("--ipfs", options->ipfs, "Kubo RPC API URL, e.g. http://127.0.0.1:5001");
  command->add_option("--gateway", options->gateway, "Trustless gateway URL (read only)");
  command->add_option("--depth", options->depth, "Only N generations of history (CID is generation 1)");
  command->add_option("--rpc", options->rpc, "Chain JSON-RPC URL (for an mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH] source)");
  command->add_option("--branch", options->branch, "Branch to check out (mlchain:// sources; default main, else the first pushed)");
  command->callback([options, &context] { run_clone(*options, context); });
}

}  // namespace mlchain::cli
