#include "mlchain/workflow/pull.hpp"

#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::workflow {
namespace {

Result<std::string> branch_to_pull(repo::Repository& repository, const PullOptions& options) {
  if (!options.branch.empty()) return options.branch;
  MLCHAIN_TRY(const auto head, repository.refs().read_head());
  if (!head.branch) return make_error(ErrorKind::invalid_argument, "HEAD is detached; name the branch to pull");
  return *head.branch;
}

Result<PullReport> pull_branch(repo::Repository& repository, ipfs::Node& node, const PullOptions& options,
                               const std::string& branch, const BranchFetch& branches) {
  MLCHAIN_TRY(auto fetched, branches(repository, node, branch, std::nullopt));
  if (fetched.size() != 1)
    return make_error(ErrorKind::internal,
                      "fetching branch " + branch + " gave " + std::to_string(fetched.size()) + " branches");
  PullReport report{.remote = options.remote,
                    .branch = branch,
                    .head = fetched.front().head,
                    .fetched = std::move(fetched.front()),
                    .outcome = {}};
  MLCHAIN_TRY(report.outcome, chain::fast_forward(repository, options.remote, branch, report.head));
  return report;
}

}  // namespace

Result<PullReport> pull(repo::Repository& repository, ipfs::Node& node, const PullOptions& options,
                        const BranchFetch& branches) {
  MLCHAIN_TRY(const auto branch, branch_to_pull(repository, options));
  return pull_branch(repository, node, options, branch, branches);
}

Result<PullReport> pull(repo::Repository& repository, const PullOptions& options) {
  MLCHAIN_TRY(const auto configured, remote::find_remote(repository, options.remote));
  MLCHAIN_TRY(const auto chain_remote, chain::chain_remote_of(configured));
  MLCHAIN_TRY(const auto branch, branch_to_pull(repository, options));
  MLCHAIN_TRY(auto node, remote::open_node({.ipfs = configured.ipfs, .gateway = configured.gateway}));
  return pull_branch(repository, *node, options, branch,
                     chain_branch_fetch(chain_remote, reader_for(&repository, options.key)));
}

}  // namespace mlchain::workflow
