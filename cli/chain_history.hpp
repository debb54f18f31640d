#pragma once
// The chain's record in `mlchain log --remote [REMOTE]` (head updates, newest first) and in
// `mlchain verify --chain` (is REV anchored, since when, with how many confirmations).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/proof.hpp"
#include "mlchain/workflow/verify.hpp"

namespace CLI {
class App;
}

namespace mlchain::cli {

struct Context;

void print_remote_log(const std::string& remote_name, bool json, std::optional<std::size_t> limit, Context& context);

struct ChainVerifyOptions {
  bool enabled = false;  // --chain
  std::string remote;    // --remote (default origin)
  std::uint64_t min_confirmations = 1;
  std::optional<std::string> stage;        // --stage S
  std::optional<std::string> deployed_to;  // --deployed-to ENV
  std::vector<std::string> attesters;      // --attester ADDR…
  std::optional<std::string> eas;          // --eas ADDR
  bool authorized = false;                 // --authorized
};
// --chain, --remote NAME, --min-confirmations N, --stage S, --authorized.
void add_chain_verify_options(CLI::App& command, ChainVerifyOptions& options);

// verify --json's "anchoring": {branch, old, new, pusher, block, time, time_utc, transaction, chain_id,
// confirmations, registry, repo}.
nlohmann::ordered_json anchoring_json(const workflow::Anchoring& anchoring);
// One line for the text report.
std::string anchoring_line(const workflow::Anchoring& anchoring);

// A proof's anchor facts (docs/format.md §9): {chain_id, registry, repo, branch, transaction, block,
// block_hash, log_index}, and as one line.
nlohmann::ordered_json anchor_facts_json(const core::AnchorFacts& anchor);
std::string anchor_facts_line(const core::AnchorFacts& anchor);

}  // namespace mlchain::cli
