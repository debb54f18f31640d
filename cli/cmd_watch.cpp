// mlchain watch [REMOTE] [--on EVENT=CMD]… [--evaluate CMD --suite CID|PATH [--branch B] [--out-dir D]]
//               [--grant-on-purchase] [--key NAME] [--once] [--confirmations N] [--from-block N] [--log-format
//               text|json]: follows the remote's
// contracts and runs a handler per event (man/mlchain-watch.1), until SIGTERM or SIGINT.
#include <signal.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "count_option.hpp"
#include "mlchain/util/utc_time.hpp"
#include "mlchain/watch/shell_handler.hpp"
#include "mlchain/workflow/watch.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct WatchOptions {
  std::optional<std::string> remote;
  std::vector<std::string> on;
  std::optional<std::string> evaluate;
  std::optional<std::string> suite;
  std::string branch = "main";
  std::optional<std::string> out_dir;
  std::optional<std::string> key;
  bool grant_on_purchase = false;
  bool once = false;
  std::optional<std::uint64_t> confirmations;
  std::optional<std::uint64_t> from_block;
  std::string log_format = "text";
  double poll_seconds = 1;
  unsigned retries = 5;
  double retry_delay_seconds = 1;
};

volatile sig_atomic_t stop_signal = 0;
volatile sig_atomic_t health_requests = 0;

// A second SIGTERM, SIGINT or SIGHUP does not wait for the handler, which is killed: the event in hand is
// delivered again on restart.
extern "C" void on_stop_signal(int signal_number) {
  if (stop_signal != 0) {
    watch::kill_running_command();
    ::_exit(128 + signal_number);
  }
  stop_signal = signal_number;
}
extern "C" void on_health_signal(int) { health_requests = 1; }

class SignalStop final : public watch::StopSignal {
 public:
  SignalStop() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    // A closed terminal or session stops the watcher as SIGTERM does, rather than mid-handler.
    ::sigaction(SIGHUP, &action, nullptr);
    action.sa_handler = on_health_signal;
    ::sigaction(SIGUSR1, &action, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
  }
  bool stop_requested() override { return stop_signal != 0; }
  bool take_health_request() override {
    if (health_requests == 0) return false;
    health_requests = 0;
    return true;
  }
};

std::string_view level_name(watch::LogLevel level) {
  switch (level) {
    case watch::LogLevel::info:
      return "info";
    case watch::LogLevel::warning:
      return "warning";
    case watch::LogLevel::error:
      return "error";
  }
  return "info";
}

// One line per entry on stderr: "TIME LEVEL [EVENT-ID] message", or one JSON object per line.
class StreamLog final : public watch::WatchLog {
 public:
  StreamLog(std::ostream& stream, bool as_json) : stream_(stream), json_(as_json) {}
  void write(watch::LogLevel level, std::string_view message, std::string_view event_id) override {
    if (json_) {
      json entry{{"time", util::utc_timestamp_now()}, {"level", level_name(level)}, {"message", message}};
      if (!event_id.empty()) entry["event_id"] = event_id;
      emit(entry.dump(-1, ' ', false, json::error_handler_t::replace));
      return;
    }
    emit(util::utc_timestamp_now() + " " + std::string(level_name(level)) +
         (event_id.empty() ? std::string() : " [" + std::string(event_id) + "]") + " " + std::string(message));
  }
  void output(std::string_view event_id, std::string_view line) override {
    if (json_) {
      json entry{{"time", util::utc_timestamp_now()}, {"level", "info"}, {"event_id", event_id}, {"output", line}};
      emit(entry.dump(-1, ' ', false, json::error_handler_t::replace));
      return;
    }
    emit(util::utc_timestamp_now() + " output [" + std::string(event_id) + "] " + std::string(line));
  }

 private:
  void emit(const std::string& line) {
    std::lock_guard guard(mutex_);
    stream_ << line << '\n';
    stream_.flush();
  }
  std::ostream& stream_;
  bool json_;
  std::mutex mutex_;
};

std::chrono::milliseconds milliseconds_of(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

void run_watch(const WatchOptions& options, Context& context) {
  if (options.log_format != "text" && options.log_format != "json")
    return context.fail(ErrorKind::invalid_argument,
                        "--log-format '" + options.log_format + "': expected text or json");
  if (options.evaluate.has_value() != options.suite.has_value())
    return context.fail(ErrorKind::invalid_argument, "--evaluate CMD and --suite CID|PATH go together");
  if (!options.evaluate && options.out_dir)
    return context.fail(ErrorKind::invalid_argument, "--out-dir is for evaluator mode (--evaluate)");
  if (!(options.poll_seconds >= 0.05 && options.poll_seconds <= 3600))
    return context.fail(ErrorKind::invalid_argument, "--poll: expected 0.05 to 3600 seconds");
  if (!(options.retry_delay_seconds >= 0.01 && options.retry_delay_seconds <= 3600))
    return context.fail(ErrorKind::invalid_argument, "--retry-delay: expected 0.01 to 3600 seconds");
  workflow::WatchRequest request;
  if (options.remote) request.remote = *options.remote;
  for (const auto& text : options.on) {
    auto handler = workflow::parse_handler(text);
    if (!handler) return context.fail(handler.error());
    request.handlers.push_back(std::move(handler).value());
  }
  if (options.evaluate) {
    workflow::WatchEvaluation evaluation;
    evaluation.command = *options.evaluate;
    evaluation.suite = *options.suite;
    evaluation.branch = options.branch;
    if (options.out_dir) evaluation.out_directory = *options.out_dir;
    request.evaluation = std::move(evaluation);
  }
  request.key = options.key;
  request.grant_on_purchase = options.grant_on_purchase;
  request.from_block = options.from_block;
  request.confirmations = options.confirmations;
  request.options.once = options.once;
  request.options.poll = milliseconds_of(options.poll_seconds);
  request.options.retries = options.retries;
  request.options.retry_delay = milliseconds_of(options.retry_delay_seconds);

  SignalStop stop;
  StreamLog log(context.err, options.log_format == "json");
  auto summary = workflow::watch(request, stop, log);
  if (!summary) return context.fail(summary.error());
  log.write(watch::LogLevel::info,
            "stopped after block " + std::to_string(summary->position.block) + ": delivered " +
                std::to_string(summary->delivered) + ", parked " + std::to_string(summary->parked) + ", reverted " +
                std::to_string(summary->reverted),
            {});
}

}  // namespace

void register_watch(CLI::App& app, Context& context) {
  auto options = std::make_shared<WatchOptions>();
  auto* command = app.add_subcommand("watch", "Run handlers for the chain events of the remote's repository");
  command->add_option("REMOTE", options->remote, "Chain remote to follow (default origin)");
  command->add_option("--on", options->on,
                      "EVENT=CMD: run CMD for each EVENT (pushed, evaluated, promoted, approved, "
                      "retrain, rolled-back, purchased, reverted)");
  command->add_option("--evaluate", options->evaluate,
                      "Evaluator mode: run CMD on each pushed commit and attest its metrics");
  command->add_option("--suite", options->suite, "Evaluator mode: the evaluation suite, a CID or a directory");
  command->add_option("--branch", options->branch,
                      "Evaluator mode: the branch whose pushes are evaluated (default main)");
  command->add_option("--out-dir", options->out_dir, "Evaluator mode: write signed results here instead of submitting");
  command->add_flag("--grant-on-purchase", options->grant_on_purchase,
                    "Grant every version to the buyer of each purchase of the repository's listings");
  command->add_option("--key", options->key, "The key that signs evaluator mode's results and the grants");
  command->add_flag("--once", options->once, "Deliver what is confirmed now, then exit");
  command->add_option("--confirmations", options->confirmations, "Act on events this many blocks deep")
      ->check(positive_whole_number);
  command->add_option("--from-block", options->from_block, "Start (or restart) from this block")->check(whole_number);
  command->add_option("--log-format", options->log_format, "text (default) or json");
  command->add_option("--poll", options->poll_seconds, "Seconds between polls of the node (default 1)");
  command
      ->add_option("--retries", options->retries, "Retries of a failing handler before its event is parked (default 5)")
      ->check(whole_number);
  command->add_option("--retry-delay", options->retry_delay_seconds,
                      "Seconds before the first retry, doubled each time up to 60 (default 1)");
  command->callback([options, &context] { run_watch(*options, context); });
}

}  // namespace mlchain::cli
