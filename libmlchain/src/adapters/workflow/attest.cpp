#include "mlchain/workflow/attest.hpp"

#include <utility>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::workflow {

Result<AttestOutcome> attest_deployment(const AttestRequest& request) {
  MLCHAIN_TRY_STATUS(eth::deployment::check_environment(request.environment));
  const auto start = request.start.empty() ? std::filesystem::current_path() : request.start;
  MLCHAIN_TRY(auto repository, repo::discover_repository(start));
  MLCHAIN_TRY(const auto remote, chain::find_chain_remote(repository, request.remote));
  MLCHAIN_TRY(auto signer, signer_for(&repository, request.key));

  VerifyRequest verify_request;
  verify_request.revision = request.revision;
  verify_request.directory = request.directory;
  verify_request.start = start;
  verify_request.on_progress = request.on_progress;
  MLCHAIN_TRY(auto verified, verify(verify_request));
  AttestOutcome outcome{std::move(verified), std::nullopt};
  if (!outcome.verified.ok() || !outcome.verified.commit) return outcome;

  const codec::Cid commit = *outcome.verified.commit;
  MLCHAIN_TRY(const auto block, core::load_commit(repository.objects(), commit));
  // The directory verified holds exactly the commit's files, so its tree is the commit's tree.
  MLCHAIN_TRY(auto attested,
              chain::attest_deployment(repository, remote, commit, block.author, block.tree, request.environment,
                                       request.eas, *signer.signer, request.chain_options));
  outcome.attested = std::move(attested);
  return outcome;
}

}  // namespace mlchain::workflow
