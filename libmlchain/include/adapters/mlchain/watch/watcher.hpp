#pragma once
// The delivery loop of `mlchain watch` (man/mlchain-watch.1 states its guarantees): follows the registry,
// the repository's governance and (when asked) the catalogue's purchases through eth_getLogs in bounded block ranges,
// and hands each event, in chain order and once it is `confirmations` deep, to the handler registered for its name.
//   - At least once: the cursor (watch/cursor.hpp) is written after each event is handled; a handler that
//     fails is retried with doubling delays, then the event is parked in `failed/` and the loop goes on.
//   - Reorgs: the cursor's block hash is checked on every poll; when it changed, the cursor rewinds to
//     the newest block it stood on that is still on the chain, events it delivered that are gone are
//     handed to the "reverted" handler, and those still on the chain are not delivered again.
//   - A node that cannot be reached or answers nonsense is retried with backoff and logged, never fatal
//     (except with `once`, which reports it).
// Everything it waits on goes through a core::Clock and a StopSignal, so tests run it on a clock they
// advance and a chain they reorganize, in milliseconds.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "mlchain/core/clock.hpp"
#include "mlchain/watch/chain_source.hpp"
#include "mlchain/watch/cursor.hpp"
#include "mlchain/watch/handler.hpp"

namespace mlchain::watch {

struct WatchOptions {
  std::uint64_t confirmations = 1;  // an event is handled once head - block + 1 reaches this
  bool once = false;                // handle what is confirmed now, then return
  std::chrono::milliseconds poll{1000};
  unsigned retries = 5;  // after the first attempt, before the event is parked
  std::chrono::milliseconds retry_delay{1000};
  std::chrono::milliseconds max_retry_delay{60'000};
  std::chrono::milliseconds max_node_backoff{30'000};
  // Blocks per eth_getLogs at most: a range starts at one block, doubles after an answer of at most 1,000
  // logs, and is halved after a larger one or a failure.
  std::uint64_t max_range = 2000;
};

// Asked between steps and during every wait: a stop (SIGTERM, SIGINT) ends the loop once the event in
// hand is handled; a health request (SIGUSR1) writes one status line to the log.
class StopSignal {
 public:
  virtual ~StopSignal() = default;
  virtual bool stop_requested() = 0;
  virtual bool take_health_request() = 0;
};

// Sleeps on `clock` up to `duration` in slices of at most 100 ms, calling `between` (if set) before each;
// false when `stop` asked meanwhile. What the loop and anything waiting before it (the first answer of the
// node) wait with.
bool wait_unless_stopped(core::Clock& clock, StopSignal& stop, std::chrono::milliseconds duration,
                         const std::function<void()>& between = {});
// "1.5 s": a delay as the log says it.
std::string seconds_text(std::chrono::milliseconds duration);

// `.mlchain/watch/`: cursor.json, status.json and failed/ (docs/format.md "Watch directory").
struct WatchDirectory {
  std::filesystem::path root;
  std::filesystem::path cursor() const { return root / "cursor.json"; }
  std::filesystem::path status() const { return root / "status.json"; }
  std::filesystem::path failed() const { return root / "failed"; }
};

struct WatchSummary {
  std::uint64_t delivered = 0;
  std::uint64_t parked = 0;
  std::uint64_t reverted = 0;
  Position position;
};

class Watcher {
 public:
  // `handlers` by event name; events without one are passed over (the cursor still moves past them).
  Watcher(ChainSource& chain, WatchDirectory directory, std::map<std::string, Handler*> handlers, WatchOptions options,
          core::Clock& clock, StopSignal& stop, WatchLog& log);

  // Runs from `cursor` until stopped (or, with `once`, caught up). Errors: those of writing the cursor,
  // and with `once` a node that stayed unreachable (remote_unavailable).
  Result<WatchSummary> run(Cursor cursor);

  // Also follows `catalogue`'s purchases of the repository's listings, under the same cursor and reorg
  // rules; `repository_of` tells a purchased listing's repository (asked once per listing and run).
  void follow_catalogue(const codec::Address& catalogue, ListingRepository repository_of);

 private:
  enum class Step {
    caught_up,   // nothing confirmed is left to read
    progressed,  // read a range; more may be waiting
    unsettled,   // the chain moved while a range was read: read it again after a poll interval
    stopped,
  };
  Result<Step> step();
  // False when a stop came while the reverted events were handled.
  Result<bool> rewind_after_reorg(std::uint64_t head);
  // False when a stop came while waiting to retry: the event is left for the next run.
  Result<bool> deliver(const WatchEvent& event);
  Status park(const WatchEvent& event, const Handler& handler, unsigned attempts, const HandlerOutcome& last);
  Status write_status(std::optional<std::uint64_t> head, const std::string& last_error);
  void report_health();
  // Sleeps up to `duration`; false when a stop came meanwhile.
  bool wait(std::chrono::milliseconds duration);
  std::vector<codec::Address> followed() const;
  // The logs of every followed contract in blocks `from` to `to`, in no particular order.
  Result<std::vector<eth::Log>> read_logs(std::uint64_t from, std::uint64_t to);
  Result<LogMeaning> interpret(const eth::Log& log);

  ChainSource& chain_;
  WatchDirectory directory_;
  std::map<std::string, Handler*> handlers_;
  WatchOptions options_;
  core::Clock& clock_;
  StopSignal& stop_;
  WatchLog& log_;
  Cursor cursor_;
  WatchSummary summary_;
  std::uint64_t range_ = 0;
  std::optional<std::uint64_t> last_head_;
  std::string last_error_;
  std::optional<codec::Address> catalogue_;
  ListingRepository repository_of_;
  std::map<std::string, std::string> listing_repositories_;
};

}  // namespace mlchain::watch
