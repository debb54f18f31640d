#pragma once
// The governance contract's interface (contracts/MlchainGovernance.sol, docs/format.md "Governance") as
// typed values: the evaluation an evaluator attests, the policy of a repository and of its stages, calldata
// for each function, the views' answers, the ledger's events and the contract's refusals. Pure.
//
// Stage and metric names travel as bytes32: 1 to 32 bytes of [A-Za-z0-9._-], left-aligned and zero-padded
// (Solidity's bytes32("production")). Metric values are int256 fixed point with 18 decimals.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/i256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth::governance {

using Word = std::array<std::uint8_t, 32>;

// The schema every evaluation is attested under, registered by the governance contract with itself as the
// resolver; and the schema of the round attestation the contract makes when the evaluator set changes.
inline constexpr std::string_view evaluation_schema_text =
    "bytes32 commit,bytes32 suite,string[] metrics,int256[] values";
inline constexpr std::string_view round_schema_text = "bytes32 repo,uint64 round,address[] evaluators,uint8 quorum";

// invalid_argument naming `what` and the text unless it is 1 to 32 bytes of [A-Za-z0-9._-].
Result<Word> name_word(std::string_view name, std::string_view what);
// The text of a name word: its bytes up to the first zero. invalid_input when that is no valid name.
Result<std::string> word_name(const Word& word);

// The attested data: abi.encode(bytes32 commit, bytes32 suite, string[] metrics, int256[] values).
struct Evaluation {
  Word commit{};
  Word suite{};
  std::vector<std::pair<std::string, codec::I256>> metrics;  // in the order attested
};
// "accuracy=0.95 drift=0.1": the metrics in their order, each value as its shortest exact decimal.
std::string metrics_text(const std::vector<std::pair<std::string, codec::I256>>& metrics);
// invalid_argument when there are no metrics, more than 16, a name twice or an invalid name.
Result<Bytes> encode_evaluation(const Evaluation& evaluation);
// Strict: as the contract accepts it (equal lengths, 1 to 16 valid names, none twice).
Result<Evaluation> decode_evaluation(ByteView data);

enum class Op : std::uint8_t { at_least = 0, at_most = 1, above = 2, below = 3 };
std::string_view op_text(Op op);  // ">=", "<=", ">", "<"
bool holds(Op op, const codec::I256& value, const codec::I256& threshold);

struct Rule {
  std::string metric;
  Op op = Op::at_least;
  codec::I256 value;  // the threshold; for `improves` the improvement D
};
// "accuracy>=0.9" (requirements, retrain-when, rollback-when); invalid_argument naming the text otherwise.
Result<Rule> parse_rule(std::string_view text);
// "accuracy+0.01" or "loss-0.05" (improves: D >= 0 means at least D higher, D < 0 at least |D| lower).
Result<Rule> parse_improvement(std::string_view text);
std::string rule_text(const Rule& rule);         // "accuracy>=0.9"
std::string improvement_text(const Rule& rule);  // "accuracy+0.01"

struct StagePolicy {
  std::vector<Rule> requirements;
  std::vector<Rule> improves;
  std::string after_stage;  // empty: none
  std::uint8_t approvals = 0;
  std::vector<codec::Address> approvers;
  bool auto_promote = false;
  std::vector<Rule> retrain_when;
  std::vector<Rule> rollback_when;
};

struct Round {
  std::uint64_t number = 0;  // 0: no evaluator set yet
  Word uid{};                // the round attestation evaluations must reference
  std::vector<codec::Address> evaluators;
  std::uint8_t quorum = 0;
};

struct Holder {
  Word commit{};  // zero: the stage has no holder
  std::uint64_t since_block = 0;
  Word previous{};
  std::vector<Word> attestations;
};

enum class CheckKind : std::uint8_t {
  requirement = 0,
  improves = 1,
  after = 2,
  approvals = 3,
  quorum = 4,
  anchored = 5
};
struct RuleCheck {
  CheckKind kind = CheckKind::requirement;
  std::string metric;  // requirement, improves: the metric; after: the stage
  Op op = Op::at_least;
  codec::I256 threshold;
  std::uint64_t supporting = 0;
  std::uint64_t required = 0;
  bool holds = false;
  // requirement, improves: each current evaluator's latest value for the candidate, in set order.
  std::vector<std::optional<codec::I256>> values;
};
// One line: "accuracy>=0.9: 1 of 2 evaluators (0.95, 0.85, -)", "approvals: 0 of 1", "anchored: no".
std::string describe(const RuleCheck& check, std::span<const codec::Address> evaluators);

// Calldata.
Result<Bytes> set_evaluators_calldata(std::string_view repo, std::span<const codec::Address> evaluators,
                                      std::uint8_t quorum);
Result<Bytes> set_stage_policy_calldata(std::string_view repo, std::string_view stage, const StagePolicy& policy);
Result<Bytes> promote_calldata(std::string_view repo, std::string_view stage, const Word& commit,
                               const Word& expected_holder);
Result<Bytes> approve_calldata(std::string_view repo, std::string_view stage, const Word& commit);
Result<Bytes> round_of_calldata(std::string_view repo);
Result<Bytes> stages_of_calldata(std::string_view repo);
Result<Bytes> stage_policy_calldata(std::string_view repo, std::string_view stage);
Result<Bytes> holder_of_calldata(std::string_view repo, std::string_view stage);
Result<Bytes> evaluation_of_calldata(std::string_view repo, const Word& commit, const codec::Address& evaluator);
Result<Bytes> check_calldata(std::string_view repo, std::string_view stage, const Word& commit);
Result<Bytes> approvals_of_calldata(std::string_view repo, std::string_view stage, const Word& commit);
Result<Bytes> evaluation_schema_calldata();
Result<Bytes> eas_calldata();
// The creation code of the embedded contract followed by its constructor arguments (eas, registry).
Result<Bytes> deployment(const codec::Address& eas, const codec::Address& registry);
// Whether `code` (what eth_getCode answers) is this governance contract deployed for `registry`: the compiled
// runtime code, except where the compiler left zeros for the immutables, one of which holds the registry.
bool is_governance_code(ByteView code, const codec::Address& registry);

// The views' answers.
Result<Round> decode_round_of(ByteView data);
Result<std::vector<std::string>> decode_stages_of(ByteView data);
Result<StagePolicy> decode_stage_policy(ByteView data);
Result<Holder> decode_holder_of(ByteView data);
Result<std::pair<Word, std::uint64_t>> decode_evaluation_of(ByteView data);  // (uid, round)
Result<std::vector<RuleCheck>> decode_check(ByteView data);
Result<std::vector<codec::Address>> decode_approvals_of(ByteView data);
Result<Word> decode_word(ByteView data);
Result<codec::Address> decode_address(ByteView data);

// The ledger's events.
struct RoundStarted {
  Word repo_id{};
  std::uint64_t round = 0;
  Word round_uid{};
  std::vector<codec::Address> evaluators;
  std::uint8_t quorum = 0;
};
struct StagePolicySet {
  Word repo_id{};
  std::string stage;
};
struct Evaluated {
  Word repo_id{};
  Word commit{};
  codec::Address evaluator;
  Word uid{};
  std::uint64_t round = 0;
  Word suite{};
};
struct Promoted {
  Word repo_id{};
  std::string stage;
  Word commit{};
  Word previous{};
  std::vector<Word> attestations;
  codec::Address by;
};
struct Approved {
  Word repo_id{};
  std::string stage;
  Word commit{};
  codec::Address approver;
};
struct RetrainRequested {
  Word repo_id{};
  std::string stage;
  Word commit{};
  std::uint64_t rule = 0;
};
struct RolledBack {
  Word repo_id{};
  std::string stage;
  Word from{};
  Word to{};
  std::uint64_t rule = 0;
};
using Event = std::variant<RoundStarted, StagePolicySet, Evaluated, Promoted, Approved, RetrainRequested, RolledBack>;
// Topic 0 of every event, for an eth_getLogs filter of one repository (topic 1 = its repository id).
std::vector<Word> event_topics();
// invalid_input for a log that is none of the events or does not decode.
Result<Event> decode_event(std::span<const Word> topics, ByteView data);

// A refusal by the contract: its error by name, a message that says which rule refused, and the kind
// (refused_by_contract for policy refusals, not_found for an unknown stage, invalid_argument for a policy
// the contract finds invalid). Nothing for revert data that is not one of the contract's errors.
struct Refusal {
  std::string name;
  ErrorKind kind = ErrorKind::refused_by_contract;
  std::string message;
};
std::optional<Refusal> decode_refusal(ByteView revert_data);

}  // namespace mlchain::eth::governance
