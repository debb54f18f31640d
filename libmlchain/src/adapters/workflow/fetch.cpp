#include "mlchain/workflow/fetch.hpp"

#include "mlchain/workflow/signer_for.hpp"

#include "mlchain/remote/push.hpp"

namespace mlchain::workflow {
namespace {

Status check_depth(const FetchOptions& options) {
  if (options.depth && *options.depth == 0)
    return make_error(ErrorKind::invalid_argument, "--depth must be at least 1");
  return {};
}

Result<codec::Cid> commit_of(const FetchOptions& options) {
  auto head = codec::Cid::parse(options.commit);
  if (!head) return make_error(ErrorKind::invalid_argument, "'" + options.commit + "' is not a CID");
  return *head;
}

Result<FetchReport> fetch_branches(repo::Repository& repository, const remote::Remote& source, ipfs::Node& node,
                                   const FetchOptions& options, const BranchFetch& branches) {
  if (!branches)
    return make_error(ErrorKind::invalid_argument,
                      "remote '" + source.name + "' has no chain to name its branches; name a CID");
  FetchReport report{.remote = source, .node_url = node.url(), .commit = std::nullopt, .ref_name = {}, .branches = {}};
  MLCHAIN_TRY(report.branches, branches(repository, node, std::nullopt, options.depth));
  return report;
}

Result<FetchReport> fetch_commit(repo::Repository& repository, const remote::Remote& source, ipfs::Node& node,
                                 const FetchOptions& options, const codec::Cid& head) {
  FetchReport report{.remote = source,
                     .node_url = node.url(),
                     .commit = std::nullopt,
                     .ref_name = remote::remote_ref_name(source.name, head.to_string()),
                     .branches = {}};
  MLCHAIN_TRY(const auto tracked, repository.refs().read(report.ref_name));
  MLCHAIN_TRY(report.commit, remote::fetch_history(repository, node, head, options.depth, options.progress));
  MLCHAIN_TRY_STATUS(remote::record_remote_ref(repository, source.name, head.to_string(), tracked, head));
  return report;
}

}  // namespace

Result<FetchReport> fetch(repo::Repository& repository, const remote::Remote& source, ipfs::Node& node,
                          const FetchOptions& options, const BranchFetch& branches) {
  MLCHAIN_TRY_STATUS(check_depth(options));
  if (options.commit.empty()) return fetch_branches(repository, source, node, options, branches);
  MLCHAIN_TRY(const auto head, commit_of(options));
  return fetch_commit(repository, source, node, options, head);
}

Result<FetchReport> fetch(repo::Repository& repository, const FetchOptions& options) {
  MLCHAIN_TRY_STATUS(check_depth(options));
  MLCHAIN_TRY(const auto source, remote::find_remote(repository, options.remote));
  if (options.commit.empty()) {
    MLCHAIN_TRY(const auto chain_remote, chain::chain_remote_of(source));
    if (!source.ipfs && !source.gateway)
      return make_error(ErrorKind::invalid_argument,
                        "remote '" + source.name + "' has no IPFS node or gateway to fetch from");
    MLCHAIN_TRY(auto node, remote::open_node({.ipfs = source.ipfs, .gateway = source.gateway}));
    return fetch_branches(repository, source, *node, options,
                          chain_branch_fetch(chain_remote, reader_for(&repository, options.key)));
  }
  MLCHAIN_TRY(const auto head, commit_of(options));
  MLCHAIN_TRY(auto node, remote::open_node({.ipfs = source.ipfs, .gateway = source.gateway}));
  return fetch_commit(repository, source, *node, options, head);
}

BranchFetch chain_branch_fetch(const chain::ChainRemote& remote, privacy::ReaderSource reader) {
  return [remote, reader](repo::Repository& repository, ipfs::Node& node, const std::optional<std::string>& only,
                          std::optional<std::uint64_t> depth) {
    return chain::fetch_branches(repository, remote, node, only, depth, reader);
  };
}

}  // namespace mlchain::workflow
