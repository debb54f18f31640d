#include "mlchain/chain/deployments.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "mlchain/chain/anchoring.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/eas_abi.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "node_answer.hpp"

namespace mlchain::chain {
namespace {

namespace eas = eth::eas;
namespace deployment = eth::deployment;

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

Result<Bytes> view(eth::RpcClient& rpc, const codec::Address& contract, const Result<Bytes>& calldata,
                   std::string_view what) {
  if (!calldata) return calldata.error();
  MLCHAIN_TRY(auto reply, rpc.call(eth::CallRequest{std::nullopt, contract, *calldata, std::nullopt, std::nullopt}));
  if (const auto* refusal = std::get_if<eth::RpcError>(&reply))
    return make_error(ErrorKind::remote_unavailable, std::string(what) + " on " + address_text(contract) + " at " +
                                                         rpc.display_url() + ": " + refusal->describe());
  return std::get<Bytes>(std::move(reply));
}

Result<eas::Attestation> attestation_of(eth::RpcClient& rpc, const codec::Address& eas_address,
                                        const deployment::Word& uid) {
  MLCHAIN_TRY(const Bytes answer, view(rpc, eas_address, eas::get_attestation_calldata(uid), "getAttestation"));
  return from_node(eas::decode_get_attestation(answer), rpc, "getAttestation");
}

// The deployment an attestation states, when it is one of the remote's repository.
std::optional<Deployment> deployment_of(const eas::Attestation& attestation, const ChainRemote& remote) {
  if (attestation.schema != deployment::schema_uid()) return std::nullopt;
  auto data = deployment::decode(attestation.data);
  if (!data || data->registry != remote.registry || data->repo != remote.repo) return std::nullopt;
  auto commit = eth::registry::commit_of(data->commit);
  if (!commit) return std::nullopt;
  Deployment found{.environment = data->environment,
                   .commit = *commit,
                   .tree = deployment::tree_cid(data->tree),
                   .attester = attestation.attester,
                   .recipient = attestation.recipient,
                   .uid = attestation.uid,
                   .block = 0,
                   .log_index = 0,
                   .time = attestation.time,
                   .transaction = {},
                   .revocation_time = attestation.revocation_time};
  return found;
}

// The schema's UID on EAS's SchemaRegistry: registered here when the registry does not know it.
Result<std::optional<Settled>> register_schema(repo::Repository& repository, const ChainRemote& remote,
                                               eth::RpcClient& rpc, const codec::Address& eas_address,
                                               core::Signer& signer, const ChainOptions& options) {
  MLCHAIN_TRY(const Bytes registry_answer,
              view(rpc, eas_address, eas::get_schema_registry_calldata(), "getSchemaRegistry"));
  MLCHAIN_TRY(const auto schema_registry,
              from_node(eas::decode_get_schema_registry(registry_answer), rpc, "getSchemaRegistry"));
  const auto uid = deployment::schema_uid();
  MLCHAIN_TRY(const Bytes schema_answer, view(rpc, schema_registry, eas::get_schema_calldata(uid), "getSchema"));
  MLCHAIN_TRY(const auto record, from_node(eas::decode_get_schema(schema_answer), rpc, "getSchema"));
  if (record.uid == uid) {
    if (record.schema != deployment::schema_text || record.resolver != codec::Address{} ||
        record.revocable != deployment::schema_revocable)
      return make_error(ErrorKind::remote_unavailable,
                        rpc.display_url() + " answered getSchema " + codec::to_0x_hex(uid) + " with another schema");
    return std::optional<Settled>{};
  }
  MLCHAIN_TRY(Bytes data,
              eas::register_schema_calldata(deployment::schema_text, codec::Address{}, deployment::schema_revocable));
  MLCHAIN_TRY(auto settled, send_governance_transaction(repository, remote, "register-deployment-schema",
                                                        schema_registry, std::move(data), signer, options));
  return std::optional<Settled>{std::move(settled)};
}

}  // namespace

Result<codec::Address> find_deployment_eas(eth::RpcClient& rpc, const ChainRemote& remote,
                                           std::optional<codec::Address> eas_address) {
  if (!eas_address) {
    RegistryClient registry(rpc, remote.registry);
    MLCHAIN_TRY(const auto governance, registry.governance_of(remote.repo));
    if (governance) {
      GovernanceClient client(rpc, remote);
      MLCHAIN_TRY(const auto site, client.locate());
      eas_address = site.eas;
    } else {
      MLCHAIN_TRY(const auto chain_id, rpc.chain_id());
      eas_address = eas::known_deployment(chain_id);
      if (!eas_address)
        return make_error(ErrorKind::not_found, "no EAS for the deployment attestations of '" + remote.repo +
                                                    "': it has no governance and "
                                                    "chain " +
                                                    std::to_string(chain_id) + " at " + rpc.display_url() +
                                                    " has no known EAS deployment (pass --eas ADDR)");
    }
  }
  MLCHAIN_TRY_STATUS(check_eas(rpc, *eas_address));
  return *eas_address;
}

Result<std::vector<Deployment>> deployments_of(eth::RpcClient& rpc, const ChainRemote& remote,
                                               const codec::Address& eas_address) {
  eth::LogFilter filter;
  filter.addresses = {eas_address};
  filter.topics = {{eas::attested_topic()}, {}, {}, {deployment::schema_uid()}};
  MLCHAIN_TRY(const auto logs, rpc.logs(filter));
  std::vector<Deployment> deployments;
  for (const auto& log : logs) {
    if (log.removed) continue;
    if (log.address != eas_address)
      return make_error(ErrorKind::remote_unavailable,
                        rpc.display_url() + " answered eth_getLogs with a log of another contract");
    MLCHAIN_TRY(const auto attested, from_node(eas::decode_attested(log.topics, log.data), rpc, "eth_getLogs"));
    if (attested.schema != deployment::schema_uid())
      return make_error(ErrorKind::remote_unavailable,
                        rpc.display_url() + " answered eth_getLogs with an attestation under another schema");
    MLCHAIN_TRY(const auto attestation, attestation_of(rpc, eas_address, attested.uid));
    if (attestation.uid != attested.uid || attestation.attester != attested.attester)
      return make_error(ErrorKind::remote_unavailable, rpc.display_url() + " has no attestation " +
                                                           codec::to_0x_hex(attested.uid) + " its log announced");
    auto found = deployment_of(attestation, remote);
    if (!found) continue;
    found->block = log.block_number;
    found->log_index = log.log_index;
    found->transaction = log.transaction_hash;
    deployments.push_back(std::move(*found));
  }
  std::stable_sort(deployments.begin(), deployments.end(), [](const Deployment& a, const Deployment& b) {
    return std::tie(a.block, a.log_index) < std::tie(b.block, b.log_index);
  });
  return deployments;
}

Result<std::vector<Deployment>> deployments_of(const ChainRemote& remote, std::optional<codec::Address> eas_address) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  MLCHAIN_TRY(const auto found, find_deployment_eas(rpc, remote, eas_address));
  return deployments_of(rpc, remote, found);
}

Result<CurrentDeployment> current_deployment(const ChainRemote& remote, std::string_view environment,
                                             std::span<const codec::Address> attesters,
                                             std::optional<codec::Address> eas_address) {
  MLCHAIN_TRY_STATUS(deployment::check_environment(environment));
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  CurrentDeployment current{.environment = std::string(environment),
                            .deployment = std::nullopt,
                            .attesters = {attesters.begin(), attesters.end()},
                            .eas = {}};
  MLCHAIN_TRY(current.eas, find_deployment_eas(rpc, remote, eas_address));
  MLCHAIN_TRY(const auto deployments, deployments_of(rpc, remote, current.eas));
  RegistryClient registry(rpc, remote.registry);
  std::map<codec::Address, bool> writer;
  for (auto found = deployments.rbegin(); found != deployments.rend(); ++found) {
    if (found->environment != environment || found->revoked()) continue;
    bool counts = false;
    if (!attesters.empty()) {
      counts = std::find(attesters.begin(), attesters.end(), found->attester) != attesters.end();
    } else if (const auto known = writer.find(found->attester); known != writer.end()) {
      counts = known->second;
    } else {
      MLCHAIN_TRY(counts, registry.is_writer(remote.repo, found->attester));
      writer.emplace(found->attester, counts);
    }
    if (!counts) continue;
    current.deployment = *found;
    break;
  }
  return current;
}

Result<AttestationReport> attest_deployment(repo::Repository& repository, const ChainRemote& remote,
                                            const codec::Cid& commit, const codec::Address& author,
                                            const codec::Cid& tree, std::string_view environment,
                                            std::optional<codec::Address> eas_address, core::Signer& signer,
                                            const ChainOptions& options) {
  deployment::DeploymentData data{.registry = remote.registry,
                                  .repo = remote.repo,
                                  .commit = {},
                                  .environment = std::string(environment),
                                  .tree = {}};
  MLCHAIN_TRY(data.commit, eth::registry::head_of(commit));
  MLCHAIN_TRY(data.tree, deployment::tree_digest(tree));
  MLCHAIN_TRY(Bytes encoded, deployment::encode(data));

  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  // Anchored as `verify --chain` finds it: pushed as a head, or in the history of one.
  MLCHAIN_TRY(const auto anchored, check_anchored(repository, remote, commit, 1));
  if (!anchored.anchoring)
    return make_error(ErrorKind::refused_by_contract,
                      "commit " + commit.to_string() + " is not anchored in '" + remote.repo + "' by registry " +
                          address_text(remote.registry) + " (" + anchored.detail + "): push it first");
  AttestationReport report{.deployment = {}, .eas = {}, .schema_registration = std::nullopt, .attestation = {}};
  MLCHAIN_TRY(report.eas, find_deployment_eas(rpc, remote, eas_address));
  MLCHAIN_TRY(report.schema_registration, register_schema(repository, remote, rpc, report.eas, signer, options));

  eas::DelegatedAttestation request;
  request.schema = deployment::schema_uid();
  request.recipient = author;
  request.revocable = deployment::schema_revocable;
  request.data = std::move(encoded);
  MLCHAIN_TRY(Bytes calldata, eas::attest_calldata(request));
  MLCHAIN_TRY(report.attestation, send_governance_transaction(repository, remote, "attest-deployment", report.eas,
                                                              std::move(calldata), signer, options));
  for (const auto& log : report.attestation.receipt.logs) {
    if (log.address != report.eas || log.topics.empty() || log.topics[0] != eas::attested_topic()) continue;
    MLCHAIN_TRY(const auto attested, from_node(eas::decode_attested(log.topics, log.data), rpc, "the receipt"));
    if (attested.schema != request.schema) continue;
    MLCHAIN_TRY(const auto attestation, attestation_of(rpc, report.eas, attested.uid));
    auto found = deployment_of(attestation, remote);
    if (!found || found->commit != commit)
      return make_error(ErrorKind::remote_unavailable, rpc.display_url() + ": attestation " +
                                                           codec::to_0x_hex(attested.uid) +
                                                           " is not the deployment just attested");
    found->block = log.block_number;
    found->log_index = log.log_index;
    found->transaction = log.transaction_hash;
    report.deployment = std::move(*found);
    return report;
  }
  return make_error(ErrorKind::remote_unavailable, "the receipt of " +
                                                       codec::to_0x_hex(report.attestation.receipt.transaction_hash) +
                                                       " holds no Attested event of EAS " + address_text(report.eas));
}

Result<RevocationReport> revoke_deployment(repo::Repository& repository, const ChainRemote& remote,
                                           const deployment::Word& uid, std::optional<codec::Address> eas_address,
                                           core::Signer& signer, const ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  RevocationReport report{.deployment = {}, .eas = {}, .revocation = {}};
  MLCHAIN_TRY(report.eas, find_deployment_eas(rpc, remote, eas_address));
  MLCHAIN_TRY(const auto attestation, attestation_of(rpc, report.eas, uid));
  auto found = attestation.uid == uid ? deployment_of(attestation, remote) : std::nullopt;
  if (!found)
    return make_error(ErrorKind::not_found, "EAS " + address_text(report.eas) + " holds no deployment attestation " +
                                                codec::to_0x_hex(uid) + " of '" + remote.repo + "'");
  if (found->revoked())
    return make_error(ErrorKind::refused_by_contract,
                      "deployment attestation " + codec::to_0x_hex(uid) + " was revoked already");
  if (found->attester != signer.address())
    return make_error(ErrorKind::refused_by_contract,
                      "only its attester " + address_text(found->attester) + " can revoke deployment attestation " +
                          codec::to_0x_hex(uid) + ", not " + address_text(signer.address()));
  MLCHAIN_TRY(Bytes calldata, eas::revoke_calldata(deployment::schema_uid(), uid));
  MLCHAIN_TRY(report.revocation, send_governance_transaction(repository, remote, "revoke-deployment", report.eas,
                                                             std::move(calldata), signer, options));
  report.deployment = std::move(*found);
  return report;
}

}  // namespace mlchain::chain
