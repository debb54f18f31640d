#pragma once
// `mlchain watch` as one call (man/mlchain-watch.1): the repository's chain remote, its handlers (the
// `watch.<event>` config keys, then `--on EVENT=CMD`, evaluator mode's and --grant-on-purchase's), the lock and cursor
// in
// `.mlchain/watch/`, then the delivery loop (watch/watcher.hpp) until stopped.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/remote/remotes.hpp"
#include "mlchain/watch/watcher.hpp"

namespace mlchain::workflow {

struct WatchEvaluation {
  std::string command;
  std::string suite;  // a CID, or a directory
  std::string branch = "main";
  std::optional<std::filesystem::path> out_directory;
};

struct WatchRequest {
  std::filesystem::path start;  // where the repository is looked for; empty: the current directory
  std::string remote = remote::default_remote;
  std::vector<std::pair<std::string, std::string>> handlers;  // --on EVENT=CMD, as given
  std::optional<WatchEvaluation> evaluation;
  std::optional<std::string> key;  // the signer of evaluator mode and of --grant-on-purchase
  // Each purchase of a listing of the repository is answered with a grant of every version to the buyer
  // (workflow/access.hpp), before the purchased handler, if any, runs.
  bool grant_on_purchase = false;
  std::optional<std::uint64_t> from_block;
  std::optional<std::uint64_t> confirmations;  // nothing: the remote's
  watch::WatchOptions options;                 // its confirmations are set from the above
};

// "EVENT=CMD" split; invalid_argument naming the text and the known events otherwise.
Result<std::pair<std::string, std::string>> parse_handler(std::string_view text);

// A purchased handler (or --grant-on-purchase) makes the watcher follow the repository's catalogue too
// (catalogue/universe.hpp find_universe).
// Errors before the loop starts: not_found (no repository, remote, governance for evaluator mode, key,
// catalogue for a purchased handler),
// invalid_argument (a bad handler, a cursor of another repository), locked (another watcher holds the
// cursor), refused_by_contract (evaluator mode with a key that is no evaluator), remote_unavailable.
Result<watch::WatchSummary> watch(const WatchRequest& request, watch::StopSignal& stop, watch::WatchLog& log);

}  // namespace mlchain::workflow
