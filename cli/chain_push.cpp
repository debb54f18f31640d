#include "chain_push.hpp"

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/net/http.hpp"

namespace mlchain::cli {
namespace {

// `remote.ipfs` completes the clone command a reader can copy; a gateway serves readers as well.
void print_report(const remote::Remote& remote, const chain::ChainRemote& chain_remote, const chain::AnchorReport& report,
                  Context& context) {
  const auto reader_source = remote.gateway ? " --gateway " + net::redact_url(*remote.gateway)
                             : remote.ipfs  ? " --ipfs " + net::redact_url(*remote.ipfs)
                                            : std::string(" --ipfs URL");
  for (const auto& anchored : report.anchored) {
    const auto& receipt = anchored.settled.receipt;
    const auto& transaction = anchored.settled.entry.transaction;
    context.out << (anchored.resumed ? "finished journaled push: " : "") << "anchored " << chain_remote.repo << '/'
                << anchored.branch << " at " << anchored.new_head.to_string() << " on chain " << transaction.chain_id
                << ": transaction " << hash_hex(receipt.transaction_hash) << ", block " << receipt.block_number
                << ", gas used " << receipt.gas_used << ", nonce " << transaction.nonce << ", "
                << anchored.settled.confirmations
                << (anchored.settled.confirmations == 1 ? " confirmation" : " confirmations")
                << (anchored.settled.entry.replaces ? ", replacing " + codec::to_0x_hex(*anchored.settled.entry.replaces) : "")
                << '\n';
    context.out << "clone: mlchain clone " << chain::clone_url(chain_remote, anchored.branch) << " --rpc "
                << net::redact_url(chain_remote.rpc) << reader_source << '\n';
  }
}

}  // namespace

void add_chain_push_options(CLI::App& command, ChainPushOptions& options) {
  command.add_option("--key", options.key, "Stored key that signs the transaction (default: as for commit)");
  command.add_flag("--speed-up", options.speed_up,
                   "Replace the remote's stuck push transaction: same nonce, both fees raised by at least 10%");
  add_wait_options(command, options.wait);
}

void anchor_pushed_branch(repo::Repository& repository, const remote::Remote& remote, const std::string& branch,
                          const codec::Cid& head, const ChainPushOptions& options, Context& context) {
  auto chain_remote = chain::chain_remote_of(remote);
  if (!chain_remote) return context.fail(chain_remote.error());
  auto signer = transaction_signer(&repository, options.key);
  if (!signer) return context.fail(signer.error());
  auto report = chain::anchor_branch(repository, *chain_remote, branch, head, *signer->signer,
                                     options.wait.chain_options());
  if (!report) return context.fail(report.error());
  print_report(remote, *chain_remote, *report, context);
  if (report->up_to_date)
    context.out << remote.name << '/' << branch << " is already at " << head.to_string() << " on chain\n";
}

void speed_up_stuck_push(repo::Repository& repository, const remote::Remote& remote, const ChainPushOptions& options,
                         Context& context) {
  auto chain_remote = chain::chain_remote_of(remote);
  if (!chain_remote) return context.fail(chain_remote.error());
  auto signer = transaction_signer(&repository, options.key);
  if (!signer) return context.fail(signer.error());
  auto report = chain::speed_up_push(repository, *chain_remote, *signer->signer, options.wait.chain_options());
  if (!report) return context.fail(report.error());
  print_report(remote, *chain_remote, *report, context);
}

}  // namespace mlchain::cli
