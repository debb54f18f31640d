#include "chain_history.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>

#include "chain_support.hpp"
#include "context.hpp"
#include "count_option.hpp"
#include "mlchain/chain/anchoring.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/util/utc_time.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

Result<chain::ChainRemote> chain_remote_named(const std::string& name) {
  MLCHAIN_TRY(auto repository, repo::discover_repository(std::filesystem::current_path()));
  MLCHAIN_TRY(auto configured, remote::find_remote(repository, name));
  return chain::chain_remote_of(configured);
}

json update_json(const chain::TimedUpdate& timed) {
  const auto& update = timed.update;
  return json{{"branch", update.branch},
              {"old", update.old_head ? json(update.old_head->to_string()) : json(nullptr)},
              {"new", update.new_head.to_string()},
              {"pusher", codec::to_checksum_address(update.pusher)},
              {"block", update.block_number},
              {"time", timed.timestamp},
              {"time_utc", util::utc_timestamp(static_cast<std::int64_t>(timed.timestamp))},
              {"transaction", hash_hex(update.transaction_hash)}};
}

}  // namespace

void print_remote_log(const std::string& remote_name, bool as_json, std::optional<std::size_t> limit, Context& context) {
  auto remote = chain_remote_named(remote_name);
  if (!remote) return context.fail(remote.error());
  auto history = chain::remote_history(*remote);
  if (!history) return context.fail(history.error());
  if (limit && history->size() > *limit) history->resize(*limit);
  if (as_json) {
    auto list = json::array();
    for (const auto& timed : *history) list.push_back(update_json(timed));
    context.out << list.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  for (const auto& timed : *history) {
    const auto& update = timed.update;
    context.out << "block " << update.block_number << "  " << util::utc_timestamp(static_cast<std::int64_t>(timed.timestamp)) << "  "
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
  command.add_option("--min-confirmations", options.min_confirmations,
                     "Confirmations the anchoring block must have (default 1)")
      ->check(positive_whole_number);
}

Result<json> check_chain_anchoring(const ChainVerifyOptions& options, repo::VerifyReport& report) {
  MLCHAIN_TRY(auto repository, repo::discover_repository(std::filesystem::current_path()));
  MLCHAIN_TRY(auto configured, remote::find_remote(repository, options.remote.empty() ? remote::default_remote : options.remote));
  MLCHAIN_TRY(auto remote, chain::chain_remote_of(configured));
  MLCHAIN_TRY(auto check, chain::check_anchored(repository, remote, *report.commit, options.min_confirmations));
  if (!check.anchoring) {
    report.problems.push_back(repo::VerifyProblem{repo::ProblemKind::not_anchored, std::nullopt,
                                                  "anchored with at least " + std::to_string(options.min_confirmations) +
                                                      " confirmation(s)",
                                                  check.detail});
    return json(nullptr);
  }
  const auto& anchoring = *check.anchoring;
  json document = update_json(anchoring.anchored_by);
  document["chain_id"] = anchoring.chain_id;
  document["confirmations"] = anchoring.confirmations;
  document["registry"] = codec::to_checksum_address(remote.registry);
  document["repo"] = remote.repo;
  return document;
}

std::string anchoring_line(const json& anchoring) {
  return "anchored by " + anchoring["repo"].get<std::string>() + "/" + anchoring["branch"].get<std::string>() + " at " +
         anchoring["new"].get<std::string>() + " in block " + std::to_string(anchoring["block"].get<std::uint64_t>()) +
         " of chain " + std::to_string(anchoring["chain_id"].get<std::uint64_t>()) + " at " +
         anchoring["time_utc"].get<std::string>() + " (" + std::to_string(anchoring["confirmations"].get<std::uint64_t>()) +
         (anchoring["confirmations"].get<std::uint64_t>() == 1 ? " confirmation" : " confirmations") + "), transaction " + anchoring["transaction"].get<std::string>() + ", pusher " +
         anchoring["pusher"].get<std::string>();
}

}  // namespace mlchain::cli
