#include "chain_history.hpp"

#include <CLI/CLI.hpp>

#include "chain_support.hpp"
#include "context.hpp"
#include "count_option.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/util/utc_time.hpp"
#include "mlchain/workflow/remote_log.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

json update_json(const std::string& branch, const std::optional<codec::Cid>& old_head, const codec::Cid& new_head,
                 const codec::Address& pusher, std::uint64_t block, std::uint64_t time, const eth::Hash& transaction) {
  return json{{"branch", branch},
              {"old", old_head ? json(old_head->to_string()) : json(nullptr)},
              {"new", new_head.to_string()},
              {"pusher", codec::to_checksum_address(pusher)},
              {"block", block},
              {"time", time},
              {"time_utc", util::utc_timestamp(static_cast<std::int64_t>(time))},
              {"transaction", hash_hex(transaction)}};
}

json update_json(const chain::TimedUpdate& timed) {
  const auto& update = timed.update;
  return update_json(update.branch, update.old_head, update.new_head, update.pusher, update.block_number,
                     timed.timestamp, update.transaction_hash);
}

}  // namespace

void print_remote_log(const std::string& remote_name, bool as_json, std::optional<std::size_t> limit,
                      Context& context) {
  auto history = workflow::remote_log({}, remote_name, limit);
  if (!history) return context.fail(history.error());
  if (as_json) {
    auto list = json::array();
    for (const auto& timed : *history) list.push_back(update_json(timed));
    context.out << list.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  for (const auto& timed : *history) {
    const auto& update = timed.update;
    context.out << "block " << update.block_number << "  "
                << util::utc_timestamp(static_cast<std::int64_t>(timed.timestamp)) << "  "
                << core::escape_text(update.branch) << "  "
                << (update.old_head ? update.old_head->to_string() : std::string("(new branch)")) << " -> "
                << update.new_head.to_string() << "\n    pusher " << codec::to_checksum_address(update.pusher)
                << "  transaction " << hash_hex(update.transaction_hash) << '\n';
  }
}

void add_chain_verify_options(CLI::App& command, ChainVerifyOptions& options) {
  command.add_flag("--chain", options.enabled,
                   "Also check that REV is anchored on the remote's chain (a pushed head or an ancestor of one)");
  command.add_option("--remote", options.remote, "Remote whose chain to check (default origin)");
  command
      .add_option("--min-confirmations", options.min_confirmations,
                  "Confirmations the anchoring block must have (default 1)")
      ->check(positive_whole_number);
  command.add_option("--stage", options.stage,
                     "With --chain: REV must hold this stage now on the remote's governance (one view call)");
  command.add_option("--deployed-to", options.deployed_to,
                     "With --chain: REV must be the commit last attested deployed to this environment (not revoked)");
  command.add_option("--attester", options.attesters,
                     "With --deployed-to: count only this attester's attestations (repeatable; default: the "
                     "repository's writers)");
  command.add_option("--eas", options.eas,
                     "With --deployed-to: the EAS attested on (default: the governance's, else the chain's known one)");
  command.add_flag("--authorized", options.authorized,
                   "With --chain: every commit of REV's history must be signed by a key the repository authorised "
                   "on chain at the block that first anchored it (mlchain signer add)");
}

json anchoring_json(const workflow::Anchoring& anchoring) {
  json document = update_json(anchoring.branch, anchoring.old_head, anchoring.new_head, anchoring.pusher,
                              anchoring.block, anchoring.time, anchoring.transaction);
  document["chain_id"] = anchoring.chain_id;
  document["confirmations"] = anchoring.confirmations;
  document["registry"] = codec::to_checksum_address(anchoring.registry);
  document["repo"] = anchoring.repo;
  return document;
}

std::string anchoring_line(const workflow::Anchoring& anchoring) {
  return "anchored by " + anchoring.repo + "/" + anchoring.branch + " at " + anchoring.new_head.to_string() +
         " in block " + std::to_string(anchoring.block) + " of chain " + std::to_string(anchoring.chain_id) + " at " +
         util::utc_timestamp(static_cast<std::int64_t>(anchoring.time)) + " (" +
         std::to_string(anchoring.confirmations) + (anchoring.confirmations == 1 ? " confirmation" : " confirmations") +
         "), transaction " + hash_hex(anchoring.transaction) + ", pusher " +
         codec::to_checksum_address(anchoring.pusher);
}

json anchor_facts_json(const core::AnchorFacts& anchor) {
  return {{"chain_id", anchor.chain_id},
          {"registry", codec::to_checksum_address(anchor.registry)},
          {"repo", anchor.repo},
          {"branch", anchor.branch},
          {"transaction", codec::to_0x_hex(anchor.transaction)},
          {"block", anchor.block},
          {"block_hash", codec::to_0x_hex(anchor.block_hash)},
          {"log_index", anchor.log_index}};
}

std::string anchor_facts_line(const core::AnchorFacts& anchor) {
  return "anchored by " + anchor.repo + "/" + anchor.branch + " in block " + std::to_string(anchor.block) + " (" +
         codec::to_0x_hex(anchor.block_hash) + ") of chain " + std::to_string(anchor.chain_id) + ", transaction " +
         codec::to_0x_hex(anchor.transaction) + " log " + std::to_string(anchor.log_index) + ", registry " +
         codec::to_checksum_address(anchor.registry);
}

}  // namespace mlchain::cli
