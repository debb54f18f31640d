#pragma once
// Evaluator mode of `mlchain watch` (docs/architecture.md "Watch"): the handler of `pushed` that makes the
// watcher one evaluator of the oracle network. For each push of the watched branch it
//   1. passes over a commit this evaluator already evaluated in the current round;
//   2. clones the commit by CID from the remote's IPFS node into a private temporary directory, verifies
//      every byte and signature, and checks that the registry anchors it;
//   3. checks the suite out by its CID (a suite given as a directory is re-hashed and must still have it);
//   4. runs the evaluation command in the suite's directory, with MLCHAIN_MODEL_DIR and MLCHAIN_SUITE_DIR
//      set, and reads one JSON object of metrics from its stdout;
//   5. signs the result (an EAS delegated attestation) and submits it, or writes it for a relayer.
// Nothing is signed for content that failed a check: every failure is the handler's failure, which the
// watcher retries and then parks.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/i256.hpp"
#include "mlchain/core/signer.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/watch/handler.hpp"

namespace mlchain::watch {

struct EvaluatorSettings {
  std::string command;
  codec::Cid suite;
  std::optional<std::filesystem::path> suite_directory;  // a suite given as a directory: copied for each run
  std::string branch = "main";
  std::optional<std::filesystem::path> out_directory;  // write signed results here instead of submitting
};

// The suite as the command line names it: a CID, or a directory whose CID (as `mlchain cid` prints it) it is.
// not_found when it is neither; invalid_argument for a path that is not a directory.
Result<std::pair<codec::Cid, std::optional<std::filesystem::path>>> resolve_suite(const std::string& text);

// One JSON object of metrics, {"accuracy": 0.93, "loss": "0.25"}: numbers (their exact decimal text) or
// decimal strings, as 18-decimal fixed point. invalid_input naming what is wrong otherwise.
Result<std::vector<std::pair<std::string, codec::I256>>> parse_metrics_object(std::string_view text);

class EvaluatorHandler final : public Handler {
 public:
  EvaluatorHandler(repo::Repository& repository, chain::ChainRemote chain_remote, remote::NodeAddress node,
                   EvaluatorSettings settings, std::shared_ptr<core::Signer> signer,
                   std::vector<std::pair<std::string, std::string>> environment);
  Result<HandlerOutcome> run(const WatchEvent& event, unsigned attempt, WatchLog& log) override;
  std::string describe() const override;

 private:
  Result<std::optional<codec::U256>> next_unrelayed_nonce(const codec::Cid& commit) const;
  Result<HandlerOutcome> evaluate(const WatchEvent& event, const codec::Cid& commit, unsigned attempt,
                                  const std::filesystem::path& scratch, WatchLog& log);
  repo::Repository& repository_;
  chain::ChainRemote chain_remote_;
  remote::NodeAddress node_;
  EvaluatorSettings settings_;
  std::shared_ptr<core::Signer> signer_;
  std::vector<std::pair<std::string, std::string>> environment_;
};

}  // namespace mlchain::watch
