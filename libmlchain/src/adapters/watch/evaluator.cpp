#include "mlchain/watch/evaluator.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

#include "mlchain/chain/governance.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/ignore_rules.hpp"
#include "mlchain/core/memory_object_store.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/eth/governance_abi.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/ipfs/file_walk.hpp"
#include "mlchain/unixfs/profile.hpp"
#include "mlchain/watch/shell_handler.hpp"
#include "mlchain/workflow/clone.hpp"
#include "mlchain/workflow/verify.hpp"

namespace mlchain::watch {
namespace {

using json = nlohmann::json;

// A suite is scripts and held-out data read into memory on its way to the scratch directory: above this,
// give it as a directory.
constexpr std::uint64_t max_suite_bytes = 1024ull * 1024 * 1024;

// Long enough for a relayer to gather k results; short enough that a forgotten file stops counting.
constexpr std::uint64_t evaluation_valid_seconds = 7 * 24 * 3600;

// Reads {"name": number|"decimal", …} keeping each number's text, since a double would round 0.1.
class MetricsReader : public nlohmann::json_sax<json> {
 public:
  std::vector<std::pair<std::string, std::string>> values;
  std::string error;

  bool null() override { return refuse("null"); }
  bool boolean(bool) override { return refuse("a boolean"); }
  bool number_integer(number_integer_t value) override { return take(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return take(std::to_string(value)); }
  bool number_float(number_float_t, const string_t& text) override { return take(text); }
  bool string(string_t& text) override { return take(text); }
  bool binary(binary_t&) override { return refuse("binary"); }
  bool start_object(std::size_t) override {
    if (depth_++ != 0) return refuse("an object");
    return true;
  }
  bool key(string_t& name) override {
    key_ = name;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return refuse("an array"); }
  bool end_array() override { return false; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    error = "not one JSON object (at byte " + std::to_string(position) + ")";
    return false;
  }

 private:
  bool take(std::string text) {
    if (depth_ != 1) return refuse("a bare value");
    values.emplace_back(key_, std::move(text));
    return true;
  }
  bool refuse(std::string_view what) {
    error = (key_.empty() ? std::string("the metrics") : "metric \"" + key_ + "\"") + " is " + std::string(what) +
            "; expected {\"name\": number, …}";
    return false;
  }
  int depth_ = 0;
  std::string key_;
};

// A private scratch directory (mode 0700) that goes with this object.
class ScratchDirectory {
 public:
  static Result<ScratchDirectory> make() {
    std::error_code error;
    auto base = std::filesystem::temp_directory_path(error);
    if (error) base = "/tmp";
    std::string pattern = (base / "mlchain-evaluate-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      return make_error(ErrorKind::internal,
                        "cannot make a scratch directory in " + base.string() + ": " + std::strerror(errno));
    return ScratchDirectory(pattern);
  }
  ScratchDirectory(ScratchDirectory&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ~ScratchDirectory() {
    if (path_.empty()) return;
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

Status write_file(const std::filesystem::path& path,
                  const std::function<Status(const std::function<Status(ByteView)>&)>& fill) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return make_error(ErrorKind::internal, "cannot create " + path.string() + ": " + std::strerror(errno));
  auto status = fill([&](ByteView bytes) -> Status {
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd, bytes.data(), bytes.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0)
        return make_error(ErrorKind::internal, "cannot write " + path.string() + ": " + std::strerror(errno));
      bytes = bytes.subspan(static_cast<std::size_t>(written));
    }
    return {};
  });
  ::close(fd);
  return status;
}

// The suite's DAG from the node, every block checked against its CID, written out under `directory`.
Status checkout_suite(ipfs::Node& node, const codec::Cid& suite, const std::filesystem::path& directory) {
  core::MemoryObjectStore blocks;
  std::uint64_t bytes = 0;
  MLCHAIN_TRY_STATUS(node.read_dag(suite, [&](const codec::Cid& cid, ByteView block) -> Status {
    bytes += block.size();
    if (bytes > max_suite_bytes)
      return make_error(ErrorKind::invalid_input,
                        "suite " + suite.to_string() + " is larger than 1 GiB: give it as a directory (--suite PATH)");
    return blocks.put(cid, block);
  }));
  MLCHAIN_TRY(const auto entries, core::list_files(blocks, suite));
  if (entries.size() == 1 && entries.front().path.empty())
    return make_error(ErrorKind::invalid_input, "suite " + suite.to_string() + " is a single file, not a directory");
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  for (const auto& entry : entries) {
    const auto target = directory / entry.path;
    std::filesystem::create_directories(entry.kind == unixfs::NodeKind::directory ? target : target.parent_path(),
                                        error);
    if (error)
      return make_error(ErrorKind::internal, "cannot create " + target.parent_path().string() + ": " + error.message());
    if (entry.kind == unixfs::NodeKind::symlink) {
      std::filesystem::create_symlink(entry.symlink_target.value_or(""), target, error);
      if (error) return make_error(ErrorKind::internal, "cannot create " + target.string() + ": " + error.message());
    } else if (entry.kind == unixfs::NodeKind::file) {
      MLCHAIN_TRY_STATUS(write_file(target, [&](const std::function<Status(ByteView)>& sink) {
        return ipfs::walk_file(
            entry.cid, [&](const codec::Cid& cid) { return blocks.get(cid); }, sink, {}, node.url());
      }));
    }
  }
  return {};
}

// The operator's suite directory, copied under `directory` as the suite's CID sees it (without .mlchain and
// version-control metadata): the evaluation runs in, and may write to, a copy that is hashed after copying,
// so files it leaves (a cache, a report) change neither the operator's suite nor the next evaluation's CID.
Status copy_suite(const std::filesystem::path& from, const std::filesystem::path& directory) {
  namespace stdfs = std::filesystem;
  std::error_code error;
  stdfs::create_directory(directory, error);
  if (error) return make_error(ErrorKind::internal, "cannot create " + directory.string() + ": " + error.message());
  stdfs::recursive_directory_iterator walk(from, error);
  for (; !error && walk != stdfs::recursive_directory_iterator(); walk.increment(error)) {
    const auto& source = walk->path();
    if (core::is_never_in_bundle(source.filename().string())) {
      walk.disable_recursion_pending();
      continue;
    }
    const auto target = directory / source.lexically_relative(from);
    const auto kind = walk->symlink_status(error).type();
    if (error) break;
    if (kind == stdfs::file_type::symlink) {
      stdfs::copy_symlink(source, target, error);
    } else if (kind == stdfs::file_type::directory) {
      stdfs::create_directory(target, error);
    } else if (kind == stdfs::file_type::regular) {
      stdfs::copy_file(source, target, error);
    } else {
      return make_error(ErrorKind::invalid_input,
                        "suite " + from.string() + ": " + source.string() + " is not a file, directory or symlink");
    }
    if (error)
      return make_error(ErrorKind::invalid_input, "cannot copy suite file " + source.string() + ": " + error.message());
  }
  if (error) return make_error(ErrorKind::invalid_input, "cannot read suite " + from.string() + ": " + error.message());
  return {};
}

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

HandlerOutcome failed(std::string reason) { return HandlerOutcome{false, std::move(reason), {}}; }

}  // namespace

Result<std::pair<codec::Cid, std::optional<std::filesystem::path>>> resolve_suite(const std::string& text) {
  using Resolved = std::pair<codec::Cid, std::optional<std::filesystem::path>>;
  if (auto cid = codec::Cid::parse(text)) {
    // A raw block is a file's bytes: it can never be checked out as the directory an evaluation runs in.
    if (cid->codec() == codec::multicodec::raw)
      return make_error(ErrorKind::invalid_argument,
                        "--suite " + text + " is a single file: an evaluation suite is a directory");
    return Resolved{*cid, std::nullopt};
  }
  std::error_code error;
  const auto status = std::filesystem::status(text, error);
  if (error || !std::filesystem::exists(status))
    return make_error(ErrorKind::not_found, "--suite '" + text + "' is neither a CID nor an existing directory");
  if (!std::filesystem::is_directory(status))
    return make_error(ErrorKind::invalid_argument, "--suite '" + text + "' is not a directory");
  MLCHAIN_TRY(const auto node, fs::cid_of_path(text, unixfs::default_profile));
  return Resolved{node.cid, std::filesystem::absolute(text)};
}

Result<std::vector<std::pair<std::string, codec::I256>>> parse_metrics_object(std::string_view text) {
  MetricsReader reader;
  const bool parsed = json::sax_parse(text, &reader);
  if (!parsed)
    return make_error(ErrorKind::invalid_input,
                      "metrics: " + (reader.error.empty() ? "not one JSON object" : reader.error));
  if (reader.values.empty()) return make_error(ErrorKind::invalid_input, "metrics: the object names no metric");
  std::vector<std::pair<std::string, codec::I256>> metrics;
  for (const auto& [name, value] : reader.values) {
    MLCHAIN_TRY(const auto checked, eth::governance::name_word(name, "metric"));
    static_cast<void>(checked);
    auto fixed = codec::parse_fixed18(value);
    if (!fixed) return make_error(ErrorKind::invalid_input, "metric \"" + name + "\": " + fixed.error().message);
    metrics.emplace_back(name, *fixed);
  }
  return metrics;
}

EvaluatorHandler::EvaluatorHandler(repo::Repository& repository, chain::ChainRemote chain_remote,
                                   remote::NodeAddress node, EvaluatorSettings settings,
                                   std::shared_ptr<core::Signer> signer,
                                   std::vector<std::pair<std::string, std::string>> environment)
    : repository_(repository),
      chain_remote_(std::move(chain_remote)),
      node_(std::move(node)),
      settings_(std::move(settings)),
      signer_(std::move(signer)),
      environment_(std::move(environment)) {}

std::string EvaluatorHandler::describe() const {
  return "evaluate: " + settings_.command + " (suite " + settings_.suite.to_string() + ")";
}

Result<HandlerOutcome> EvaluatorHandler::run(const WatchEvent& event, unsigned attempt, WatchLog& log) {
  if (event.branch != settings_.branch || !event.commit) return HandlerOutcome{true, {}, {}};
  const codec::Cid& commit = *event.commit;
  const codec::Address me = signer_->address();
  const std::string result_name = commit.to_string() + "-" + address_text(me) + ".json";
  eth::RpcClient rpc(eth::rpc_options_for(chain_remote_.rpc));
  chain::GovernanceClient governance(rpc, chain_remote_);
  MLCHAIN_TRY(const auto round, governance.round());
  if (settings_.out_directory) {
    // Only a whole, unspent result of this round is this evaluation done: a file cut short (its writer
    // killed, a disk full), signed before the evaluator set changed, or whose EAS nonce another result used
    // would be refused, so it is made again.
    const auto file = *settings_.out_directory / result_name;
    if (std::ifstream stream{file}) {
      const std::string text{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
      auto earlier = chain::parse_evaluation_file(text);
      if (earlier && (earlier->round != round.number || earlier->commit != commit))
        earlier = make_error(ErrorKind::invalid_input, "signed in round " + std::to_string(earlier->round));
      if (earlier) {
        MLCHAIN_TRY(const auto next_nonce, governance.nonce(me));
        MLCHAIN_TRY(const auto attested, governance.evaluation_of(commit, me));
        if (earlier->attestation.request.nonce >= next_nonce || (attested && attested->second == round.number)) {
          log.write(LogLevel::info, "already evaluated: " + file.string(), event.id);
          return HandlerOutcome{true, {}, {}};
        }
        earlier = make_error(ErrorKind::invalid_input, "its EAS nonce was used by another result");
      }
      log.write(LogLevel::warning, file.string() + " is not a result to relay (" + earlier.error().message +
                                       "): evaluating again", event.id);
    }
  }
  if (std::find(round.evaluators.begin(), round.evaluators.end(), me) == round.evaluators.end())
    return failed("key " + address_text(me) + " is not an evaluator of round " + std::to_string(round.number));
  // A watcher killed once its transaction was sent left it in the journal: settled first, its attestation
  // reads as this evaluation done, and no second result is signed for it (docs/architecture.md, the journal).
  if (!settings_.out_directory)
    MLCHAIN_TRY_STATUS(chain::finish_interrupted_governance(repository_, chain_remote_, {}));
  MLCHAIN_TRY(const auto earlier, governance.evaluation_of(commit, me));
  if (earlier && earlier->second == round.number) {
    log.write(LogLevel::info,
              "already evaluated " + commit.to_string() + " in round " + std::to_string(round.number) + " (" +
                  codec::to_0x_hex(earlier->first) + ")",
              event.id);
    return HandlerOutcome{true, {}, {}};
  }
  MLCHAIN_TRY(const auto anchored, governance.anchored_at(commit));
  if (!anchored) return failed("the registry does not anchor " + commit.to_string() + " in " + chain_remote_.repo);
  MLCHAIN_TRY(auto scratch, ScratchDirectory::make());
  return evaluate(event, commit, attempt, scratch.path(), log);
}

// EAS takes an attester's nonces one after the other: results of several candidates written to --out-dir
// before a relayer submits them must each hold the next one, not all the chain's current one.
Result<std::optional<codec::U256>> EvaluatorHandler::next_unrelayed_nonce(const codec::Cid& commit) const {
  if (!settings_.out_directory) return std::optional<codec::U256>{};
  const std::string suffix = "-" + address_text(signer_->address()) + ".json";
  const std::string own_name = commit.to_string() + suffix;
  eth::RpcClient rpc(eth::rpc_options_for(chain_remote_.rpc));
  chain::GovernanceClient governance(rpc, chain_remote_);
  MLCHAIN_TRY(const auto round, governance.round());
  std::optional<codec::U256> next;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(*settings_.out_directory, error)) {
    const std::string name = entry.path().filename().string();
    if (name == own_name || name.size() <= suffix.size() || !name.ends_with(suffix)) continue;
    std::ifstream stream{entry.path()};
    const std::string text{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
    const auto other = chain::parse_evaluation_file(text);
    // A result of another round is refused when relayed: the nonce it holds stays free.
    if (!other || other->repo != chain_remote_.repo || other->round != round.number) continue;
    auto after = other->attestation.request.nonce.checked_add(codec::U256(1));
    if (after && (!next || *after > *next)) next = *after;
  }
  if (error)
    return make_error(ErrorKind::internal, "cannot read " + settings_.out_directory->string() + ": " + error.message());
  return next;
}

Result<HandlerOutcome> EvaluatorHandler::evaluate(const WatchEvent& event, const codec::Cid& commit, unsigned attempt,
                                                  const std::filesystem::path& scratch, WatchLog& log) {
  const auto model = scratch / "model";
  workflow::CloneOptions clone;
  clone.source = commit.to_string();
  clone.directory = model;
  clone.ipfs = node_.ipfs.value_or("");
  clone.gateway = node_.ipfs ? "" : node_.gateway.value_or("");
  MLCHAIN_TRY(const auto cloned, workflow::clone(clone));
  static_cast<void>(cloned);
  workflow::VerifyRequest request;
  request.revision = commit.to_string();
  request.start = model;
  MLCHAIN_TRY(const auto report, workflow::verify(request));
  if (!report.ok()) {
    const auto& problem = report.problems.front();
    return failed("verification of " + commit.to_string() + " failed: " + problem.path.value_or("(commit)") + " " +
                  std::string(repo::problem_kind_name(problem.kind)) + " (" + std::to_string(report.problems.size()) +
                  " problems): nothing signed");
  }
  log.write(LogLevel::info,
            "verified " + commit.to_string() + ": " + std::to_string(report.files) + " files, " +
                std::to_string(report.signatures) + " signatures",
            event.id);

  const auto suite_directory = scratch / "suite";
  if (settings_.suite_directory) {
    MLCHAIN_TRY_STATUS(copy_suite(*settings_.suite_directory, suite_directory));
    MLCHAIN_TRY(const auto now, fs::cid_of_path(suite_directory, unixfs::default_profile));
    if (now.cid != settings_.suite)
      return failed("suite " + settings_.suite_directory->string() + " changed since the watcher started (now " +
                    now.cid.to_string() + ", was " + settings_.suite.to_string() + "): nothing signed");
  } else {
    MLCHAIN_TRY(auto node, remote::open_node(node_));
    MLCHAIN_TRY_STATUS(checkout_suite(*node, settings_.suite, suite_directory));
  }

  Command command;
  command.text = settings_.command;
  command.directory = suite_directory;
  command.environment = environment_;
  for (auto& variable : event_environment(event)) command.environment.push_back(std::move(variable));
  command.environment.emplace_back("MLCHAIN_ATTEMPT", std::to_string(attempt));
  command.environment.emplace_back("MLCHAIN_MODEL_DIR", model.string());
  command.environment.emplace_back("MLCHAIN_SUITE_DIR", suite_directory.string());
  command.environment.emplace_back("MLCHAIN_SUITE", settings_.suite.to_string());
  command.input = event.json + "\n";
  std::string printed;
  command.standard_output = &printed;
  MLCHAIN_TRY(auto outcome, run_command(command, [&](std::string_view line) { log.output(event.id, line); }));
  if (!outcome.succeeded) return outcome;
  auto metrics = parse_metrics_object(printed);
  if (!metrics) return failed("the evaluation printed no usable metrics: " + metrics.error().message);

  const auto deadline = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                       std::chrono::system_clock::now().time_since_epoch())
                                                       .count()) +
                        evaluation_valid_seconds;
  MLCHAIN_TRY(const auto lowest_nonce, next_unrelayed_nonce(commit));
  MLCHAIN_TRY(const auto signed_evaluation, chain::sign_evaluation(chain_remote_, commit, settings_.suite, *metrics,
                                                                   deadline, *signer_, lowest_nonce));
  if (!settings_.out_directory) {
    // Another watcher with this key (another directory, another machine) may have attested the commit while
    // this evaluation ran: a second result would be a second attestation of one evaluation. The check comes
    // after the signature, whose EAS nonce was read first: an attestation that lands after this read takes
    // that nonce (EAS takes an attester's nonces in order), so this result is then refused, and one that
    // landed before it is seen here.
    eth::RpcClient rpc(eth::rpc_options_for(chain_remote_.rpc));
    chain::GovernanceClient governance(rpc, chain_remote_);
    MLCHAIN_TRY(const auto round, governance.round());
    MLCHAIN_TRY(const auto earlier, governance.evaluation_of(commit, signer_->address()));
    if (earlier && earlier->second == round.number) {
      log.write(LogLevel::info,
                "attested meanwhile by another watcher with this key: " + codec::to_0x_hex(earlier->first) +
                    ", nothing sent",
                event.id);
      return HandlerOutcome{true, {}, {}};
    }
  }
  const std::string summary = eth::governance::metrics_text(*metrics);
  if (settings_.out_directory) {
    const auto file =
        *settings_.out_directory / (commit.to_string() + "-" + address_text(signer_->address()) + ".json");
    const std::string text = chain::evaluation_file(signed_evaluation);
    MLCHAIN_TRY_STATUS(fs::write_file_atomically(file, as_bytes(text)));
    log.write(LogLevel::info, "signed " + summary + ": " + file.string(), event.id);
    return HandlerOutcome{true, {}, {}};
  }
  const std::vector<chain::SignedEvaluation> batch{signed_evaluation};
  MLCHAIN_TRY(const auto submitted, chain::submit_evaluations(repository_, chain_remote_, batch, *signer_, {}));
  if (!submitted.dropped.empty()) return failed("refused: " + submitted.dropped.front().reason);
  log.write(LogLevel::info,
            "attested " + summary + " as " + codec::to_0x_hex(submitted.accepted.front().uid) + " in block " +
                std::to_string(submitted.settled ? submitted.settled->receipt.block_number : 0),
            event.id);
  return HandlerOutcome{true, {}, {}};
}

}  // namespace mlchain::watch
