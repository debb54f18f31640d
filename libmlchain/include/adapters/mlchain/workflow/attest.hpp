#pragma once
// `mlchain attest deploy` as one call: the content is verified first (workflow/verify.hpp: every block and
// signature down the commit's ancestry, and the deployed directory holding exactly the commit's files), and
// only content that verifies is attested (chain/deployments.hpp). The command line parses its flags into an
// AttestRequest and prints the AttestOutcome (man/mlchain-attest.1).

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "mlchain/chain/deployments.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/workflow/verify.hpp"

namespace mlchain::workflow {

struct AttestRequest {
  std::string revision = "HEAD";
  std::string environment;
  std::string remote = remote::default_remote;
  std::optional<std::filesystem::path> directory;  // what was deployed; nothing: the work tree
  std::optional<codec::Address> eas;
  std::optional<std::string> key;  // the attester's stored key (workflow/signer_for.hpp)
  chain::ChainOptions chain_options;
  std::filesystem::path start;  // where the repository is looked for; empty: the current directory
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

struct AttestOutcome {
  VerifyReport verified;                             // what was checked before anything was signed
  std::optional<chain::AttestationReport> attested;  // nothing when verification failed
};

// Errors as workflow::verify and chain::attest_deployment, and invalid_argument for an environment that is no
// valid name. Content that does not verify is no error: the outcome carries the problems and nothing is sent.
Result<AttestOutcome> attest_deployment(const AttestRequest& request);

}  // namespace mlchain::workflow
