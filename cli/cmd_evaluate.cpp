// mlchain evaluate REV --suite CID|PATH --metric K=V… [--remote R] [--key NAME] (--out FILE | --submit):
// signs an evaluation of REV as an EAS delegated attestation (EIP-712) for the remote's governance.
// mlchain submit [REMOTE] FILE…: relays signed evaluations in one transaction.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/unixfs/profile.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

// Far above what an evaluation (at most 16 metrics) takes, a few KiB; far below a relayer's memory.
constexpr std::uintmax_t max_evaluation_file_bytes = 1024 * 1024;

// Long enough for a relayer to gather k results; short enough that a forgotten file stops counting.
constexpr std::uint64_t default_deadline_seconds = 7 * 24 * 3600;

struct EvaluateOptions {
  std::string revision;
  std::string suite;
  std::vector<std::string> metrics;
  std::optional<std::string> remote;
  std::optional<std::string> key;
  std::optional<std::string> out;
  bool submit = false;
  std::uint64_t valid_seconds = default_deadline_seconds;
  WaitOptions wait;
};

struct SubmitOptions {
  std::vector<std::string> arguments;  // [REMOTE] FILE…
  std::optional<std::string> key;
  bool json = false;
  WaitOptions wait;
};

Result<std::vector<std::pair<std::string, codec::I256>>> parse_metrics(const std::vector<std::string>& texts) {
  std::vector<std::pair<std::string, codec::I256>> metrics;
  for (const auto& text : texts) {
    const auto equals = text.find('=');
    if (equals == std::string::npos)
      return make_error(ErrorKind::invalid_argument,
                        "--metric '" + text + "': expected NAME=VALUE, e.g. accuracy=0.95");
    const std::string name = text.substr(0, equals);
    if (auto valid = eth::governance::name_word(name, "metric"); !valid) return valid.error();
    auto value = codec::parse_fixed18(text.substr(equals + 1));
    if (!value) return make_error(ErrorKind::invalid_argument, "--metric '" + text + "': " + value.error().message);
    metrics.emplace_back(name, *value);
  }
  return metrics;
}

// EAS's deadline is a uint64 of seconds: a sum that wraps would sign a request that expired already.
Result<std::uint64_t> deadline_after(std::uint64_t valid_seconds) {
  const auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (valid_seconds == 0 || valid_seconds > std::numeric_limits<std::uint64_t>::max() - now)
    return make_error(ErrorKind::invalid_argument, "--valid-for " + std::to_string(valid_seconds) + ": must be 1 to " +
                                                       std::to_string(std::numeric_limits<std::uint64_t>::max() - now) +
                                                       " seconds");
  return now + valid_seconds;
}

// A CID as it is; anything else is a path whose CID (as `mlchain cid` prints it) names the suite.
Result<codec::Cid> suite_cid(const std::string& text) {
  if (auto cid = codec::Cid::parse(text)) return *cid;
  std::error_code error;
  if (!std::filesystem::exists(text, error))
    return make_error(ErrorKind::not_found, "--suite '" + text + "' is neither a CID nor an existing path");
  MLCHAIN_TRY(const auto node, fs::cid_of_path(text, unixfs::default_profile));
  return node.cid;
}

// A file dropped before anything was asked of the chain: it does not read as a signed evaluation.
struct Unreadable {
  std::string file;
  std::string reason;
};

void print_report(const chain::SubmitReport& report, const std::vector<std::string>& names,
                  const std::vector<Unreadable>& unreadable, bool as_json, Context& context) {
  if (as_json) {
    auto accepted = json::array();
    for (const auto& entry : report.accepted)
      accepted.push_back({{"file", names[entry.index]}, {"uid", word_hex(entry.uid)}});
    auto dropped = json::array();
    for (const auto& entry : unreadable) dropped.push_back({{"file", entry.file}, {"reason", entry.reason}});
    for (const auto& entry : report.dropped)
      dropped.push_back({{"file", names[entry.index]}, {"reason", entry.reason}});
    json document{{"accepted", accepted}, {"dropped", dropped}};
    if (report.settled) {
      document["transaction"] = hash_hex(report.settled->receipt.transaction_hash);
      document["block"] = report.settled->receipt.block_number;
      document["gas_used"] = report.settled->receipt.gas_used;
    }
    context.out << document.dump(2) << '\n';
    return;
  }
  if (report.settled)
    context.out << "submitted " << report.accepted.size() << " evaluation" << (report.accepted.size() == 1 ? "" : "s")
                << " in transaction " << hash_hex(report.settled->receipt.transaction_hash) << ", block "
                << report.settled->receipt.block_number << ", gas used " << report.settled->receipt.gas_used << '\n';
  for (const auto& entry : report.accepted)
    context.out << "  attested " << names[entry.index] << ": " << word_hex(entry.uid) << '\n';
  for (const auto& entry : unreadable) context.out << "  dropped " << entry.file << ": " << entry.reason << '\n';
  for (const auto& entry : report.dropped)
    context.out << "  dropped " << names[entry.index] << ": " << entry.reason << '\n';
}

void run_evaluate(const EvaluateOptions& options, Context& context) {
  if (options.out.has_value() == options.submit)
    return context.fail(ErrorKind::invalid_argument, "evaluate needs exactly one of --out FILE and --submit");
  if (options.metrics.empty())
    return context.fail(ErrorKind::invalid_argument, "evaluate needs at least one --metric K=V");
  auto metrics = parse_metrics(options.metrics);
  if (!metrics) return context.fail(metrics.error());
  auto deadline = deadline_after(options.valid_seconds);
  if (!deadline) return context.fail(deadline.error());
  auto suite = suite_cid(options.suite);
  if (!suite) return context.fail(suite.error());
  auto target = governance_target(options.remote);
  if (!target) return context.fail(target.error());
  auto commit = resolve_commit(target->repository, options.revision);
  if (!commit) return context.fail(commit.error());
  auto signer = workflow::signer_for(&target->repository, options.key);
  if (!signer) return context.fail(signer.error());
  auto evaluation = chain::sign_evaluation(target->remote, *commit, *suite, *metrics, *deadline, *signer->signer);
  if (!evaluation) return context.fail(evaluation.error());
  const std::string summary = "evaluation of " + commit->to_string() + " by " +
                              codec::to_checksum_address(evaluation->attestation.request.attester) + " (suite " +
                              suite->to_string() + ", round " + std::to_string(evaluation->round) +
                              "): " + eth::governance::metrics_text(evaluation->metrics);
  if (options.out) {
    const std::string text = chain::evaluation_file(*evaluation);
    if (auto written = fs::write_file_atomically(*options.out, as_bytes(text)); !written)
      return context.fail(written.error());
    context.out << "signed " << summary << " -> " << *options.out << '\n';
    return;
  }
  auto report = chain::submit_evaluations(target->repository, target->remote, std::span(&*evaluation, 1),
                                          *signer->signer, options.wait.chain_options());
  if (!report) return context.fail(report.error());
  context.out << "signed " << summary << '\n';
  print_report(*report, {"the evaluation"}, {}, false, context);
}

void run_submit(const SubmitOptions& options, Context& context) {
  // [REMOTE] FILE…: a first argument that is no file is the remote's name.
  std::optional<std::string> remote;
  std::vector<std::string> files = options.arguments;
  std::error_code error;
  if (files.size() > 1 && !std::filesystem::exists(files.front(), error)) {
    remote = files.front();
    files.erase(files.begin());
  }
  // A file that is not a signed evaluation (tampered, badly signed) is dropped like a result the chain
  // refuses, so the others still count; when none is left, the first such file's error is the answer.
  std::vector<chain::SignedEvaluation> evaluations;
  std::vector<std::string> names;
  std::vector<Unreadable> unreadable;
  std::optional<Error> first_problem;
  for (const auto& file : files) {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) return context.fail(ErrorKind::not_found, "cannot read evaluation file '" + file + "'");
    // Not read at all when too large: a file from a hostile evaluator must not take the relayer's memory.
    if (const auto size = std::filesystem::file_size(file, error); !error && size > max_evaluation_file_bytes) {
      const std::string reason = std::to_string(size) + " bytes, more than an evaluation file (at most " +
                                 std::to_string(max_evaluation_file_bytes) + ")";
      unreadable.push_back({file, reason});
      if (!first_problem) first_problem = make_error(ErrorKind::invalid_input, file + ": " + reason);
      continue;
    }
    std::ostringstream text;
    text << stream.rdbuf();
    auto evaluation = chain::parse_evaluation_file(text.str());
    if (!evaluation) {
      unreadable.push_back({file, evaluation.error().message});
      if (!first_problem) first_problem = make_error(evaluation.error().kind, file + ": " + evaluation.error().message);
      continue;
    }
    evaluations.push_back(std::move(evaluation).value());
    names.push_back(file);
  }
  if (evaluations.empty()) return context.fail(*first_problem);
  auto target = governance_target(remote);
  if (!target) return context.fail(target.error());
  auto signer = workflow::signer_for(&target->repository, options.key);
  if (!signer) return context.fail(signer.error());
  auto report = chain::submit_evaluations(target->repository, target->remote, evaluations, *signer->signer,
                                          options.wait.chain_options());
  if (!report) return context.fail(report.error());
  print_report(*report, names, unreadable, options.json, context);
}

}  // namespace

void register_evaluate(CLI::App& app, Context& context) {
  auto options = std::make_shared<EvaluateOptions>();
  auto* command = app.add_subcommand(
      "evaluate", "Sign an evaluation of REV (an EAS delegated attestation) for the remote's governance");
  command->add_option("REV", options->revision, "The commit evaluated: a revision, a commit CID or @STAGE")->required();
  command->add_option("--suite", options->suite, "The evaluation suite: its CID, or a path whose CID names it")
      ->required();
  command->add_option("--metric", options->metrics,
                      "NAME=VALUE, a decimal with at most 18 fractional digits (repeatable)");
  command->add_option("--remote", options->remote, "Chain remote whose governance the result is for (default origin)");
  command->add_option("--key", options->key, "Stored key of the evaluator (default: as for commit)");
  command->add_option("--out", options->out, "Write the signed result to FILE (for a relayer's mlchain submit)");
  command->add_flag("--submit", options->submit, "Send the result now (the evaluator pays the gas)");
  command->add_option("--valid-for", options->valid_seconds,
                      "Seconds the signed request may be submitted in (default 7 days)");
  add_wait_options(*command, options->wait);
  command->callback([options, &context] { run_evaluate(*options, context); });
}

void register_submit(CLI::App& app, Context& context) {
  auto options = std::make_shared<SubmitOptions>();
  auto* command = app.add_subcommand("submit", "Relay signed evaluations to the chain in one transaction");
  command->add_option("FILES", options->arguments, "[REMOTE] FILE…: files written by mlchain evaluate --out")
      ->required();
  command->add_option("--key", options->key, "Stored key that pays for the transaction (default: as for commit)");
  command->add_flag("--json", options->json, "Print {accepted: [{file, uid}], dropped: [{file, reason}], transaction}");
  add_wait_options(*command, options->wait);
  command->callback([options, &context] { run_submit(*options, context); });
}

}  // namespace mlchain::cli
