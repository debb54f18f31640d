#pragma once
// Gated promotion (docs/architecture.md "Governance", docs/format.md "Governance"): the governance contract
// a repository's owner chose in the registry, the EAS attestations evaluators sign, and the stages the
// contract moves when its policy holds. Reads go through views (a few eth_calls, no scan of history) except
// the ledger, which reads the contract's events. Transactions are journaled and settled like a push.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/i256.hpp"
#include "mlchain/eth/eas_abi.hpp"
#include "mlchain/eth/governance_abi.hpp"
#include "mlchain/eth/rpc_client.hpp"

namespace mlchain::chain {

using GovernanceWord = eth::governance::Word;

// Where a repository's governance lives: found from the registry alone.
struct GovernanceSite {
  codec::Address governance;
  codec::Address eas;
  std::uint64_t chain_id = 0;
  GovernanceWord evaluation_schema{};
};

struct StageState {
  std::string stage;
  std::optional<codec::Cid> holder;
  std::uint64_t since_block = 0;
  std::optional<codec::Cid> previous;
  std::vector<GovernanceWord> attestations;
};

// One evaluation as EAS holds it, decoded.
struct RecordedEvaluation {
  GovernanceWord uid{};
  codec::Address evaluator;
  std::uint64_t time = 0;
  eth::governance::Evaluation evaluation;
};

struct LedgerEntry {
  std::uint64_t block = 0;
  eth::Hash transaction{};
  std::uint64_t log_index = 0;
  eth::governance::Event event;
  std::optional<RecordedEvaluation> evaluation;  // an Evaluated event's attestation, read back from EAS
};

class GovernanceClient {
 public:
  GovernanceClient(eth::RpcClient& rpc, ChainRemote remote) : rpc_(rpc), remote_(std::move(remote)) {}

  // not_found naming the repository when its owner set no governance ("mlchain governance deploy").
  Result<GovernanceSite> locate();
  // Only the contract's address (one call): what the views need.
  Result<codec::Address> governance();

  Result<eth::governance::Round> round();
  Result<std::vector<std::string>> stages();
  Result<eth::governance::StagePolicy> stage_policy(std::string_view stage);
  Result<StageState> stage(std::string_view stage);
  Result<std::vector<eth::governance::RuleCheck>> check(std::string_view stage, const codec::Cid& commit);
  Result<RecordedEvaluation> evaluation(const GovernanceWord& uid);
  Result<codec::U256> nonce(const codec::Address& attester);
  // The latest evaluation `evaluator` made of `commit` that the contract counts, and its round; nothing
  // when there is none.
  Result<std::optional<std::pair<GovernanceWord, std::uint64_t>>> evaluation_of(const codec::Cid& commit,
                                                                                const codec::Address& evaluator);
  Result<std::optional<std::uint64_t>> anchored_at(const codec::Cid& commit);
  // Every event of the repository's governance, oldest first; with `commit`, those about that commit.
  Result<std::vector<LedgerEntry>> ledger(const std::optional<codec::Cid>& commit);

  eth::RpcClient& rpc() { return rpc_; }
  const ChainRemote& remote() const { return remote_; }

 private:
  Result<Bytes> view(const codec::Address& contract, const Result<Bytes>& calldata, std::string_view what);
  eth::RpcClient& rpc_;
  ChainRemote remote_;
  std::optional<codec::Address> governance_;
  std::optional<GovernanceSite> site_;
};

// One transaction about the remote's governance or its EAS (journal purpose governance): the remote's
// open governance transactions are settled first, and a rerun of a command interrupted once this very
// transaction was sent returns that one instead of sending it again. EAS's and the governance's refusals
// are reported with their reason.
Result<Settled> send_governance_transaction(repo::Repository& repository, const ChainRemote& remote, std::string action,
                                            std::optional<codec::Address> to, Bytes data, core::Signer& signer,
                                            const ChainOptions& options);
// An EAS this mlchain can attest on: code at `address` that answers version() "1.4.0" (not_found without
// code, unsupported otherwise).
Status check_eas(eth::RpcClient& rpc, const codec::Address& address);

// `mlchain governance deploy`: uses `eas` (or the chain's known EAS 1.4.0 deployment; on a chain without
// one, deploys the embedded SchemaRegistry and EAS), deploys the embedded governance contract for the
// remote's registry, and sets it as the repository's governance (the signer must own the repository).
struct GovernanceDeployment {
  codec::Address governance;
  codec::Address eas;
  std::optional<codec::Address> schema_registry;  // set when EAS was deployed here
  std::vector<Settled> transactions;
};
Result<GovernanceDeployment> deploy_governance(repo::Repository& repository, const ChainRemote& remote,
                                               std::optional<codec::Address> eas, core::Signer& signer,
                                               const ChainOptions& options);

// The owner sets the evaluator set and quorum (a new round: results signed for the old one are refused).
Result<Settled> set_evaluators(repo::Repository& repository, const ChainRemote& remote,
                               std::span<const codec::Address> evaluators, std::uint8_t quorum, core::Signer& signer,
                               const ChainOptions& options);
// The owner sets one stage's policy.
Result<Settled> set_stage_policy(repo::Repository& repository, const ChainRemote& remote, std::string_view stage,
                                 const eth::governance::StagePolicy& policy, core::Signer& signer,
                                 const ChainOptions& options);

// A signed evaluation: the delegated EAS request and everything needed to show and check it.
struct SignedEvaluation {
  eth::eas::SignedAttestation attestation;
  std::string typed_data;  // the EIP-712 document signed (JSON text)
  std::uint64_t chain_id = 0;
  codec::Address eas;
  codec::Address governance;
  std::string repo;
  std::uint64_t round = 0;
  codec::Cid commit;
  codec::Cid suite;
  std::vector<std::pair<std::string, codec::I256>> metrics;
};

// Signs an evaluation of `commit` with `suite` for the remote's repository: reads the governance, its
// current round and the signer's EAS nonce from the chain (or `lowest_nonce` when higher: results signed
// before and not yet submitted hold the ones in between); checks that the commit is anchored and that the
// signer is an evaluator of the round (refused_by_contract otherwise: nothing is signed that would be refused).
Result<SignedEvaluation> sign_evaluation(const ChainRemote& remote, const codec::Cid& commit, const codec::Cid& suite,
                                         std::vector<std::pair<std::string, codec::I256>> metrics,
                                         std::uint64_t deadline, core::Signer& signer,
                                         std::optional<codec::U256> lowest_nonce = std::nullopt);

// The file `mlchain evaluate --out` writes (docs/format.md "Evaluation files"), and reading one back: the
// typed data must be the one the fields give, and the signature must recover to its signer (invalid_input /
// bad_signature naming what differs otherwise).
std::string evaluation_file(const SignedEvaluation& evaluation);
Result<SignedEvaluation> parse_evaluation_file(std::string_view text);

// Settles the remote's governance transactions an earlier run left open (killed once they were sent), so
// that what they did reads as done on chain before anyone decides whether to do it again.
Status finish_interrupted_governance(repo::Repository& repository, const ChainRemote& remote,
                                     const ChainOptions& options);

struct SubmitReport {
  struct Accepted {
    std::size_t index = 0;  // in the input
    GovernanceWord uid{};
  };
  struct Dropped {
    std::size_t index = 0;
    std::string reason;  // one line: which rule refused it
  };
  std::vector<Accepted> accepted;
  std::vector<Dropped> dropped;
  std::optional<Settled> settled;  // the one transaction that carried the accepted ones
};
// Relays signed evaluations in one multiAttestByDelegation. Each is first tried on its own (eth_call), so one
// that the contract or EAS would refuse (not an evaluator, stale round, unanchored commit, bad signature,
// submitted already) is dropped with its reason and the rest still count. refused_by_contract when every one
// is dropped.
Result<SubmitReport> submit_evaluations(repo::Repository& repository, const ChainRemote& remote,
                                        std::span<const SignedEvaluation> evaluations, core::Signer& signer,
                                        const ChainOptions& options);

struct PromoteReport {
  codec::Cid commit;
  std::optional<codec::Cid> previous;
  std::vector<eth::governance::RuleCheck> checks;
  Settled settled;
};
// Moves `stage` to `commit` when the stage's policy holds, naming the holder it saw (compare-and-swap).
// A policy that does not hold is refused_by_contract before anything is signed, naming every rule that fails
// with the values and how many evaluators support it; a stage that moved meanwhile is not_fast_forward.
Result<PromoteReport> promote(repo::Repository& repository, const ChainRemote& remote, std::string_view stage,
                              const codec::Cid& commit, core::Signer& signer, const ChainOptions& options);
// One line naming every check of `checks` that fails, for refusals.
std::string failing_rules(std::span<const eth::governance::RuleCheck> checks,
                          std::span<const codec::Address> evaluators);

Result<Settled> approve(repo::Repository& repository, const ChainRemote& remote, std::string_view stage,
                        const codec::Cid& commit, core::Signer& signer, const ChainOptions& options);

// "@production" (optionally with ~N / ^N steps after it): the text with the stage's current holder on the
// default remote's governance in place of "@STAGE"; any other text as it is. not_found when the stage has
// no holder.
Result<std::string> expand_stage_revision(const repo::Repository& repository, std::string_view text);

}  // namespace mlchain::chain
