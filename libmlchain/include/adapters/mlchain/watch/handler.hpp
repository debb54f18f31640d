#pragma once
// Whatever acts on an event: a shell command (`--on EVENT=CMD`), or the evaluator of evaluator mode. The
// watcher retries a handler that fails and parks the event when it keeps failing (docs/format.md
// "Watch events"), so a handler reports failure rather than throwing it away.

#include <string>
#include <string_view>

#include "mlchain/result.hpp"
#include "mlchain/watch/event.hpp"

namespace mlchain::watch {

enum class LogLevel { info, warning, error };

// The watcher's log: its own lines, and each line a handler printed, tagged with the event's id.
class WatchLog {
 public:
  virtual ~WatchLog() = default;
  virtual void write(LogLevel level, std::string_view message, std::string_view event_id = {}) = 0;
  virtual void output(std::string_view event_id, std::string_view line) = 0;
};

struct HandlerOutcome {
  bool succeeded = false;
  std::string failure;  // one line when it failed: "exited with 3", "killed by signal 9", a refusal
  std::string output;   // the last of what it printed (kept when the event is parked)
};

class Handler {
 public:
  virtual ~Handler() = default;
  // `attempt` counts from 1. An Error is a failure like any other, retried then parked.
  virtual Result<HandlerOutcome> run(const WatchEvent& event, unsigned attempt, WatchLog& log) = 0;
  // What it runs, for the log and the parked file.
  virtual std::string describe() const = 0;
};

}  // namespace mlchain::watch
