#pragma once
// The chain's record in `mlchain log --remote [REMOTE]` (head updates, newest first) and in
// `mlchain verify --chain` (is REV anchored, since when, with how many confirmations).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "mlchain/repo/verify.hpp"

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
};
// --chain, --remote NAME, --min-confirmations N.
void add_chain_verify_options(CLI::App& command, ChainVerifyOptions& options);

// Checks that report.commit (which must be known) is anchored on the remote's chain: adds a
// "not-anchored" problem to `report` when it is not, and returns what to print ({block, time, transaction, …}; null when not anchored).
Result<nlohmann::ordered_json> check_chain_anchoring(const ChainVerifyOptions& options, repo::VerifyReport& report);
// One line for the text report.
std::string anchoring_line(const nlohmann::ordered_json& anchoring);

}  // namespace mlchain::cli
