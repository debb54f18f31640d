#include "mlchain/workflow/clone.hpp"

namespace mlchain::workflow {
namespace {

std::optional<std::string> given(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

Status check_depth(const CloneOptions& options) {
  if (options.depth && *options.depth == 0)
    return make_error(ErrorKind::invalid_argument, "--depth must be at least 1");
  return {};
}

Result<remote::CloneRequest> commit_request(const CloneOptions& options) {
  if (options.ipfs.empty() == options.gateway.empty())
    return make_error(ErrorKind::invalid_argument,
                      "name exactly one source: --ipfs URL (Kubo RPC API) or --gateway URL");
  auto head = codec::Cid::parse(options.source);
  if (!head) return make_error(ErrorKind::invalid_argument, "'" + options.source + "' is not a CID");
  return remote::CloneRequest{
      .head = *head,
      .directory = options.directory.empty() ? std::filesystem::path(head->to_string()) : options.directory,
      .address = {.ipfs = given(options.ipfs), .gateway = given(options.gateway)},
      .depth = options.depth};
}

Result<CloneReport> clone_from_chain(const CloneOptions& options) {
  MLCHAIN_TRY(auto target, chain::parse_clone_url(options.source));
  if (options.rpc.empty())
    return make_error(ErrorKind::invalid_argument,
                      "cloning " + options.source + " needs --rpc URL (the chain's JSON-RPC)");
  if (options.ipfs.empty())
    return make_error(ErrorKind::invalid_argument, "cloning " + options.source + " needs --ipfs URL (a Kubo RPC API)");
  chain::ChainCloneRequest request;
  request.target = target;
  request.rpc = options.rpc;
  request.ipfs = options.ipfs;
  request.branch = options.branch;
  request.directory = options.directory;
  request.depth = options.depth;
  MLCHAIN_TRY(auto cloned, chain::clone_from_chain(request));
  CloneReport report;
  report.target = std::move(target);
  report.chain_cloned = std::move(cloned);
  return report;
}

CloneReport commit_report(const codec::Cid& head, remote::CloneOutcome cloned) {
  CloneReport report;
  report.commit = head;
  report.cloned = std::move(cloned);
  return report;
}

}  // namespace

Result<CloneReport> clone(const CloneOptions& options) {
  MLCHAIN_TRY_STATUS(check_depth(options));
  if (chain::is_clone_url(options.source)) return clone_from_chain(options);
  MLCHAIN_TRY(const auto request, commit_request(options));
  MLCHAIN_TRY(auto cloned, remote::clone(request, options.progress));
  return commit_report(request.head, std::move(cloned));
}

Result<CloneReport> clone(const CloneOptions& options, ipfs::Node& node) {
  MLCHAIN_TRY_STATUS(check_depth(options));
  MLCHAIN_TRY(const auto request, commit_request(options));
  MLCHAIN_TRY(auto cloned, remote::clone(request, node, options.progress));
  return commit_report(request.head, std::move(cloned));
}

}  // namespace mlchain::workflow
