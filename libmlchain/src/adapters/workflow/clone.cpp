#include "mlchain/workflow/clone.hpp"

#include "mlchain/workflow/signer_for.hpp"

#include <system_error>

#include "mlchain/catalogue/info.hpp"
#include "mlchain/catalogue/universe.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/repository.hpp"

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

Result<CloneReport> clone_target(const CloneOptions& options, chain::CloneTarget target, const std::string& rpc,
                                 const std::string& ipfs) {
  chain::ChainCloneRequest request;
  request.target = target;
  request.rpc = rpc;
  request.ipfs = ipfs;
  request.branch = options.branch;
  request.directory = options.directory;
  request.depth = options.depth;
  request.reader = reader_for(nullptr, options.key);
  MLCHAIN_TRY(auto cloned, chain::clone_from_chain(request));
  CloneReport report;
  report.target = std::move(target);
  report.chain_cloned = std::move(cloned);
  return report;
}

Result<CloneReport> clone_from_chain(const CloneOptions& options) {
  MLCHAIN_TRY(auto target, chain::parse_clone_url(options.source));
  if (options.rpc.empty())
    return make_error(ErrorKind::invalid_argument,
                      "cloning " + options.source + " needs --rpc URL (the chain's JSON-RPC)");
  if (options.ipfs.empty())
    return make_error(ErrorKind::invalid_argument, "cloning " + options.source + " needs --ipfs URL (a Kubo RPC API)");
  return clone_target(options, std::move(target), options.rpc, options.ipfs);
}

// A source that names a listing rather than a commit, a URL or something on disk.
bool is_listing_name(const std::string& source) {
  if (chain::is_clone_url(source) || codec::Cid::parse(source)) return false;
  if (!eth::catalogue::check_listing_name(source)) return false;
  std::error_code ignored;
  return !std::filesystem::exists(source, ignored);
}

Result<CloneReport> clone_listing(const CloneOptions& options) {
  const std::string& name = options.source;
  catalogue::UniverseFlags flags;
  if (!options.rpc.empty()) flags.rpc = options.rpc;
  flags.universe = options.universe;
  std::optional<repo::Repository> repository;
  if (!flags.universe && !options.current_directory.empty()) {
    auto found = repo::discover_repository(options.current_directory);
    if (found) {
      repository = std::move(*found);
    } else if (found.error().kind != ErrorKind::not_found) {
      return std::move(found).error();
    }
  }
  if (!repository && !flags.rpc && !flags.universe)
    return make_error(ErrorKind::invalid_argument,
                      "'" + name +
                          "' is neither a CID nor an mlchain:// URL; as a catalogue listing's name, cloning it outside "
                          "a repository needs --rpc URL --universe ADDR --ipfs URL");
  MLCHAIN_TRY(const auto universe, catalogue::find_universe(repository ? &*repository : nullptr, flags));
  std::string ipfs = options.ipfs;
  if (ipfs.empty() && repository) {
    MLCHAIN_TRY(const auto remote, remote::find_remote(*repository, remote::default_remote));
    ipfs = remote.ipfs.value_or("");
  }
  if (ipfs.empty())
    return make_error(ErrorKind::invalid_argument, "cloning listing '" + name + "' needs --ipfs URL (a Kubo RPC API)");
  MLCHAIN_TRY(auto resolved, catalogue::resolve_listing(universe, name));
  const chain::CloneTarget target{.chain_id = resolved.repository.chain_id,
                                  .registry = resolved.repository.registry,
                                  .repo = resolved.repository.repo,
                                  .branch = std::nullopt};
  MLCHAIN_TRY(auto report, clone_target(options, target, universe.rpc, ipfs));
  report.resolved_url = chain::clone_url(resolved.repository, std::nullopt);
  report.listing = std::move(resolved.listing);
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
  if (is_listing_name(options.source)) return clone_listing(options);
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
