#include "mlchain/chain/governance.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/eip712.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "mlchain/remote/remotes.hpp"
#include "node_answer.hpp"

namespace mlchain::chain {
namespace {

namespace gov = eth::governance;
namespace eas = eth::eas;
using json = nlohmann::ordered_json;

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

// Why a governance, EAS or registry call reverted, as the error to report.
Error explain_revert(ByteView revert_data, std::string_view repo) {
  if (auto refusal = gov::decode_refusal(revert_data)) return make_error(refusal->kind, refusal->message);
  if (auto refusal = eas::describe_error(revert_data)) return make_error(ErrorKind::refused_by_contract, *refusal);
  if (auto registry_error = eth::registry::decode_error(revert_data); registry_error && *registry_error)
    return explain_registry_revert(revert_data, repo, {});
  const auto revert = codec::abi::decode_revert(revert_data, {});
  return make_error(ErrorKind::refused_by_contract,
                    "the contract refused the transaction (" +
                        (revert ? revert->describe() : std::string("revert data ") + codec::to_0x_hex(revert_data)) +
                        ")");
}

Result<GovernanceWord> digest_of(const codec::Cid& cid, std::string_view what) {
  const auto& hash = cid.hash();
  if (hash.code != codec::multihash_code::sha2_256 || hash.digest.size() != 32)
    return make_error(ErrorKind::invalid_argument,
                      std::string(what) + " " + cid.to_string() + " is not addressed by a sha2-256 digest");
  GovernanceWord word;
  std::copy(hash.digest.begin(), hash.digest.end(), word.begin());
  return word;
}

std::optional<codec::Cid> commit_or_none(const GovernanceWord& word) {
  if (eth::registry::is_empty(word)) return std::nullopt;
  auto cid = eth::registry::commit_of(word);
  if (!cid) return std::nullopt;
  return *cid;
}

Transactor governance_transactor(eth::RpcClient& rpc, Journal& journal, const ChainRemote& remote,
                                 const ChainOptions& options) {
  return Transactor(rpc, journal, settings_for(remote, options),
                    [repo = remote.repo](ByteView revert_data) { return explain_revert(revert_data, repo); });
}

// Settles the remote's transactions that an earlier run left open (killed, or its node gone mid-way), and
// returns the governance ones: a rerun finds what it was asked to do already done, and signs nothing again.
Result<std::vector<Settled>> finish_interrupted(repo::Repository& repository, const ChainRemote& remote,
                                                Transactor& transactor, Journal& journal) {
  MLCHAIN_TRY_STATUS(transactor.check_chain());
  MLCHAIN_TRY(const auto entries, journal.entries());
  std::vector<JournalEntry> governance_entries;
  for (const auto& entry : entries)
    if (entry.purpose == Purpose::governance && entry.remote == remote.name) governance_entries.push_back(entry);
  std::vector<Settled> finished;
  for (const auto& open : open_transactions(governance_entries)) {
    MLCHAIN_TRY(auto settled, transactor.settle(open));
    finished.push_back(std::move(settled));
  }
  MLCHAIN_TRY_STATUS(finish_journal(repository, remote, transactor, journal));
  return finished;
}

// One transaction about the remote's governance: the remote's earlier transactions are finished first, then
// this one is journaled, sent and settled.
Result<Settled> send(repo::Repository& repository, const ChainRemote& remote, std::string action,
                     std::optional<codec::Address> to, Bytes data, core::Signer& signer, const ChainOptions& options) {
  Journal journal = journal_of(repository);
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  Transactor transactor = governance_transactor(rpc, journal, remote, options);
  MLCHAIN_TRY(auto interrupted, finish_interrupted(repository, remote, transactor, journal));
  // The rerun of a command that was interrupted once its transaction was sent: that transaction is this one.
  for (auto& settled : interrupted)
    if (settled.entry.transaction.to == to && settled.entry.transaction.data == data) return std::move(settled);
  Intent intent;
  intent.entry.purpose = Purpose::governance;
  intent.entry.remote = remote.name;
  intent.entry.rpc = rpc.display_url();
  intent.entry.repo = remote.repo;
  intent.entry.action = std::move(action);
  intent.to = to;
  intent.data = std::move(data);
  MLCHAIN_TRY(const JournalEntry sent, transactor.submit(std::move(intent), signer));
  return transactor.settle(OpenTransaction{{sent}});
}

Result<codec::Address> created_contract(const Settled& settled, std::string_view what) {
  if (!settled.receipt.contract_address)
    return make_error(ErrorKind::remote_unavailable, "the receipt of the " + std::string(what) + " deployment " +
                                                         codec::to_0x_hex(settled.receipt.transaction_hash) +
                                                         " names no contract");
  return *settled.receipt.contract_address;
}

}  // namespace

Status check_eas(eth::RpcClient& rpc, const codec::Address& address) {
  const std::string where = address_text(address) + " at " + rpc.display_url();
  MLCHAIN_TRY(const Bytes code, rpc.code(address));
  if (code.empty()) return make_error(ErrorKind::not_found, "no EAS contract at " + where);
  MLCHAIN_TRY(const Bytes calldata, eas::version_calldata());
  MLCHAIN_TRY(auto reply, rpc.call(eth::CallRequest{std::nullopt, address, calldata, std::nullopt, std::nullopt}));
  std::optional<std::string> version;
  if (const auto* answer = std::get_if<Bytes>(&reply)) {
    if (auto decoded = eas::decode_version(*answer)) version = *decoded;
  }
  if (version != eas::domain_version)
    return make_error(ErrorKind::unsupported, "the contract at " + where + " is not EAS " +
                                                  std::string(eas::domain_version) +
                                                  (version ? " (it reports version " + *version + ")" : "") +
                                                  ": pass --eas with an EAS 1.4.0 deployment");
  return {};
}

namespace {

json typed_data_json(const std::string& text) { return json::parse(text); }

Result<std::string> string_field(const json& document, const char* name) {
  const auto found = document.find(name);
  if (found == document.end() || !found->is_string())
    return make_error(ErrorKind::invalid_input,
                      std::string("evaluation file: \"") + name + "\" is missing or not a string");
  return found->get<std::string>();
}

Result<std::uint64_t> uint_field(const json& document, const char* name) {
  const auto found = document.find(name);
  if (found != document.end() && found->is_number_unsigned()) return found->get<std::uint64_t>();
  if (found != document.end() && found->is_string()) {
    auto value = codec::U256::parse_decimal(found->get<std::string>());
    if (value && value->to_uint64()) return *value->to_uint64();
  }
  return make_error(ErrorKind::invalid_input, std::string("evaluation file: \"") + name + "\" is not a number");
}

Result<GovernanceWord> word_field(const json& document, const char* name) {
  MLCHAIN_TRY(const auto text, string_field(document, name));
  auto bytes = codec::from_0x_hex(text);
  if (!bytes || bytes->size() != 32)
    return make_error(ErrorKind::invalid_input,
                      std::string("evaluation file: \"") + name + "\" is not 32 bytes of 0x hex");
  GovernanceWord word;
  std::copy(bytes->begin(), bytes->end(), word.begin());
  return word;
}

Result<codec::Address> address_field(const json& document, const char* name) {
  MLCHAIN_TRY(const auto text, string_field(document, name));
  auto address = codec::parse_address(text);
  if (!address)
    return make_error(ErrorKind::invalid_input,
                      std::string("evaluation file: \"") + name + "\": " + address.error().message);
  return *address;
}

Result<codec::Cid> cid_field(const json& document, const char* name) {
  MLCHAIN_TRY(const auto text, string_field(document, name));
  auto cid = codec::Cid::parse(text);
  if (!cid)
    return make_error(ErrorKind::invalid_input,
                      std::string("evaluation file: \"") + name + "\": " + cid.error().message);
  return *cid;
}

// The "metrics" a reader sees must be the values signed: the same names, each the number evaluation_file
// writes for the signed value (a JSON number, so compared as one).
Status check_metrics_field(const json& document,
                           const std::vector<std::pair<std::string, codec::I256>>& signed_metrics) {
  const auto found = document.find("metrics");
  if (found == document.end() || !found->is_object())
    return make_error(ErrorKind::invalid_input, "evaluation file: \"metrics\" is missing or not an object");
  bool same = found->size() == signed_metrics.size();
  for (const auto& [name, value] : signed_metrics) {
    const auto shown = found->find(name);
    same = same && shown != found->end() && shown->is_number() && *shown == json::parse(codec::format_fixed18(value));
  }
  if (!same)
    return make_error(ErrorKind::invalid_input, "evaluation file: \"metrics\" is not what the signed data names");
  return {};
}

std::string reason_of(const eth::RpcError& error, std::string_view repo) {
  if (error.kind() == eth::RpcError::Kind::execution_reverted) return explain_revert(error.revert_data, repo).message;
  return error.describe();
}

struct Refusal {
  std::string reason;
  bool nonce_used = false;  // EAS has taken a request with this attester's nonce
};

// Why EAS or the governance refused one request. EAS reports a used nonce as a bad signature: the nonce
// tells a request submitted already (or superseded by another signed with the same nonce) from a forgery.
Result<Refusal> refusal_of(GovernanceClient& client, const eth::RpcError& refusal,
                           const eas::DelegatedAttestation& request, std::string_view repo) {
  Refusal explained{reason_of(refusal, repo)};
  if (refusal.kind() != eth::RpcError::Kind::execution_reverted || !eas::is_invalid_signature(refusal.revert_data))
    return explained;
  MLCHAIN_TRY(const auto nonce, client.nonce(request.attester));
  if (request.nonce < nonce)
    return Refusal{"submitted already: it was signed with EAS nonce " + request.nonce.to_decimal() + " and " +
                       address_text(request.attester) + "'s nonce is now " + nonce.to_decimal() +
                       " (a signed request counts once; a result signed with the same nonce may have been submitted "
                       "instead)",
                   true};
  return explained;
}

}  // namespace

Result<Settled> send_governance_transaction(repo::Repository& repository, const ChainRemote& remote, std::string action,
                                            std::optional<codec::Address> to, Bytes data, core::Signer& signer,
                                            const ChainOptions& options) {
  return send(repository, remote, std::move(action), to, std::move(data), signer, options);
}

Result<Bytes> GovernanceClient::view(const codec::Address& contract, const Result<Bytes>& calldata,
                                     std::string_view what) {
  if (!calldata) return calldata.error();
  MLCHAIN_TRY(auto reply, rpc_.call(eth::CallRequest{std::nullopt, contract, *calldata, std::nullopt, std::nullopt}));
  if (const auto* refusal = std::get_if<eth::RpcError>(&reply)) {
    if (refusal->kind() == eth::RpcError::Kind::execution_reverted) {
      if (auto known = gov::decode_refusal(refusal->revert_data)) return make_error(known->kind, known->message);
    }
    return make_error(ErrorKind::remote_unavailable, std::string(what) + " on " + address_text(contract) + " at " +
                                                         rpc_.display_url() + ": " + refusal->describe());
  }
  return std::get<Bytes>(std::move(reply));
}

Result<codec::Address> GovernanceClient::governance() {
  if (governance_) return *governance_;
  RegistryClient registry(rpc_, remote_.registry);
  MLCHAIN_TRY(const auto governance, registry.governance_of(remote_.repo));
  if (!governance)
    return make_error(ErrorKind::not_found, "repository '" + remote_.repo + "' on registry " +
                                                address_text(remote_.registry) +
                                                " has no governance: its owner runs 'mlchain governance deploy'");
  // The registry holds whatever address the owner set: only the contract this mlchain embeds, bound to
  // this registry, answers views and refuses results the way docs/format.md describes.
  MLCHAIN_TRY(const Bytes code, rpc_.code(*governance));
  if (!gov::is_governance_code(code, remote_.registry))
    return make_error(ErrorKind::corrupt,
                      "registry " + address_text(remote_.registry) + " names " + address_text(*governance) +
                          " as the governance of '" + remote_.repo + "', but " +
                          (code.empty() ? "there is no contract there"
                                        : "the contract there is not the mlchain governance of this registry") +
                          " at " + rpc_.display_url() + ": its owner runs 'mlchain governance deploy'");
  governance_ = *governance;
  return *governance;
}

Result<GovernanceSite> GovernanceClient::locate() {
  if (site_) return *site_;
  GovernanceSite site;
  MLCHAIN_TRY(site.governance, governance());
  MLCHAIN_TRY(const Bytes eas_answer, view(site.governance, gov::eas_calldata(), "eas()"));
  MLCHAIN_TRY(site.eas, from_node(gov::decode_address(eas_answer), rpc_, "eas()"));
  MLCHAIN_TRY(const Bytes schema_answer,
              view(site.governance, gov::evaluation_schema_calldata(), "evaluationSchema()"));
  MLCHAIN_TRY(site.evaluation_schema, from_node(gov::decode_word(schema_answer), rpc_, "evaluationSchema()"));
  MLCHAIN_TRY(site.chain_id, rpc_.chain_id());
  site_ = site;
  return site;
}

Result<gov::Round> GovernanceClient::round() {
  MLCHAIN_TRY(const auto governance_address, governance());
  MLCHAIN_TRY(const Bytes data, view(governance_address, gov::round_of_calldata(remote_.repo), "roundOf"));
  return from_node(gov::decode_round_of(data), rpc_, "roundOf");
}

Result<std::vector<std::string>> GovernanceClient::stages() {
  MLCHAIN_TRY(const auto governance_address, governance());
  MLCHAIN_TRY(const Bytes data, view(governance_address, gov::stages_of_calldata(remote_.repo), "stagesOf"));
  return from_node(gov::decode_stages_of(data), rpc_, "stagesOf");
}

Result<gov::StagePolicy> GovernanceClient::stage_policy(std::string_view stage) {
  MLCHAIN_TRY(const auto governance_address, governance());
  MLCHAIN_TRY(const Bytes data,
              view(governance_address, gov::stage_policy_calldata(remote_.repo, stage), "stagePolicy"));
  return from_node(gov::decode_stage_policy(data), rpc_, "stagePolicy");
}

Result<StageState> GovernanceClient::stage(std::string_view stage) {
  MLCHAIN_TRY(const auto governance_address, governance());
  MLCHAIN_TRY(const Bytes data, view(governance_address, gov::holder_of_calldata(remote_.repo, stage), "holderOf"));
  MLCHAIN_TRY(const auto holder, from_node(gov::decode_holder_of(data), rpc_, "holderOf"));
  StageState state;
  state.stage = std::string(stage);
  state.holder = commit_or_none(holder.commit);
  state.since_block = holder.since_block;
  state.previous = commit_or_none(holder.previous);
  state.attestations = holder.attestations;
  return state;
}

Result<std::vector<gov::RuleCheck>> GovernanceClient::check(std::string_view stage, const codec::Cid& commit) {
  MLCHAIN_TRY(const auto governance_address, governance());
  MLCHAIN_TRY(const auto head, eth::registry::head_of(commit));
  MLCHAIN_TRY(const Bytes data, view(governance_address, gov::check_calldata(remote_.repo, stage, head), "check"));
  return from_node(gov::decode_check(data), rpc_, "check");
}

Result<RecordedEvaluation> GovernanceClient::evaluation(const GovernanceWord& uid) {
  MLCHAIN_TRY(const auto site, locate());
  MLCHAIN_TRY(const Bytes data, view(site.eas, eas::get_attestation_calldata(uid), "getAttestation"));
  MLCHAIN_TRY(const auto attestation, from_node(eas::decode_get_attestation(data), rpc_, "getAttestation"));
  if (attestation.uid != uid)
    return make_error(ErrorKind::not_found,
                      "EAS at " + address_text(site.eas) + " has no attestation " + codec::to_0x_hex(uid));
  RecordedEvaluation recorded;
  recorded.uid = uid;
  recorded.evaluator = attestation.attester;
  recorded.time = attestation.time;
  MLCHAIN_TRY(recorded.evaluation, from_node(gov::decode_evaluation(attestation.data), rpc_, "getAttestation"));
  return recorded;
}

Result<codec::U256> GovernanceClient::nonce(const codec::Address& attester) {
  MLCHAIN_TRY(const auto site, locate());
  MLCHAIN_TRY(const Bytes data, view(site.eas, eas::get_nonce_calldata(attester), "getNonce"));
  return from_node(eas::decode_get_nonce(data), rpc_, "getNonce");
}

Result<std::optional<std::pair<GovernanceWord, std::uint64_t>>> GovernanceClient::evaluation_of(
    const codec::Cid& commit, const codec::Address& evaluator) {
  MLCHAIN_TRY(const auto contract, governance());
  MLCHAIN_TRY(const auto word, eth::registry::head_of(commit));
  MLCHAIN_TRY(const Bytes data,
              view(contract, gov::evaluation_of_calldata(remote_.repo, word, evaluator), "evaluationOf"));
  MLCHAIN_TRY(const auto found, from_node(gov::decode_evaluation_of(data), rpc_, "evaluationOf"));
  if (found.first == GovernanceWord{}) return std::optional<std::pair<GovernanceWord, std::uint64_t>>{};
  return std::optional<std::pair<GovernanceWord, std::uint64_t>>{found};
}

Result<std::optional<std::uint64_t>> GovernanceClient::anchored_at(const codec::Cid& commit) {
  RegistryClient registry(rpc_, remote_.registry);
  return registry.anchored_at(remote_.repo, commit);
}

Result<std::vector<LedgerEntry>> GovernanceClient::ledger(const std::optional<codec::Cid>& commit) {
  MLCHAIN_TRY(const auto site, locate());
  std::optional<GovernanceWord> wanted;
  if (commit) {
    MLCHAIN_TRY(wanted, eth::registry::head_of(*commit));
  }
  eth::LogFilter filter;
  filter.addresses = {site.governance};
  filter.topics = {gov::event_topics(), {eth::registry::repository_id(remote_.repo)}};
  MLCHAIN_TRY(auto logs, rpc_.logs(filter));
  std::vector<LedgerEntry> entries;
  for (const auto& log : logs) {
    if (log.removed) continue;
    if (log.address != site.governance)
      return make_error(ErrorKind::remote_unavailable,
                        rpc_.display_url() + " answered eth_getLogs with a log of another contract");
    LedgerEntry entry;
    entry.block = log.block_number;
    entry.transaction = log.transaction_hash;
    entry.log_index = log.log_index;
    MLCHAIN_TRY(entry.event, from_node(gov::decode_event(log.topics, log.data), rpc_, "eth_getLogs"));
    if (wanted) {
      const bool about = std::visit(
          [&](const auto& event) {
            using Event = std::decay_t<decltype(event)>;
            if constexpr (std::is_same_v<Event, gov::RolledBack>)
              return event.from == *wanted || event.to == *wanted;
            else if constexpr (requires { event.commit; })
              return event.commit == *wanted;
            else
              return false;
          },
          entry.event);
      if (!about) continue;
    }
    if (const auto* evaluated = std::get_if<gov::Evaluated>(&entry.event)) {
      MLCHAIN_TRY(auto recorded, evaluation(evaluated->uid));
      entry.evaluation = std::move(recorded);
    }
    entries.push_back(std::move(entry));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const LedgerEntry& a, const LedgerEntry& b) {
    return std::tie(a.block, a.log_index) < std::tie(b.block, b.log_index);
  });
  return entries;
}

Result<GovernanceDeployment> deploy_governance(repo::Repository& repository, const ChainRemote& remote,
                                               std::optional<codec::Address> eas_address, core::Signer& signer,
                                               const ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  MLCHAIN_TRY(const auto owner, registry.owner_of(remote.repo));
  if (!owner)
    return make_error(ErrorKind::not_found, "repository '" + remote.repo +
                                                "' does not exist on the registry yet: push it first (its first push "
                                                "creates it, owned by the pusher)");
  if (*owner != signer.address())
    return make_error(ErrorKind::refused_by_contract, address_text(signer.address()) + " does not own '" + remote.repo +
                                                          "' (its owner is " + address_text(*owner) +
                                                          "): only the owner chooses its governance");
  MLCHAIN_TRY(const std::uint64_t chain_id, rpc.chain_id());

  GovernanceDeployment deployment;
  if (!eas_address) eas_address = eas::known_deployment(chain_id);
  if (eas_address) {
    MLCHAIN_TRY_STATUS(check_eas(rpc, *eas_address));
    deployment.eas = *eas_address;
  } else {
    MLCHAIN_TRY(auto schema_settled, send(repository, remote, "deploy-schema-registry", std::nullopt,
                                          eas::schema_registry_deployment(), signer, options));
    MLCHAIN_TRY(const auto schema_registry, created_contract(schema_settled, "SchemaRegistry"));
    deployment.transactions.push_back(std::move(schema_settled));
    deployment.schema_registry = schema_registry;
    MLCHAIN_TRY(Bytes eas_code, eas::eas_deployment(schema_registry));
    MLCHAIN_TRY(auto eas_settled,
                send(repository, remote, "deploy-eas", std::nullopt, std::move(eas_code), signer, options));
    MLCHAIN_TRY(deployment.eas, created_contract(eas_settled, "EAS"));
    deployment.transactions.push_back(std::move(eas_settled));
  }
  MLCHAIN_TRY(Bytes governance_code, gov::deployment(deployment.eas, remote.registry));
  MLCHAIN_TRY(auto governance_settled,
              send(repository, remote, "deploy-governance", std::nullopt, std::move(governance_code), signer, options));
  MLCHAIN_TRY(deployment.governance, created_contract(governance_settled, "governance"));
  deployment.transactions.push_back(std::move(governance_settled));
  MLCHAIN_TRY(Bytes set_call, eth::registry::set_governance_calldata(remote.repo, deployment.governance));
  MLCHAIN_TRY(auto set_settled,
              send(repository, remote, "set-governance", remote.registry, std::move(set_call), signer, options));
  deployment.transactions.push_back(std::move(set_settled));
  return deployment;
}

Result<Settled> set_evaluators(repo::Repository& repository, const ChainRemote& remote,
                               std::span<const codec::Address> evaluators, std::uint8_t quorum, core::Signer& signer,
                               const ChainOptions& options) {
  if (evaluators.empty() || evaluators.size() > 32)
    return make_error(ErrorKind::invalid_argument, "--evaluator: name 1 to 32 evaluators");
  if (quorum == 0 || quorum > evaluators.size())
    return make_error(ErrorKind::invalid_argument, "--quorum " + std::to_string(quorum) +
                                                       ": must be 1 to the number of evaluators (" +
                                                       std::to_string(evaluators.size()) + ")");
  std::set<codec::Address> distinct(evaluators.begin(), evaluators.end());
  if (distinct.size() != evaluators.size())
    return make_error(ErrorKind::invalid_argument, "--evaluator: an address is named twice");
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto site, client.locate());
  MLCHAIN_TRY(Bytes data, gov::set_evaluators_calldata(remote.repo, evaluators, quorum));
  return send(repository, remote, "set-evaluators", site.governance, std::move(data), signer, options);
}

Result<Settled> set_stage_policy(repo::Repository& repository, const ChainRemote& remote, std::string_view stage,
                                 const gov::StagePolicy& policy, core::Signer& signer, const ChainOptions& options) {
  if (policy.approvals > policy.approvers.size())
    return make_error(ErrorKind::invalid_argument, "--approvals " + std::to_string(policy.approvals) +
                                                       " needs at least that many --approver addresses");
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto site, client.locate());
  MLCHAIN_TRY(Bytes data, gov::set_stage_policy_calldata(remote.repo, stage, policy));
  return send(repository, remote, "set-stage-policy", site.governance, std::move(data), signer, options);
}

Result<SignedEvaluation> sign_evaluation(const ChainRemote& remote, const codec::Cid& commit, const codec::Cid& suite,
                                         std::vector<std::pair<std::string, codec::I256>> metrics,
                                         std::uint64_t deadline, core::Signer& signer,
                                         std::optional<codec::U256> lowest_nonce) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto site, client.locate());
  MLCHAIN_TRY(const auto round, client.round());
  const codec::Address evaluator = signer.address();
  if (round.number == 0)
    return make_error(ErrorKind::refused_by_contract, "repository '" + remote.repo +
                                                          "' has no evaluators yet: its owner runs 'mlchain policy set "
                                                          "--evaluator ADDR… --quorum K'");
  if (std::find(round.evaluators.begin(), round.evaluators.end(), evaluator) == round.evaluators.end())
    return make_error(ErrorKind::refused_by_contract, address_text(evaluator) + " is not an evaluator of '" +
                                                          remote.repo + "' (round " + std::to_string(round.number) +
                                                          "): the governance would refuse its result");
  MLCHAIN_TRY(const auto anchored, client.anchored_at(commit));
  if (!anchored)
    return make_error(ErrorKind::refused_by_contract, "commit " + commit.to_string() + " was never anchored in '" +
                                                          remote.repo + "' by the registry: push it first");
  MLCHAIN_TRY(const auto nonce, client.nonce(evaluator));

  gov::Evaluation evaluation;
  MLCHAIN_TRY(evaluation.commit, eth::registry::head_of(commit));
  MLCHAIN_TRY(evaluation.suite, digest_of(suite, "suite"));
  evaluation.metrics = metrics;
  MLCHAIN_TRY(Bytes data, gov::encode_evaluation(evaluation));

  SignedEvaluation signed_evaluation;
  auto& request = signed_evaluation.attestation.request;
  request.schema = site.evaluation_schema;
  request.ref_uid = round.uid;
  request.data = std::move(data);
  request.attester = evaluator;
  request.nonce = lowest_nonce && *lowest_nonce > nonce ? *lowest_nonce : nonce;
  request.deadline = deadline;
  MLCHAIN_TRY(const auto digest, eas::attest_digest(request, site.chain_id, site.eas));
  MLCHAIN_TRY(signed_evaluation.attestation.signature, signer.sign_digest(digest));
  signed_evaluation.typed_data = eas::attest_typed_data(request, site.chain_id, site.eas);
  signed_evaluation.chain_id = site.chain_id;
  signed_evaluation.eas = site.eas;
  signed_evaluation.governance = site.governance;
  signed_evaluation.repo = remote.repo;
  signed_evaluation.round = round.number;
  signed_evaluation.commit = commit;
  signed_evaluation.suite = suite;
  signed_evaluation.metrics = std::move(metrics);
  return signed_evaluation;
}

std::string evaluation_file(const SignedEvaluation& evaluation) {
  json metrics = json::object();
  for (const auto& [name, value] : evaluation.metrics) metrics[name] = json::parse(codec::format_fixed18(value));
  const json document{{"typed_data", typed_data_json(evaluation.typed_data)},
                      {"signature", codec::to_0x_hex(evaluation.attestation.signature.bytes)},
                      {"signer", address_text(evaluation.attestation.request.attester)},
                      {"commit", evaluation.commit.to_string()},
                      {"suite", evaluation.suite.to_string()},
                      {"metrics", metrics},
                      {"repo", evaluation.repo},
                      {"governance", address_text(evaluation.governance)},
                      {"round", evaluation.round}};
  return document.dump(2) + "\n";
}

Result<SignedEvaluation> parse_evaluation_file(std::string_view text) {
  // The JSON parser takes a NUL byte for the end of its input: bytes after one would pass unseen.
  const json document = text.find('\0') == std::string_view::npos
                            ? json::parse(text.begin(), text.end(), nullptr, false)
                            : json(json::value_t::discarded);
  if (document.is_discarded() || !document.is_object())
    return make_error(ErrorKind::invalid_input, "evaluation file: not a JSON object");
  const auto typed = document.find("typed_data");
  if (typed == document.end() || !typed->is_object())
    return make_error(ErrorKind::invalid_input, "evaluation file: \"typed_data\" is missing");
  const auto message = typed->find("message");
  const auto domain = typed->find("domain");
  if (message == typed->end() || !message->is_object() || domain == typed->end() || !domain->is_object())
    return make_error(ErrorKind::invalid_input, "evaluation file: typed_data has no message or domain");

  SignedEvaluation evaluation;
  auto& request = evaluation.attestation.request;
  MLCHAIN_TRY(request.attester, address_field(*message, "attester"));
  MLCHAIN_TRY(request.schema, word_field(*message, "schema"));
  MLCHAIN_TRY(request.recipient, address_field(*message, "recipient"));
  MLCHAIN_TRY(request.expiration_time, uint_field(*message, "expirationTime"));
  const auto revocable = message->find("revocable");
  if (revocable == message->end() || !revocable->is_boolean())
    return make_error(ErrorKind::invalid_input, "evaluation file: \"revocable\" is not a boolean");
  request.revocable = revocable->get<bool>();
  MLCHAIN_TRY(request.ref_uid, word_field(*message, "refUID"));
  MLCHAIN_TRY(const auto data_text, string_field(*message, "data"));
  auto data = codec::from_0x_hex(data_text);
  if (!data) return make_error(ErrorKind::invalid_input, "evaluation file: \"data\" is not 0x hex");
  request.data = std::move(data).value();
  MLCHAIN_TRY(const auto value_text, string_field(*message, "value"));
  MLCHAIN_TRY(const auto nonce_text, string_field(*message, "nonce"));
  auto value = codec::U256::parse_decimal(value_text);
  auto nonce = codec::U256::parse_decimal(nonce_text);
  if (!value || !nonce)
    return make_error(ErrorKind::invalid_input, "evaluation file: \"value\" or \"nonce\" is not a decimal");
  request.value = *value;
  request.nonce = *nonce;
  MLCHAIN_TRY(request.deadline, uint_field(*message, "deadline"));
  MLCHAIN_TRY(evaluation.chain_id, uint_field(*domain, "chainId"));
  MLCHAIN_TRY(evaluation.eas, address_field(*domain, "verifyingContract"));

  // The document must be exactly the one these fields give: what cast verifies is what EAS will check.
  evaluation.typed_data = eas::attest_typed_data(request, evaluation.chain_id, evaluation.eas);
  MLCHAIN_TRY(const auto digest, eas::attest_digest(request, evaluation.chain_id, evaluation.eas));
  auto file_digest = codec::eip712::typed_data_digest(typed->dump());
  if (!file_digest || *file_digest != digest)
    return make_error(ErrorKind::invalid_input,
                      "evaluation file: typed_data is not the EAS 1.4.0 Attest document of its own message");

  MLCHAIN_TRY(const auto signature_text, string_field(document, "signature"));
  auto signature_bytes = codec::from_0x_hex(signature_text);
  if (!signature_bytes) return make_error(ErrorKind::invalid_input, "evaluation file: \"signature\" is not 0x hex");
  auto signature = codec::parse_signature(*signature_bytes);
  if (!signature) return make_error(ErrorKind::bad_signature, "evaluation file: " + signature.error().message);
  evaluation.attestation.signature = *signature;
  auto recovered = crypto::recover_address(digest, *signature);
  MLCHAIN_TRY(const auto signer, address_field(document, "signer"));
  if (!recovered || *recovered != request.attester || signer != request.attester)
    return make_error(ErrorKind::bad_signature, "evaluation file: the signature is not " +
                                                    address_text(request.attester) + "'s over the typed data");

  MLCHAIN_TRY(const auto decoded, gov::decode_evaluation(request.data));
  MLCHAIN_TRY(evaluation.commit, cid_field(document, "commit"));
  MLCHAIN_TRY(evaluation.suite, cid_field(document, "suite"));
  MLCHAIN_TRY(const auto commit_digest, eth::registry::head_of(evaluation.commit));
  MLCHAIN_TRY(const auto suite_digest, digest_of(evaluation.suite, "suite"));
  if (commit_digest != decoded.commit || suite_digest != decoded.suite)
    return make_error(ErrorKind::invalid_input,
                      "evaluation file: \"commit\" or \"suite\" is not what the signed data names");
  evaluation.metrics = decoded.metrics;
  MLCHAIN_TRY_STATUS(check_metrics_field(document, evaluation.metrics));
  MLCHAIN_TRY(evaluation.repo, string_field(document, "repo"));
  MLCHAIN_TRY(evaluation.governance, address_field(document, "governance"));
  MLCHAIN_TRY(evaluation.round, uint_field(document, "round"));
  return evaluation;
}

namespace {

void sort_dropped(SubmitReport& report) {
  std::sort(report.dropped.begin(), report.dropped.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
}

// The report's accepted results: the receipt's Attested events, in the order of the batch it carried.
Status record_accepted(Settled settled, const GovernanceSite& site, const std::vector<std::size_t>& batch_index,
                       const eth::RpcClient& rpc, SubmitReport& report) {
  std::vector<GovernanceWord> uids;
  for (const auto& log : settled.receipt.logs) {
    if (log.address != site.eas || log.topics.empty() || log.topics[0] != eas::attested_topic()) continue;
    MLCHAIN_TRY(const auto attested, from_node(eas::decode_attested(log.topics, log.data), rpc, "the receipt"));
    uids.push_back(attested.uid);
  }
  if (uids.size() != batch_index.size())
    return make_error(ErrorKind::remote_unavailable,
                      "the receipt of " + codec::to_0x_hex(settled.receipt.transaction_hash) + " holds " +
                          std::to_string(uids.size()) + " attestations, not " + std::to_string(batch_index.size()));
  for (std::size_t j = 0; j < uids.size(); ++j) report.accepted.push_back({batch_index[j], uids[j]});
  report.settled = std::move(settled);
  return {};
}

}  // namespace

Status finish_interrupted_governance(repo::Repository& repository, const ChainRemote& remote,
                                     const ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  Journal journal = journal_of(repository);
  Transactor transactor = governance_transactor(rpc, journal, remote, options);
  MLCHAIN_TRY(const auto interrupted, finish_interrupted(repository, remote, transactor, journal));
  static_cast<void>(interrupted);
  return {};
}

Result<SubmitReport> submit_evaluations(repo::Repository& repository, const ChainRemote& remote,
                                        std::span<const SignedEvaluation> evaluations, core::Signer& signer,
                                        const ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto site, client.locate());
  Journal journal = journal_of(repository);
  Transactor transactor = governance_transactor(rpc, journal, remote, options);
  MLCHAIN_TRY(auto interrupted, finish_interrupted(repository, remote, transactor, journal));
  SubmitReport report;
  std::vector<std::size_t> candidates;
  // EAS takes one request per attester and nonce: a second with the same pair is either the same file
  // twice or another result signed before the first was submitted.
  std::map<std::pair<codec::Address, codec::U256>, std::size_t> seen;
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    const auto& evaluation = evaluations[i];
    const auto& request = evaluation.attestation.request;
    if (evaluation.chain_id != site.chain_id || evaluation.eas != site.eas) {
      report.dropped.push_back({i, "signed for EAS " + address_text(evaluation.eas) + " on chain " +
                                       std::to_string(evaluation.chain_id) + ", not this repository's governance"});
      continue;
    }
    if (evaluation.repo != remote.repo || evaluation.governance != site.governance) {
      report.dropped.push_back({i, "a result for repository '" + evaluation.repo + "' of governance " +
                                       address_text(evaluation.governance) + ", not '" + remote.repo + "' of " +
                                       address_text(site.governance)});
      continue;
    }
    if (const auto [first, inserted] = seen.emplace(std::pair{request.attester, request.nonce}, i); !inserted) {
      const bool same =
          evaluations[first->second].attestation.signature.bytes == evaluation.attestation.signature.bytes;
      report.dropped.push_back(
          {i, same ? "the same signed request twice in one batch (it can be submitted only once)"
                   : "signed with the same EAS nonce as #" + std::to_string(first->second + 1) + " by " +
                         address_text(request.attester) +
                         ": only one of them can be submitted (sign it again once the other is on chain)"});
      continue;
    }
    candidates.push_back(i);
  }
  std::vector<eas::SignedAttestation> batch;
  std::vector<std::size_t> batch_index;
  std::vector<std::size_t> nonce_used;
  // EAS takes an attester's nonces one after the other: results signed ahead (an evaluator writing several
  // to --out-dir before a relayer comes) are tried in nonce order, each after the ones already kept.
  std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
    const auto& left = evaluations[a].attestation.request;
    const auto& right = evaluations[b].attestation.request;
    return std::tie(left.attester, left.nonce) < std::tie(right.attester, right.nonce);
  });
  for (const auto i : candidates) {
    const auto& evaluation = evaluations[i];
    std::vector<eas::SignedAttestation> trial = batch;
    trial.push_back(evaluation.attestation);
    MLCHAIN_TRY(const Bytes calldata, batch.empty() ? eas::attest_by_delegation_calldata(evaluation.attestation)
                                                    : eas::multi_attest_by_delegation_calldata(trial));
    MLCHAIN_TRY(auto reply,
                rpc.call(eth::CallRequest{signer.address(), site.eas, calldata, std::nullopt, std::nullopt}));
    if (const auto* refusal = std::get_if<eth::RpcError>(&reply)) {
      MLCHAIN_TRY(auto explained, refusal_of(client, *refusal, evaluation.attestation.request, remote.repo));
      if (explained.nonce_used) nonce_used.push_back(i);
      report.dropped.push_back({i, std::move(explained.reason)});
      continue;
    }
    batch.push_back(evaluation.attestation);
    batch_index.push_back(i);
  }
  // The rerun of a submission an earlier run sent before it was interrupted: the results that transaction
  // carried read as submitted already, and it is this submission.
  if (batch.empty() && !nonce_used.empty()) {
    std::vector<eas::SignedAttestation> carried;
    for (const auto i : nonce_used) carried.push_back(evaluations[i].attestation);
    MLCHAIN_TRY(const Bytes same_call, eas::multi_attest_by_delegation_calldata(carried));
    for (auto& settled : interrupted) {
      if (settled.entry.transaction.to != site.eas || settled.entry.transaction.data != same_call) continue;
      std::erase_if(report.dropped, [&](const auto& dropped) {
        return std::find(nonce_used.begin(), nonce_used.end(), dropped.index) != nonce_used.end();
      });
      MLCHAIN_TRY_STATUS(record_accepted(std::move(settled), site, nonce_used, rpc, report));
      break;
    }
    if (report.settled) {
      sort_dropped(report);
      return report;
    }
  }
  sort_dropped(report);
  if (batch.empty()) {
    std::string reasons;
    for (const auto& dropped : report.dropped)
      reasons +=
          (reasons.empty() ? "" : "; ") + std::string("#") + std::to_string(dropped.index + 1) + ": " + dropped.reason;
    return make_error(ErrorKind::refused_by_contract, "nothing to submit, every result was refused: " + reasons);
  }
  MLCHAIN_TRY(Bytes data, eas::multi_attest_by_delegation_calldata(batch));
  MLCHAIN_TRY(auto settled, send(repository, remote, "submit", site.eas, std::move(data), signer, options));
  MLCHAIN_TRY_STATUS(record_accepted(std::move(settled), site, batch_index, rpc, report));
  // Reported in the order given, whatever order the nonces asked of the transaction.
  std::sort(report.accepted.begin(), report.accepted.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return report;
}

std::string failing_rules(std::span<const gov::RuleCheck> checks, std::span<const codec::Address> evaluators) {
  std::string text;
  for (const auto& check : checks) {
    if (check.holds) continue;
    text += (text.empty() ? "" : "; ") + gov::describe(check, evaluators);
  }
  return text;
}

Result<PromoteReport> promote(repo::Repository& repository, const ChainRemote& remote, std::string_view stage,
                              const codec::Cid& commit, core::Signer& signer, const ChainOptions& options) {
  if (auto valid = gov::name_word(stage, "stage"); !valid) return valid.error();
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto site, client.locate());
  Journal journal = journal_of(repository);
  Transactor transactor = governance_transactor(rpc, journal, remote, options);
  MLCHAIN_TRY(auto interrupted, finish_interrupted(repository, remote, transactor, journal));
  MLCHAIN_TRY(const auto stages, client.stages());
  if (std::find(stages.begin(), stages.end(), stage) == stages.end())
    return make_error(ErrorKind::not_found, "stage '" + std::string(stage) + "' of '" + remote.repo +
                                                "' has no policy: its owner runs 'mlchain policy set --stage " +
                                                std::string(stage) + " …'");
  MLCHAIN_TRY(const auto state, client.stage(stage));
  MLCHAIN_TRY(const auto head, eth::registry::head_of(commit));
  if (state.holder && *state.holder == commit) {
    // The promotion an interrupted run of this same command sent, now settled, is this one.
    GovernanceWord before{};
    if (state.previous) {
      MLCHAIN_TRY(before, eth::registry::head_of(*state.previous));
    }
    MLCHAIN_TRY(const Bytes same_call, gov::promote_calldata(remote.repo, stage, head, before));
    for (auto& settled : interrupted)
      if (settled.entry.transaction.to == site.governance && settled.entry.transaction.data == same_call)
        return PromoteReport{commit, state.previous, {}, std::move(settled)};
    return make_error(ErrorKind::refused_by_contract,
                      commit.to_string() + " holds '" + std::string(stage) + "' already");
  }
  MLCHAIN_TRY(const auto round, client.round());
  MLCHAIN_TRY(auto checks, client.check(stage, commit));
  const std::string failing = failing_rules(checks, round.evaluators);
  if (!failing.empty())
    return make_error(ErrorKind::refused_by_contract, "promotion of " + commit.to_string() + " to '" +
                                                          std::string(stage) + "' refused by policy: " + failing);
  GovernanceWord expected{};
  if (state.holder) {
    MLCHAIN_TRY(expected, eth::registry::head_of(*state.holder));
  }
  MLCHAIN_TRY(Bytes data, gov::promote_calldata(remote.repo, stage, head, expected));
  MLCHAIN_TRY(auto settled, send(repository, remote, "promote", site.governance, std::move(data), signer, options));
  return PromoteReport{commit, state.holder, std::move(checks), std::move(settled)};
}

Result<Settled> approve(repo::Repository& repository, const ChainRemote& remote, std::string_view stage,
                        const codec::Cid& commit, core::Signer& signer, const ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto site, client.locate());
  MLCHAIN_TRY(const auto head, eth::registry::head_of(commit));
  MLCHAIN_TRY(Bytes data, gov::approve_calldata(remote.repo, stage, head));
  return send(repository, remote, "approve", site.governance, std::move(data), signer, options);
}

Result<std::string> expand_stage_revision(const repo::Repository& repository, std::string_view text) {
  if (text.size() < 2 || text[0] != '@' || text[1] == '{') return std::string(text);
  const auto end = text.find_first_of("~^");
  const std::string_view stage = text.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
  if (auto valid = gov::name_word(stage, "stage"); !valid) return valid.error();
  MLCHAIN_TRY(const auto remote, find_chain_remote(repository, remote::default_remote));
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  GovernanceClient client(rpc, remote);
  MLCHAIN_TRY(const auto state, client.stage(stage));
  if (!state.holder)
    return make_error(ErrorKind::not_found, "'@" + std::string(stage) + "': no commit holds stage '" +
                                                std::string(stage) + "' of '" + remote.repo + "' now");
  return state.holder->to_string() + std::string(end == std::string_view::npos ? "" : text.substr(end));
}

}  // namespace mlchain::chain
