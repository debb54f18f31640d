#include "mlchain/eth/governance_abi.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/contract_artifacts.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::eth::governance {
namespace {

namespace abi = codec::abi;
using abi::Signature;
using abi::Type;
using abi::Value;
using codec::I256;

constexpr std::size_t max_metrics = 16;

#define RULE "(bytes32,uint8,int256)"
#define POLICY "(" RULE "[]," RULE "[],bytes32,uint8,address[],bool," RULE "[]," RULE "[])"
#define RULE_CHECK "(uint8,bytes32,uint8,int256,uint256,uint256,bool,int256[],bool[])"

// The declarations of contracts/MlchainGovernance.sol; the unit tests pin them against the compiled
// artifact's method identifiers. Each parses: they are constants of this file.
const Signature& set_evaluators() {
  static const Signature declaration = *abi::parse_signature("setEvaluators(string,address[],uint8)");
  return declaration;
}
const Signature& set_stage_policy() {
  static const Signature declaration = *abi::parse_signature("setStagePolicy(string,bytes32," POLICY ")");
  return declaration;
}
const Signature& promote() {
  static const Signature declaration = *abi::parse_signature("promote(string,bytes32,bytes32,bytes32)");
  return declaration;
}
const Signature& approve() {
  static const Signature declaration = *abi::parse_signature("approve(string,bytes32,bytes32)");
  return declaration;
}
const Signature& round_of() {
  static const Signature declaration = *abi::parse_signature("roundOf(string)");
  return declaration;
}
const Signature& stages_of() {
  static const Signature declaration = *abi::parse_signature("stagesOf(string)");
  return declaration;
}
const Signature& stage_policy() {
  static const Signature declaration = *abi::parse_signature("stagePolicy(string,bytes32)");
  return declaration;
}
const Signature& holder_of() {
  static const Signature declaration = *abi::parse_signature("holderOf(string,bytes32)");
  return declaration;
}
const Signature& evaluation_of() {
  static const Signature declaration = *abi::parse_signature("evaluationOf(string,bytes32,address)");
  return declaration;
}
const Signature& check() {
  static const Signature declaration = *abi::parse_signature("check(string,bytes32,bytes32)");
  return declaration;
}
const Signature& approvals_of() {
  static const Signature declaration = *abi::parse_signature("approvalsOf(string,bytes32,bytes32)");
  return declaration;
}
const Signature& evaluation_schema() {
  static const Signature declaration = *abi::parse_signature("evaluationSchema()");
  return declaration;
}
const Signature& eas() {
  static const Signature declaration = *abi::parse_signature("eas()");
  return declaration;
}

const Signature& round_started() {
  static const Signature declaration =
      *abi::parse_signature("RoundStarted(bytes32 indexed,uint64,bytes32,address[],uint8)");
  return declaration;
}
const Signature& stage_policy_set() {
  static const Signature declaration = *abi::parse_signature("StagePolicySet(bytes32 indexed,bytes32 indexed)");
  return declaration;
}
const Signature& evaluated() {
  static const Signature declaration =
      *abi::parse_signature("Evaluated(bytes32 indexed,bytes32 indexed,address indexed,bytes32,uint64,bytes32)");
  return declaration;
}
const Signature& promoted() {
  static const Signature declaration =
      *abi::parse_signature("Promoted(bytes32 indexed,bytes32 indexed,bytes32 indexed,bytes32,bytes32[],address)");
  return declaration;
}
const Signature& approved() {
  static const Signature declaration =
      *abi::parse_signature("Approved(bytes32 indexed,bytes32 indexed,bytes32 indexed,address)");
  return declaration;
}
const Signature& retrain_requested() {
  static const Signature declaration =
      *abi::parse_signature("RetrainRequested(bytes32 indexed,bytes32 indexed,bytes32 indexed,uint256)");
  return declaration;
}
const Signature& rolled_back() {
  static const Signature declaration =
      *abi::parse_signature("RolledBack(bytes32 indexed,bytes32 indexed,bytes32 indexed,bytes32,uint256)");
  return declaration;
}

const std::vector<Signature>& custom_errors() {
  static const std::vector<Signature> errors = [] {
    std::vector<Signature> list;
    for (const char* text : {"NotOwner(address)", "OnlyEAS()", "WrongSchema(bytes32)", "UnknownRound(bytes32)",
                             "StaleRound(bytes32,bytes32)", "NotEvaluator(address)", "MalformedEvaluation()",
                             "NotAnchored(bytes32)", "UnknownStage(bytes32)", "StaleHolder(bytes32,bytes32)",
                             "AlreadyHolds(bytes32)", "PolicyNotMet(bytes32,bytes32)", "NotApprover(address)",
                             "AlreadyApproved(address)", "InvalidPolicy(string)", "UnknownRepository(string)"})
      list.push_back(*abi::parse_signature(text));
    return list;
  }();
  return errors;
}

template <class T>
Result<T> take(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  const T* value = index < values.size() ? values[index].get_if<T>() : nullptr;
  if (value == nullptr)
    return make_error(ErrorKind::invalid_input, "governance: " + std::string(what) + " has the wrong type");
  return *value;
}

Result<std::uint64_t> take_u64(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  MLCHAIN_TRY(const codec::U256 value, take<codec::U256>(values, index, what));
  const auto small = value.to_uint64();
  if (!small) return make_error(ErrorKind::invalid_input, "governance: " + std::string(what) + " exceeds 64 bits");
  return *small;
}

Result<std::vector<Value>> decode_types(std::string_view what, std::initializer_list<std::string_view> type_texts,
                                        ByteView data) {
  std::vector<Type> types;
  for (const auto text : type_texts) {
    MLCHAIN_TRY(auto type, Type::parse(text));
    types.push_back(std::move(type));
  }
  auto values = abi::decode(types, data);
  if (!values)
    return make_error(ErrorKind::invalid_input, "governance: " + std::string(what) + ": " + values.error().message);
  return std::move(values).value();
}

template <class T>
Result<std::vector<T>> list_of(const Value& value, std::string_view what) {
  const auto* list = value.get_if<abi::List>();
  if (list == nullptr)
    return make_error(ErrorKind::invalid_input, "governance: " + std::string(what) + " is not a list");
  std::vector<T> items;
  for (std::size_t i = 0; i < list->size(); ++i) {
    MLCHAIN_TRY(auto item, take<T>(*list, i, what));
    items.push_back(std::move(item));
  }
  return items;
}

Value name_value(const Word& word) { return abi::Word(word); }

Result<Value> rule_value(const Rule& rule) {
  MLCHAIN_TRY(const Word metric, name_word(rule.metric, "metric"));
  return Value(
      abi::Tuple{{name_value(metric), codec::U256(std::uint64_t{static_cast<std::uint8_t>(rule.op)}), rule.value}});
}

Result<Value> rules_value(const std::vector<Rule>& rules) {
  abi::List list;
  for (const auto& rule : rules) {
    MLCHAIN_TRY(auto value, rule_value(rule));
    list.push_back(std::move(value));
  }
  return Value(std::move(list));
}

Result<Op> op_of(std::uint64_t code) {
  if (code > 3)
    return make_error(ErrorKind::invalid_input, "governance: unknown rule operator " + std::to_string(code));
  return static_cast<Op>(code);
}

Result<std::vector<Rule>> rules_of(const Value& value) {
  MLCHAIN_TRY(const auto tuples, list_of<abi::Tuple>(value, "rule list"));
  std::vector<Rule> rules;
  for (const auto& tuple : tuples) {
    Rule rule;
    MLCHAIN_TRY(const auto metric, take<abi::Word>(tuple.fields, 0, "rule metric"));
    MLCHAIN_TRY(rule.metric, word_name(metric));
    MLCHAIN_TRY(const auto op, take_u64(tuple.fields, 1, "rule operator"));
    MLCHAIN_TRY(rule.op, op_of(op));
    MLCHAIN_TRY(rule.value, take<I256>(tuple.fields, 2, "rule value"));
    rules.push_back(std::move(rule));
  }
  return rules;
}

bool valid_name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

std::string cid_text(const Word& commit) {
  if (registry::is_empty(commit)) return "no commit";
  auto cid = registry::commit_of(commit);
  return cid ? cid->to_string() : codec::to_0x_hex(commit);
}

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

// "accuracy>=0.9" / "accuracy+0.01": a metric name, then the operator, then a fixed-point value.
Result<Rule> parse_with(std::string_view text, std::string_view what, bool improvement) {
  const auto usage = [&](std::string_view why) {
    return make_error(ErrorKind::invalid_argument,
                      std::string(what) + " '" + std::string(text) + "': " + std::string(why));
  };
  std::size_t name_end = 0;
  while (name_end < text.size() && valid_name_byte(text[name_end])) ++name_end;
  // A '-' ends the name of an improvement ("loss-0.05"), so such names cannot end in '-' there.
  if (improvement) {
    const auto sign = text.find_last_of("+-");
    if (sign == std::string_view::npos || sign == 0) return usage("expected METRIC+D or METRIC-D, e.g. accuracy+0.01");
    name_end = sign;
  }
  Rule rule;
  rule.metric = std::string(text.substr(0, name_end));
  if (auto valid = name_word(rule.metric, "metric"); !valid) return valid.error();
  std::string_view rest = text.substr(name_end);
  std::string_view number;
  if (improvement) {
    number = rest;
    if (!number.empty() && number[0] == '+') number.remove_prefix(1);
  } else {
    static constexpr std::array<std::pair<std::string_view, Op>, 4> ops{
        {{">=", Op::at_least}, {"<=", Op::at_most}, {">", Op::above}, {"<", Op::below}}};
    bool found = false;
    for (const auto& [symbol, op] : ops) {
      if (rest.starts_with(symbol)) {
        rule.op = op;
        number = rest.substr(symbol.size());
        found = true;
        break;
      }
    }
    if (!found) return usage("expected METRIC OP VALUE with OP one of >= <= > <, e.g. accuracy>=0.9");
  }
  auto value = codec::parse_fixed18(number);
  if (!value) return usage(value.error().message);
  rule.value = *value;
  return rule;
}

}  // namespace

Result<Word> name_word(std::string_view name, std::string_view what) {
  if (name.empty() || name.size() > 32 || !std::all_of(name.begin(), name.end(), valid_name_byte)) {
    return make_error(ErrorKind::invalid_argument, std::string(what) + " name '" + std::string(name) +
                                                       "' is not 1 to 32 characters of A-Z a-z 0-9 . _ -");
  }
  Word word{};
  std::copy(name.begin(), name.end(), word.begin());
  return word;
}

Result<std::string> word_name(const Word& word) {
  const auto end = std::find(word.begin(), word.end(), std::uint8_t{0});
  std::string name(word.begin(), end);
  const bool padded = std::all_of(end, word.end(), [](std::uint8_t byte) { return byte == 0; });
  if (!padded || !name_word(name, "a").ok())
    return make_error(ErrorKind::invalid_input, "governance: " + codec::to_0x_hex(word) + " is not a valid name");
  return name;
}

std::string metrics_text(const std::vector<std::pair<std::string, I256>>& metrics) {
  std::string text;
  for (const auto& [name, value] : metrics)
    text += (text.empty() ? "" : " ") + name + "=" + codec::format_fixed18(value);
  return text;
}

Result<Bytes> encode_evaluation(const Evaluation& evaluation) {
  if (evaluation.metrics.empty() || evaluation.metrics.size() > max_metrics)
    return make_error(ErrorKind::invalid_argument, "an evaluation reports 1 to 16 metrics");
  abi::List names;
  abi::List values;
  std::set<std::string> seen;
  for (const auto& [name, value] : evaluation.metrics) {
    if (auto valid = name_word(name, "metric"); !valid) return valid.error();
    if (!seen.insert(name).second)
      return make_error(ErrorKind::invalid_argument, "metric '" + name + "' is reported twice");
    names.push_back(name);
    values.push_back(value);
  }
  const std::vector<Type> types{Type::bytes32(), Type::bytes32(), Type::array_of(Type::string()),
                                Type::array_of(Type::int256())};
  const std::vector<Value> arguments{abi::Word(evaluation.commit), abi::Word(evaluation.suite), std::move(names),
                                     std::move(values)};
  return abi::encode(types, arguments);
}

Result<Evaluation> decode_evaluation(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("evaluation data", {"bytes32", "bytes32", "string[]", "int256[]"}, data));
  Evaluation evaluation;
  MLCHAIN_TRY(evaluation.commit, take<abi::Word>(values, 0, "commit"));
  MLCHAIN_TRY(evaluation.suite, take<abi::Word>(values, 1, "suite"));
  MLCHAIN_TRY(const auto names, list_of<std::string>(values[2], "metric names"));
  MLCHAIN_TRY(const auto numbers, list_of<I256>(values[3], "metric values"));
  if (names.size() != numbers.size() || names.empty() || names.size() > max_metrics)
    return make_error(ErrorKind::invalid_input, "governance: evaluation data names " + std::to_string(names.size()) +
                                                    " metrics and " + std::to_string(numbers.size()) + " values");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!name_word(names[i], "metric") || !seen.insert(names[i]).second)
      return make_error(ErrorKind::invalid_input, "governance: evaluation data has an invalid or repeated metric name");
    evaluation.metrics.emplace_back(names[i], numbers[i]);
  }
  return evaluation;
}

std::string_view op_text(Op op) {
  switch (op) {
    case Op::at_least:
      return ">=";
    case Op::at_most:
      return "<=";
    case Op::above:
      return ">";
    case Op::below:
      return "<";
  }
  return "?";
}

bool holds(Op op, const I256& value, const I256& threshold) {
  switch (op) {
    case Op::at_least:
      return value >= threshold;
    case Op::at_most:
      return value <= threshold;
    case Op::above:
      return value > threshold;
    case Op::below:
      return value < threshold;
  }
  return false;
}

Result<Rule> parse_rule(std::string_view text) { return parse_with(text, "rule", false); }
Result<Rule> parse_improvement(std::string_view text) { return parse_with(text, "improvement", true); }

std::string rule_text(const Rule& rule) {
  return rule.metric + std::string(op_text(rule.op)) + codec::format_fixed18(rule.value);
}

std::string improvement_text(const Rule& rule) {
  return rule.metric + (rule.value.is_negative() ? "" : "+") + codec::format_fixed18(rule.value);
}

std::string describe(const RuleCheck& check, std::span<const codec::Address> evaluators) {
  const auto count = std::to_string(check.supporting) + " of " + std::to_string(check.required);
  std::string values;
  if (!check.values.empty()) {
    values = " (";
    for (std::size_t i = 0; i < check.values.size(); ++i) {
      if (i > 0) values += ", ";
      if (i < evaluators.size()) values += address_text(evaluators[i]).substr(0, 8) + ": ";
      values += check.values[i] ? codec::format_fixed18(*check.values[i]) : std::string("none");
    }
    values += ")";
  }
  switch (check.kind) {
    case CheckKind::requirement:
      return check.metric + std::string(op_text(check.op)) + codec::format_fixed18(check.threshold) + ": " + count +
             " evaluators agree" + values;
    case CheckKind::improves:
      return "improves " + check.metric + (check.threshold.is_negative() ? "" : "+") +
             codec::format_fixed18(check.threshold) + " on the holder: " + count + " evaluators agree" + values;
    case CheckKind::after:
      return "after " + check.metric + ": " + (check.holds ? "held it" : "has never held it");
    case CheckKind::approvals:
      return "approvals: " + count;
    case CheckKind::quorum:
      return "evaluations this round: " + count;
    case CheckKind::anchored:
      return std::string("anchored by the registry: ") + (check.holds ? "yes" : "no");
  }
  return "";
}

Result<Bytes> set_evaluators_calldata(std::string_view repo, std::span<const codec::Address> evaluators,
                                      std::uint8_t quorum) {
  abi::List list(evaluators.begin(), evaluators.end());
  const std::vector<Value> arguments{repo, std::move(list), codec::U256(std::uint64_t{quorum})};
  return abi::encode_call(set_evaluators(), arguments);
}

Result<Bytes> set_stage_policy_calldata(std::string_view repo, std::string_view stage, const StagePolicy& policy) {
  MLCHAIN_TRY(const Word stage_word, name_word(stage, "stage"));
  Word after{};
  if (!policy.after_stage.empty()) {
    MLCHAIN_TRY(after, name_word(policy.after_stage, "stage"));
  }
  MLCHAIN_TRY(auto requirements, rules_value(policy.requirements));
  MLCHAIN_TRY(auto improves, rules_value(policy.improves));
  MLCHAIN_TRY(auto retrain, rules_value(policy.retrain_when));
  MLCHAIN_TRY(auto rollback, rules_value(policy.rollback_when));
  abi::List approvers(policy.approvers.begin(), policy.approvers.end());
  const std::vector<Value> arguments{repo, name_value(stage_word),
                                     abi::Tuple{{std::move(requirements), std::move(improves), name_value(after),
                                                 codec::U256(std::uint64_t{policy.approvals}), std::move(approvers),
                                                 policy.auto_promote, std::move(retrain), std::move(rollback)}}};
  return abi::encode_call(set_stage_policy(), arguments);
}

Result<Bytes> promote_calldata(std::string_view repo, std::string_view stage, const Word& commit,
                               const Word& expected_holder) {
  MLCHAIN_TRY(const Word stage_word, name_word(stage, "stage"));
  const std::vector<Value> arguments{repo, name_value(stage_word), abi::Word(commit), abi::Word(expected_holder)};
  return abi::encode_call(promote(), arguments);
}

Result<Bytes> approve_calldata(std::string_view repo, std::string_view stage, const Word& commit) {
  MLCHAIN_TRY(const Word stage_word, name_word(stage, "stage"));
  const std::vector<Value> arguments{repo, name_value(stage_word), abi::Word(commit)};
  return abi::encode_call(approve(), arguments);
}

Result<Bytes> round_of_calldata(std::string_view repo) {
  const std::vector<Value> arguments{repo};
  return abi::encode_call(round_of(), arguments);
}
Result<Bytes> stages_of_calldata(std::string_view repo) {
  const std::vector<Value> arguments{repo};
  return abi::encode_call(stages_of(), arguments);
}
Result<Bytes> stage_policy_calldata(std::string_view repo, std::string_view stage) {
  MLCHAIN_TRY(const Word stage_word, name_word(stage, "stage"));
  const std::vector<Value> arguments{repo, name_value(stage_word)};
  return abi::encode_call(stage_policy(), arguments);
}
Result<Bytes> holder_of_calldata(std::string_view repo, std::string_view stage) {
  MLCHAIN_TRY(const Word stage_word, name_word(stage, "stage"));
  const std::vector<Value> arguments{repo, name_value(stage_word)};
  return abi::encode_call(holder_of(), arguments);
}
Result<Bytes> evaluation_of_calldata(std::string_view repo, const Word& commit, const codec::Address& evaluator) {
  const std::vector<Value> arguments{repo, abi::Word(commit), evaluator};
  return abi::encode_call(evaluation_of(), arguments);
}
Result<Bytes> check_calldata(std::string_view repo, std::string_view stage, const Word& commit) {
  MLCHAIN_TRY(const Word stage_word, name_word(stage, "stage"));
  const std::vector<Value> arguments{repo, name_value(stage_word), abi::Word(commit)};
  return abi::encode_call(check(), arguments);
}
Result<Bytes> approvals_of_calldata(std::string_view repo, std::string_view stage, const Word& commit) {
  MLCHAIN_TRY(const Word stage_word, name_word(stage, "stage"));
  const std::vector<Value> arguments{repo, name_value(stage_word), abi::Word(commit)};
  return abi::encode_call(approvals_of(), arguments);
}
Result<Bytes> evaluation_schema_calldata() { return abi::encode_call(evaluation_schema(), {}); }
Result<Bytes> eas_calldata() { return abi::encode_call(eas(), {}); }

Result<Bytes> deployment(const codec::Address& eas_address, const codec::Address& registry_address) {
  const ByteView code = governance_artifact().creation_code;
  Bytes data(code.begin(), code.end());
  const std::vector<Type> types{Type::address(), Type::address()};
  const std::vector<Value> arguments{eas_address, registry_address};
  MLCHAIN_TRY(const Bytes encoded, abi::encode(types, arguments));
  data.insert(data.end(), encoded.begin(), encoded.end());
  return data;
}

bool is_governance_code(ByteView code, const codec::Address& registry) {
  const ByteView compiled = governance_artifact().runtime_code;
  if (code.size() != compiled.size()) return false;
  for (std::size_t i = 0; i < code.size(); ++i)
    if (code[i] != compiled[i] && compiled[i] != 0) return false;
  // An immutable is a 32-byte word of zeros in the compiled code; the registry's is the address, left-padded.
  Bytes registry_word(12, 0);
  registry_word.insert(registry_word.end(), registry.bytes.begin(), registry.bytes.end());
  for (std::size_t at = 0; at + 32 <= code.size(); ++at) {
    if (!std::equal(registry_word.begin(), registry_word.end(), code.begin() + static_cast<std::ptrdiff_t>(at)))
      continue;
    const auto slot = compiled.subspan(at, 32);
    if (std::all_of(slot.begin(), slot.end(), [](std::uint8_t byte) { return byte == 0; })) return true;
  }
  return false;
}

Result<Round> decode_round_of(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("roundOf's answer", {"uint64", "bytes32", "address[]", "uint8"}, data));
  Round round;
  MLCHAIN_TRY(round.number, take_u64(values, 0, "round"));
  MLCHAIN_TRY(round.uid, take<abi::Word>(values, 1, "round UID"));
  MLCHAIN_TRY(round.evaluators, list_of<codec::Address>(values[2], "evaluators"));
  MLCHAIN_TRY(const auto quorum, take_u64(values, 3, "quorum"));
  round.quorum = static_cast<std::uint8_t>(quorum);
  return round;
}

Result<std::vector<std::string>> decode_stages_of(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("stagesOf's answer", {"bytes32[]"}, data));
  MLCHAIN_TRY(const auto words, list_of<abi::Word>(values[0], "stages"));
  std::vector<std::string> stages;
  for (const auto& word : words) {
    MLCHAIN_TRY(auto name, word_name(word));
    stages.push_back(std::move(name));
  }
  return stages;
}

Result<StagePolicy> decode_stage_policy(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("stagePolicy's answer", {POLICY}, data));
  MLCHAIN_TRY(const auto tuple, take<abi::Tuple>(values, 0, "policy"));
  const auto& fields = tuple.fields;
  if (fields.size() != 8) return make_error(ErrorKind::invalid_input, "governance: a policy has 8 fields");
  StagePolicy policy;
  MLCHAIN_TRY(policy.requirements, rules_of(fields[0]));
  MLCHAIN_TRY(policy.improves, rules_of(fields[1]));
  MLCHAIN_TRY(const auto after, take<abi::Word>(fields, 2, "after"));
  if (after != Word{}) {
    MLCHAIN_TRY(policy.after_stage, word_name(after));
  }
  MLCHAIN_TRY(const auto approvals, take_u64(fields, 3, "approvals"));
  policy.approvals = static_cast<std::uint8_t>(approvals);
  MLCHAIN_TRY(policy.approvers, list_of<codec::Address>(fields[4], "approvers"));
  MLCHAIN_TRY(policy.auto_promote, take<bool>(fields, 5, "auto"));
  MLCHAIN_TRY(policy.retrain_when, rules_of(fields[6]));
  MLCHAIN_TRY(policy.rollback_when, rules_of(fields[7]));
  return policy;
}

Result<Holder> decode_holder_of(ByteView data) {
  MLCHAIN_TRY(const auto values,
              decode_types("holderOf's answer", {"bytes32", "uint64", "bytes32", "bytes32[]"}, data));
  Holder holder;
  MLCHAIN_TRY(holder.commit, take<abi::Word>(values, 0, "holder"));
  MLCHAIN_TRY(holder.since_block, take_u64(values, 1, "since"));
  MLCHAIN_TRY(holder.previous, take<abi::Word>(values, 2, "previous"));
  MLCHAIN_TRY(holder.attestations, list_of<abi::Word>(values[3], "attestations"));
  return holder;
}

Result<std::pair<Word, std::uint64_t>> decode_evaluation_of(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("evaluationOf's answer", {"bytes32", "uint64"}, data));
  MLCHAIN_TRY(const auto uid, take<abi::Word>(values, 0, "uid"));
  MLCHAIN_TRY(const auto round, take_u64(values, 1, "round"));
  return std::pair<Word, std::uint64_t>{uid, round};
}

Result<std::vector<RuleCheck>> decode_check(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("check's answer", {RULE_CHECK "[]"}, data));
  MLCHAIN_TRY(const auto tuples, list_of<abi::Tuple>(values[0], "checks"));
  std::vector<RuleCheck> checks;
  for (const auto& tuple : tuples) {
    const auto& f = tuple.fields;
    RuleCheck check;
    MLCHAIN_TRY(const auto kind, take_u64(f, 0, "check kind"));
    if (kind > 5) return make_error(ErrorKind::invalid_input, "governance: unknown check kind " + std::to_string(kind));
    check.kind = static_cast<CheckKind>(kind);
    MLCHAIN_TRY(const auto metric, take<abi::Word>(f, 1, "check metric"));
    if (metric != Word{}) {
      MLCHAIN_TRY(check.metric, word_name(metric));
    }
    MLCHAIN_TRY(const auto op, take_u64(f, 2, "check operator"));
    MLCHAIN_TRY(check.op, op_of(op));
    MLCHAIN_TRY(check.threshold, take<I256>(f, 3, "threshold"));
    MLCHAIN_TRY(check.supporting, take_u64(f, 4, "supporting"));
    MLCHAIN_TRY(check.required, take_u64(f, 5, "required"));
    MLCHAIN_TRY(check.holds, take<bool>(f, 6, "holds"));
    if (f.size() < 9) return make_error(ErrorKind::invalid_input, "governance: a check has 9 fields");
    MLCHAIN_TRY(const auto numbers, list_of<I256>(f[7], "check values"));
    MLCHAIN_TRY(const auto reported, list_of<bool>(f[8], "check reported"));
    if (numbers.size() != reported.size())
      return make_error(ErrorKind::invalid_input, "governance: a check's values and reported flags differ in length");
    for (std::size_t i = 0; i < numbers.size(); ++i)
      check.values.push_back(reported[i] ? std::optional<I256>(numbers[i]) : std::nullopt);
    checks.push_back(std::move(check));
  }
  return checks;
}

Result<std::vector<codec::Address>> decode_approvals_of(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("approvalsOf's answer", {"address[]"}, data));
  return list_of<codec::Address>(values[0], "approvers");
}

Result<Word> decode_word(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("a bytes32 answer", {"bytes32"}, data));
  return take<abi::Word>(values, 0, "bytes32");
}

Result<codec::Address> decode_address(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("an address answer", {"address"}, data));
  return take<codec::Address>(values, 0, "address");
}

std::vector<Word> event_topics() {
  return {round_started().topic(), stage_policy_set().topic(),  evaluated().topic(),  promoted().topic(),
          approved().topic(),      retrain_requested().topic(), rolled_back().topic()};
}

Result<Event> decode_event(std::span<const Word> topics, ByteView data) {
  if (topics.empty()) return make_error(ErrorKind::invalid_input, "governance: a log without topics");
  const auto decode = [&](const Signature& event) -> Result<std::vector<Value>> {
    auto values = abi::decode_log(event, topics, data);
    if (!values)
      return make_error(ErrorKind::invalid_input, "governance: a " + event.name + " log: " + values.error().message);
    return std::move(values).value();
  };
  const Word& topic = topics[0];
  if (topic == round_started().topic()) {
    MLCHAIN_TRY(const auto v, decode(round_started()));
    RoundStarted event;
    MLCHAIN_TRY(event.repo_id, take<abi::Word>(v, 0, "repoId"));
    MLCHAIN_TRY(event.round, take_u64(v, 1, "round"));
    MLCHAIN_TRY(event.round_uid, take<abi::Word>(v, 2, "roundUid"));
    MLCHAIN_TRY(event.evaluators, list_of<codec::Address>(v[3], "evaluators"));
    MLCHAIN_TRY(const auto quorum, take_u64(v, 4, "quorum"));
    event.quorum = static_cast<std::uint8_t>(quorum);
    return Event{std::move(event)};
  }
  if (topic == stage_policy_set().topic()) {
    MLCHAIN_TRY(const auto v, decode(stage_policy_set()));
    StagePolicySet event;
    MLCHAIN_TRY(event.repo_id, take<abi::Word>(v, 0, "repoId"));
    MLCHAIN_TRY(const auto stage, take<abi::Word>(v, 1, "stage"));
    MLCHAIN_TRY(event.stage, word_name(stage));
    return Event{std::move(event)};
  }
  if (topic == evaluated().topic()) {
    MLCHAIN_TRY(const auto v, decode(evaluated()));
    Evaluated event;
    MLCHAIN_TRY(event.repo_id, take<abi::Word>(v, 0, "repoId"));
    MLCHAIN_TRY(event.commit, take<abi::Word>(v, 1, "commit"));
    MLCHAIN_TRY(event.evaluator, take<codec::Address>(v, 2, "evaluator"));
    MLCHAIN_TRY(event.uid, take<abi::Word>(v, 3, "uid"));
    MLCHAIN_TRY(event.round, take_u64(v, 4, "round"));
    MLCHAIN_TRY(event.suite, take<abi::Word>(v, 5, "suite"));
    return Event{std::move(event)};
  }
  if (topic == promoted().topic()) {
    MLCHAIN_TRY(const auto v, decode(promoted()));
    Promoted event;
    MLCHAIN_TRY(event.repo_id, take<abi::Word>(v, 0, "repoId"));
    MLCHAIN_TRY(const auto stage, take<abi::Word>(v, 1, "stage"));
    MLCHAIN_TRY(event.stage, word_name(stage));
    MLCHAIN_TRY(event.commit, take<abi::Word>(v, 2, "commit"));
    MLCHAIN_TRY(event.previous, take<abi::Word>(v, 3, "previous"));
    MLCHAIN_TRY(event.attestations, list_of<abi::Word>(v[4], "attestations"));
    MLCHAIN_TRY(event.by, take<codec::Address>(v, 5, "by"));
    return Event{std::move(event)};
  }
  if (topic == approved().topic()) {
    MLCHAIN_TRY(const auto v, decode(approved()));
    Approved event;
    MLCHAIN_TRY(event.repo_id, take<abi::Word>(v, 0, "repoId"));
    MLCHAIN_TRY(const auto stage, take<abi::Word>(v, 1, "stage"));
    MLCHAIN_TRY(event.stage, word_name(stage));
    MLCHAIN_TRY(event.commit, take<abi::Word>(v, 2, "commit"));
    MLCHAIN_TRY(event.approver, take<codec::Address>(v, 3, "approver"));
    return Event{std::move(event)};
  }
  if (topic == retrain_requested().topic()) {
    MLCHAIN_TRY(const auto v, decode(retrain_requested()));
    RetrainRequested event;
    MLCHAIN_TRY(event.repo_id, take<abi::Word>(v, 0, "repoId"));
    MLCHAIN_TRY(const auto stage, take<abi::Word>(v, 1, "stage"));
    MLCHAIN_TRY(event.stage, word_name(stage));
    MLCHAIN_TRY(event.commit, take<abi::Word>(v, 2, "commit"));
    MLCHAIN_TRY(event.rule, take_u64(v, 3, "rule"));
    return Event{std::move(event)};
  }
  if (topic == rolled_back().topic()) {
    MLCHAIN_TRY(const auto v, decode(rolled_back()));
    RolledBack event;
    MLCHAIN_TRY(event.repo_id, take<abi::Word>(v, 0, "repoId"));
    MLCHAIN_TRY(const auto stage, take<abi::Word>(v, 1, "stage"));
    MLCHAIN_TRY(event.stage, word_name(stage));
    MLCHAIN_TRY(event.from, take<abi::Word>(v, 2, "from"));
    MLCHAIN_TRY(event.to, take<abi::Word>(v, 3, "to"));
    MLCHAIN_TRY(event.rule, take_u64(v, 4, "rule"));
    return Event{std::move(event)};
  }
  return make_error(ErrorKind::invalid_input,
                    "governance: a log with topic " + codec::to_0x_hex(topic) + " is none of its events");
}

std::optional<Refusal> decode_refusal(ByteView revert_data) {
  auto revert = abi::decode_revert(revert_data, custom_errors());
  if (!revert || revert->kind != abi::Revert::Kind::custom) return std::nullopt;
  const auto& name = revert->error_name;
  const auto& args = revert->arguments;
  const auto word = [&](std::size_t i) {
    const auto* value = i < args.size() ? args[i].get_if<abi::Word>() : nullptr;
    return value != nullptr ? *value : Word{};
  };
  const auto address = [&](std::size_t i) {
    const auto* value = i < args.size() ? args[i].get_if<codec::Address>() : nullptr;
    return value != nullptr ? address_text(*value) : std::string("?");
  };
  const auto stage = [&](std::size_t i) {
    auto text = word_name(word(i));
    return text ? *text : codec::to_0x_hex(word(i));
  };
  Refusal refusal{name, ErrorKind::refused_by_contract, ""};
  if (name == "NotOwner") {
    refusal.message = address(0) + " is not the repository's owner, who alone sets its policy";
  } else if (name == "OnlyEAS") {
    refusal.message = "only EAS may call the resolver";
  } else if (name == "WrongSchema") {
    refusal.message = "attestation under schema " + codec::to_0x_hex(word(0)) + ", not the evaluation schema";
  } else if (name == "UnknownRound") {
    refusal.message = "the result names round " + codec::to_0x_hex(word(0)) + ", which this governance never started";
  } else if (name == "StaleRound") {
    refusal.message = "stale round: the result was signed for round " + codec::to_0x_hex(word(0)) +
                      ", the evaluator set has changed since (now " + codec::to_0x_hex(word(1)) + "): evaluate again";
  } else if (name == "NotEvaluator") {
    refusal.message = address(0) + " is not an evaluator of the repository's current round";
  } else if (name == "MalformedEvaluation") {
    refusal.message = "the evaluation data does not decode as the evaluation schema";
  } else if (name == "NotAnchored") {
    refusal.message = "commit " + cid_text(word(0)) + " was never anchored by the registry: push it first";
  } else if (name == "UnknownStage") {
    refusal.kind = ErrorKind::not_found;
    refusal.message = "stage '" + stage(0) + "' has no policy (set one with mlchain policy set --stage)";
  } else if (name == "StaleHolder") {
    refusal.kind = ErrorKind::not_fast_forward;
    refusal.message =
        "the stage moved: it was expected to hold " + cid_text(word(0)) + " but holds " + cid_text(word(1)) + " now";
  } else if (name == "AlreadyHolds") {
    refusal.message = cid_text(word(0)) + " holds the stage already";
  } else if (name == "PolicyNotMet") {
    refusal.message = "the policy of stage '" + stage(0) + "' does not hold for " + cid_text(word(1));
  } else if (name == "NotApprover") {
    refusal.message = address(0) + " is not an approver of the stage";
  } else if (name == "AlreadyApproved") {
    refusal.message = address(0) + " approved it already";
  } else if (name == "InvalidPolicy") {
    refusal.kind = ErrorKind::invalid_argument;
    const auto* reason = args.empty() ? nullptr : args[0].get_if<std::string>();
    refusal.message = "the contract refuses the policy: " + (reason != nullptr ? *reason : std::string("?"));
  } else if (name == "UnknownRepository") {
    refusal.kind = ErrorKind::not_found;
    const auto* repo = args.empty() ? nullptr : args[0].get_if<std::string>();
    refusal.message = "the registry has no repository '" + (repo != nullptr ? *repo : std::string("?")) + "'";
  }
  return refusal;
}

}  // namespace mlchain::eth::governance
