#pragma once
// `--on EVENT=CMD`: runs `/bin/sh -c CMD` in a directory with the event as one JSON line on its stdin and
// as environment variables (watch/event.hpp), and hands each line it prints to the watcher's log. It runs
// in a process group of its own, so a Ctrl-C meant for the watcher lets the handler finish.

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/watch/handler.hpp"

namespace mlchain::watch {

// How much of a handler's output is kept for a parked event (the log has all of it).
inline constexpr std::size_t kept_output_bytes = 64 * 1024;

struct Command {
  std::string text;                                              // for /bin/sh -c
  std::filesystem::path directory;                               // its working directory
  std::vector<std::pair<std::string, std::string>> environment;  // added to the watcher's own
  std::string input;                                             // written to its stdin, which is then closed
  // Set: its stdout is collected here (up to kept_output_bytes; more is a failure) rather than logged.
  std::string* standard_output = nullptr;
};

// Runs `command` to its end, passing each line of its stdout (unless collected) and stderr to `on_line`. The outcome's
// output is the last kept_output_bytes of it. An Error only when it could not be started.
Result<HandlerOutcome> run_command(const Command& command, const std::function<void(std::string_view)>& on_line);

// Kills (SIGKILL) the process group of the command running now, if one runs. Async-signal-safe: for a
// watcher told to stop at once, whose event is then delivered again on restart and must not meet the
// abandoned handler still at work on it.
void kill_running_command();

class ShellHandler final : public Handler {
 public:
  ShellHandler(std::string command, std::filesystem::path directory,
               std::vector<std::pair<std::string, std::string>> environment)
      : command_(std::move(command)), directory_(std::move(directory)), environment_(std::move(environment)) {}
  Result<HandlerOutcome> run(const WatchEvent& event, unsigned attempt, WatchLog& log) override;
  std::string describe() const override { return command_; }

 private:
  std::string command_;
  std::filesystem::path directory_;
  std::vector<std::pair<std::string, std::string>> environment_;
};

}  // namespace mlchain::watch
