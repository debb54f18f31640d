#include "mlchain/workflow/cite.hpp"

#include <algorithm>
#include <cctype>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/anchoring.hpp"
#include "mlchain/chain/deployments.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/net/http.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/commit_signature.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::workflow {
namespace {

// The Kubo RPC API a reader fetches from when the remote names none: their own node's default address.
constexpr std::string_view default_ipfs_api = "http://127.0.0.1:5001";

// A word as a POSIX shell reads it back unchanged.
std::string shell_word(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("@%_+=:,./-#").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string directory_name(std::string_view repo) {
  std::string name;
  for (const char c : repo)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') name += c;
  return name.empty() || name.front() == '.' ? "model" : name;
}

// The remote the citation asks: the one named, or origin when it exists and has chain settings.
Result<std::optional<remote::Remote>> citing_remote(repo::Repository& repository, const CiteRequest& request) {
  if (request.remote) {
    MLCHAIN_TRY(auto named, remote::find_remote(repository, *request.remote));
    return std::optional<remote::Remote>(std::move(named));
  }
  MLCHAIN_TRY(const auto remotes, remote::list_remotes(repository));
  for (const auto& configured : remotes)
    if (configured.name == remote::default_remote) return std::optional<remote::Remote>(configured);
  return std::optional<remote::Remote>();
}

// The stages the commit holds now, each with the attestations behind its promotion; nothing when the
// repository's owner chose no governance.
Result<std::optional<core::CitationGovernance>> governance_of(const chain::ChainRemote& remote,
                                                              const codec::Cid& commit) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  chain::RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY(const auto chosen, registry.governance_of(remote.repo));
  if (!chosen) return std::optional<core::CitationGovernance>();
  chain::GovernanceClient client(rpc, remote);
  core::CitationGovernance governance;
  MLCHAIN_TRY(governance.contract, client.governance());  // checks the code there is the governance's
  MLCHAIN_TRY(const auto stages, client.stages());
  for (const auto& name : stages) {
    MLCHAIN_TRY(const auto state, client.stage(name));
    if (state.holder && *state.holder == commit)
      governance.stages.push_back(core::CitationStage{name, state.since_block, state.attestations});
  }
  return std::optional<core::CitationGovernance>(std::move(governance));
}

// The standing deployment attestations of the commit by the repository's writers; none when the chain has no
// EAS to attest on.
Result<std::vector<core::CitationDeployment>> deployments_of(const chain::ChainRemote& remote,
                                                             const codec::Cid& commit) {
  std::vector<core::CitationDeployment> cited;
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  auto eas = chain::find_deployment_eas(rpc, remote, std::nullopt);
  if (!eas.ok()) {
    if (eas.error().kind == ErrorKind::not_found) return cited;
    return std::move(eas).error();
  }
  MLCHAIN_TRY(const auto deployments, chain::deployments_of(rpc, remote, eas.value()));
  chain::RegistryClient registry(rpc, remote.registry);
  for (const auto& deployment : deployments) {
    if (deployment.commit != commit || deployment.revoked()) continue;
    MLCHAIN_TRY(const bool writer, registry.is_writer(remote.repo, deployment.attester));
    if (!writer) continue;
    cited.push_back(core::CitationDeployment{.environment = deployment.environment,
                                             .attester = deployment.attester,
                                             .uid = deployment.uid,
                                             .transaction = deployment.transaction,
                                             .block = deployment.block,
                                             .time = deployment.time});
  }
  return cited;
}

}  // namespace

Result<core::Citation> cite(const CiteRequest& request) {
  MLCHAIN_TRY(auto repository,
              repo::discover_repository(request.start.empty() ? std::filesystem::current_path() : request.start));
  MLCHAIN_TRY(const auto cid, repo::resolve_revision(repository, request.revision));
  MLCHAIN_TRY(const auto commit, core::load_commit(repository.objects(), cid));
  // A citation vouches for its author: only a signature that recovers to that author is cited.
  MLCHAIN_TRY(const auto signature, repo::check_commit_signature(commit));
  if (!signature.good)
    return make_error(ErrorKind::bad_signature, "commit " + cid.to_string() + " claims author " +
                                                    codec::to_checksum_address(commit.author) +
                                                    " but its signature does not recover to that address");

  core::Citation citation{.commit = cid,
                          .tree = commit.tree,
                          .message = commit.message,
                          .author = commit.author,
                          .author_chain_id = 1,
                          .license = commit.meta.license,
                          .time = commit.time,
                          .anchor = std::nullopt,
                          .governance = std::nullopt,
                          .deployments = {},
                          .fetch_command = {},
                          .verify_command = {}};
  std::optional<remote::Remote> configured;
  if (!request.offline) {
    MLCHAIN_TRY(configured, citing_remote(repository, request));
  }
  const std::string ipfs =
      net::redact_url(configured && configured->ipfs ? *configured->ipfs : std::string(default_ipfs_api));
  const std::string cid_text = cid.to_string();
  citation.fetch_command = "mlchain clone " + cid_text + " --ipfs " + shell_word(ipfs);
  // Clone already verifies; verifying again against the node checks the files a reader holds.
  citation.verify_command =
      "mlchain verify " + cid_text + " --ipfs " + shell_word(ipfs) + " --path " + shell_word(cid_text);

  if (!configured || !chain::has_chain(*configured)) return citation;
  MLCHAIN_TRY(auto remote, chain::chain_remote_of(*configured));
  if (remote.chain_id) citation.author_chain_id = *remote.chain_id;
  MLCHAIN_TRY(const auto check, chain::check_anchored(repository, remote, cid, 1));
  if (!check.anchoring) return citation;
  const auto& found = *check.anchoring;
  const auto& update = found.anchored_by.update;
  citation.author_chain_id = found.chain_id;
  citation.anchor = core::CitationAnchor{.chain_id = found.chain_id,
                                         .registry = remote.registry,
                                         .repo = remote.repo,
                                         .branch = update.branch,
                                         .head = update.new_head,
                                         .transaction = update.transaction_hash,
                                         .block = update.block_number,
                                         .block_time = found.anchored_by.timestamp,
                                         .confirmations = found.confirmations};
  MLCHAIN_TRY(citation.governance, governance_of(remote, cid));
  MLCHAIN_TRY(citation.deployments, deployments_of(remote, cid));

  // From the registry: clone follows its heads (the anchored one's history holds the commit); in that clone
  // the commit is checked out, so that verify compares its files, and --chain asks the chain itself.
  remote.chain_id = found.chain_id;
  const std::string directory = directory_name(remote.repo);
  citation.fetch_command = "mlchain clone " + shell_word(chain::clone_url(remote, update.branch)) + " " +
                           shell_word(directory) + " --rpc " + shell_word(net::redact_url(remote.rpc)) + " --ipfs " +
                           shell_word(ipfs);
  citation.verify_command = "cd " + shell_word(directory) + " && mlchain checkout " + cid_text + " && mlchain verify " +
                            cid_text + " --chain";
  return citation;
}

}  // namespace mlchain::workflow
