// mlchain push [REMOTE] [BRANCH]: uploads BRANCH's whole history (commits, trees, files) that the remote's
// IPFS node lacks, pins the head, records refs/remotes/REMOTE/BRANCH and prints the head CID; a chain
// remote's head moves by one transaction first (workflow/push.hpp). --speed-up replaces a stuck one.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/net/http.hpp"
#include "mlchain/workflow/push.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct PushOptions {
  std::string remote = remote::default_remote;
  std::string branch;
  std::optional<std::string> key;
  bool speed_up = false;
  WaitOptions wait;
};

workflow::PushOptions workflow_options(const PushOptions& options) {
  workflow::PushOptions chosen;
  chosen.remote = options.remote;
  chosen.branch = options.branch;
  chosen.key = options.key;
  chosen.chain = options.wait.chain_options();
  return chosen;
}

// `remote.ipfs` completes the clone command a reader can copy; a gateway serves readers as well.
void print_anchoring(const remote::Remote& remote, const workflow::PushAnchoring& anchoring, Context& context) {
  const auto reader_source = remote.gateway ? " --gateway " + net::redact_url(*remote.gateway)
                             : remote.ipfs  ? " --ipfs " + net::redact_url(*remote.ipfs)
                                            : std::string(" --ipfs URL");
  for (const auto& anchored : anchoring.report.anchored) {
    const auto& receipt = anchored.settled.receipt;
    const auto& transaction = anchored.settled.entry.transaction;
    context.out << (anchored.resumed ? "finished journaled push: " : "") << "anchored " << anchoring.chain.repo << '/'
                << anchored.branch << " at " << anchored.new_head.to_string() << " on chain " << transaction.chain_id
                << ": transaction " << hash_hex(receipt.transaction_hash) << ", block " << receipt.block_number
                << ", gas used " << receipt.gas_used << ", nonce " << transaction.nonce << ", "
                << anchored.settled.confirmations
                << (anchored.settled.confirmations == 1 ? " confirmation" : " confirmations")
                << (anchored.settled.entry.replaces
                        ? ", replacing " + codec::to_0x_hex(*anchored.settled.entry.replaces)
                        : "")
                << '\n';
    context.out << "clone: mlchain clone " << chain::clone_url(anchoring.chain, anchored.branch) << " --rpc "
                << net::redact_url(anchoring.chain.rpc) << reader_source << '\n';
  }
}

void run_speed_up(repo::Repository& repository, const PushOptions& options, Context& context) {
  auto report = workflow::speed_up_push(repository, workflow_options(options));
  if (!report) return context.fail(report.error());
  print_anchoring(report->remote, report->anchoring, context);
}

void run_push(const PushOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  if (options.speed_up) return run_speed_up(*repository, options, context);
  auto chosen = workflow_options(options);
  std::optional<ProgressBar> bar(std::in_place, context.err, "push");
  chosen.progress = [&](std::uint64_t done, std::uint64_t total) {
    if (bar) bar->update(done, total);
  };
  // The head is on the node whatever the chain answers next: say so before the transaction.
  chosen.pinned_before_anchoring = [&](const codec::Cid& head) {
    bar.reset();
    context.out << head.to_string() << '\n';
  };
  auto pushed = workflow::push_branch(*repository, chosen);
  bar.reset();
  if (!pushed) return context.fail(pushed.error());
  if (pushed->sealed) {
    const auto& sealed = *pushed->sealed;
    context.err << "sealed " << sealed.files_sealed << " files (" << sealed.file_bytes << " bytes) and uploaded only "
                << "their ciphertext, with " << sealed.blocks << " commit and tree blocks, to " << pushed->node_url
                << "; " << (sealed.files - sealed.files_sealed) << " files and " << sealed.blocks_present
                << " blocks were there already\n";
  }
  if (pushed->anchoring) {
    print_anchoring(pushed->remote, *pushed->anchoring, context);
    if (const auto& opened = pushed->anchoring->opened) {
      if (opened->marked_private)
        context.err << "marked " << pushed->anchoring->chain.repo << " private on the registry\n";
      if (opened->not_owner)
        context.err << "mlchain: warning: " << pushed->anchoring->chain.repo
                    << " is not marked private on the registry and only its owner can mark it: until then a "
                       "clone sees it as public (its files are still only ciphertext on the node)\n";
      for (const auto& reader : opened->readers) {
        if (reader.access)
          context.err << "wrapped " << pushed->head.to_string() << " for reader "
                      << codec::to_checksum_address(reader.reader) << " (access " << reader.access->to_string()
                      << ")\n";
        else
          context.err << "mlchain: warning: reader " << codec::to_checksum_address(reader.reader)
                      << " has published no encryption key ('mlchain key encryption publish'); grant this version "
                         "once it has: mlchain access grant "
                      << pushed->remote.name << " " << codec::to_checksum_address(reader.reader) << " --versions "
                      << pushed->head.to_string() << "\n";
      }
    }
    if (pushed->anchoring->report.up_to_date)
      context.out << pushed->remote.name << '/' << pushed->branch << " is already at " << pushed->head.to_string()
                  << " on chain\n";
    return;
  }
  const auto& plan = pushed->plan;
  context.err << "uploaded " << plan.files.size() << " files (" << plan.file_bytes << " bytes) and "
              << plan.blocks.size() << " blocks to " << pushed->node_url << "; " << plan.files_present << " files and "
              << plan.blocks_present << " blocks were there already";
  if (plan.file_bytes_left_out > 0)
    context.err << ", and " << plan.file_bytes_left_out << " bytes of the uploaded files' chunks (sent "
                << plan.file_bytes << " of " << plan.file_bytes + plan.file_bytes_left_out << ")";
  if (plan.files_sent_again > 0)
    context.err << "; " << plan.files_sent_again << " files (" << plan.file_bytes_sent_again
                << " bytes) were sent again whole: the node lacked chunks it was given before";
  context.err << "; pinned " << plan.commits << " commits\n";
  context.out << pushed->head.to_string() << '\n';
}

}  // namespace

void register_push(CLI::App& app, Context& context) {
  auto options = std::make_shared<PushOptions>();
  auto* command = app.add_subcommand(
      "push", "Upload BRANCH's history to REMOTE's IPFS node, pin its head, record refs/remotes/REMOTE/BRANCH");
  command->add_option("REMOTE", options->remote, "Remote name (default origin)");
  command->add_option("BRANCH", options->branch, "Branch to push (default: the current branch)");
  command->add_option("--key", options->key, "Stored key that signs the transaction (default: as for commit)");
  command->add_flag("--speed-up", options->speed_up,
                    "Replace the remote's stuck push transaction: same nonce, both fees raised by at least 10%");
  add_wait_options(*command, options->wait);
  command->callback([options, &context] { run_push(*options, context); });
}

}  // namespace mlchain::cli
