#include "mlchain/watch/watcher.hpp"

#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "mlchain/codec/hex.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/util/utc_time.hpp"

namespace mlchain::watch {
namespace {

using json = nlohmann::ordered_json;
using std::chrono::milliseconds;

// Above this many logs in one eth_getLogs answer, the next range is halved.
constexpr std::size_t max_logs_per_range = 1000;

bool covered(const Position& position, std::uint64_t block, std::uint64_t log_index) {
  if (block != position.block) return block < position.block;
  return !position.log_index || log_index <= *position.log_index;
}

// The handler registered for `name`, or null: an event without one is passed over.
Handler* handler_for(const std::map<std::string, Handler*>& handlers, std::string_view name) {
  const auto found = handlers.find(std::string(name));
  return found == handlers.end() ? nullptr : found->second;
}

}  // namespace

std::string seconds_text(milliseconds duration) {
  const auto tenths = duration.count() / 100;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
}

bool wait_unless_stopped(core::Clock& clock, StopSignal& stop, milliseconds duration,
                         const std::function<void()>& between) {
  const auto end = clock.now() + duration;
  for (;;) {
    if (stop.stop_requested()) return false;
    if (between) between();
    const auto now = clock.now();
    if (now >= end) return true;
    clock.sleep_for(std::min<milliseconds>(milliseconds(100), std::chrono::duration_cast<milliseconds>(end - now)));
  }
}

Watcher::Watcher(ChainSource& chain, WatchDirectory directory, std::map<std::string, Handler*> handlers,
                 WatchOptions options, core::Clock& clock, StopSignal& stop, WatchLog& log)
    : chain_(chain),
      directory_(std::move(directory)),
      handlers_(std::move(handlers)),
      options_(options),
      clock_(clock),
      stop_(stop),
      log_(log) {
  options_.confirmations = std::max<std::uint64_t>(options_.confirmations, 1);
  options_.max_range = std::max<std::uint64_t>(options_.max_range, 1);
  // Ranges start at one block and double while their answers stay small, so that catching up on a busy
  // history never holds more than about max_logs_per_range logs at once, however many there are in all.
  range_ = 1;
}

std::vector<codec::Address> Watcher::followed() const {
  std::vector<codec::Address> contracts{cursor_.target.registry};
  for (const auto& governance : cursor_.governances) contracts.push_back(governance);
  return contracts;
}

void Watcher::follow_catalogue(const codec::Address& catalogue, ListingRepository repository_of) {
  catalogue_ = catalogue;
  repository_of_ = std::move(repository_of);
}

Result<std::vector<eth::Log>> Watcher::read_logs(std::uint64_t from, std::uint64_t to) {
  const auto contracts = followed();
  MLCHAIN_TRY(auto logs, chain_.logs(contracts, watch_topics(cursor_.target.repo), from, to));
  if (!catalogue_) return logs;
  // The catalogue's purchases are indexed by listing, not by repository: all of them are read, and those
  // of other repositories' listings are passed over once their listing is looked up.
  const std::vector<codec::Address> catalogue{*catalogue_};
  MLCHAIN_TRY(auto purchases, chain_.logs(catalogue, catalogue_watch_topics(), from, to));
  std::move(purchases.begin(), purchases.end(), std::back_inserter(logs));
  return logs;
}

Result<LogMeaning> Watcher::interpret(const eth::Log& log) {
  if (catalogue_ && log.address == *catalogue_) {
    const ListingRepository cached = [this](std::string_view listing) -> Result<std::string> {
      const auto known = listing_repositories_.find(std::string(listing));
      if (known != listing_repositories_.end()) return known->second;
      MLCHAIN_TRY(std::string repo, repository_of_(listing));
      listing_repositories_.emplace(std::string(listing), repo);
      return repo;
    };
    auto meaning = interpret_catalogue_log(log, cursor_.target, cached);
    if (!meaning && meaning.error().kind == ErrorKind::invalid_input)
      return make_error(ErrorKind::remote_unavailable,
                        chain_.describe() + " answered eth_getLogs with " + meaning.error().message);
    return meaning;
  }
  auto meaning = interpret_log(log, cursor_.target);
  if (!meaning)
    return make_error(ErrorKind::remote_unavailable,
                      chain_.describe() + " answered eth_getLogs with " + meaning.error().message);
  return meaning;
}

bool Watcher::wait(milliseconds duration) {
  return wait_unless_stopped(clock_, stop_, duration, [this] {
    if (stop_.take_health_request()) report_health();
  });
}

void Watcher::report_health() {
  std::string line = "health: at block " + std::to_string(cursor_.position.block);
  if (cursor_.position.log_index) line += " log " + std::to_string(*cursor_.position.log_index);
  if (last_head_) {
    line += ", head " + std::to_string(*last_head_) + ", lag " +
            std::to_string(*last_head_ > cursor_.position.block ? *last_head_ - cursor_.position.block : 0) + " blocks";
  }
  line += ", delivered " + std::to_string(summary_.delivered) + ", parked " + std::to_string(summary_.parked) +
          ", last error: " + (last_error_.empty() ? "none" : last_error_);
  log_.write(LogLevel::info, line);
}

Status Watcher::write_status(std::optional<std::uint64_t> head, const std::string& last_error) {
  json document{
      {"pid", static_cast<long>(::getpid())},
      {"updated", util::utc_timestamp_now()},
      {"repo", cursor_.target.repo},
      {"block", cursor_.position.block},
      {"log_index", cursor_.position.log_index ? json(*cursor_.position.log_index) : json(nullptr)},
      {"head", head ? json(*head) : json(nullptr)},
      {"lag", head ? json(*head > cursor_.position.block ? *head - cursor_.position.block : 0) : json(nullptr)},
      {"delivered", summary_.delivered},
      {"parked", summary_.parked},
      {"reverted", summary_.reverted},
      {"last_error", last_error.empty() ? json(nullptr) : json(last_error)}};
  const std::string text = document.dump(1) + "\n";
  return fs::write_file_atomically(directory_.status(), as_bytes(text));
}

Status Watcher::park(const WatchEvent& event, const Handler& handler, unsigned attempts, const HandlerOutcome& last) {
  std::error_code error;
  std::filesystem::create_directories(directory_.failed(), error);
  if (error)
    return make_error(ErrorKind::internal, "cannot create " + directory_.failed().string() + ": " + error.message());
  const json document{
      {"event", json::parse(event.json)}, {"handler", handler.describe()}, {"attempts", attempts},
      {"failure", last.failure},          {"output", last.output},         {"parked", util::utc_timestamp_now()}};
  const auto file = directory_.failed() /
                    (std::to_string(event.block) + "-" + std::to_string(event.log_index) + "-" + event.name + ".json");
  const std::string text = document.dump(1) + "\n";
  MLCHAIN_TRY_STATUS(fs::write_file_atomically(file, as_bytes(text)));
  log_.write(
      LogLevel::error,
      event.name + " parked after " + std::to_string(attempts) + " attempts (" + last.failure + "): " + file.string(),
      event.id);
  return {};
}

Result<bool> Watcher::deliver(const WatchEvent& event) {
  Handler* const registered = handler_for(handlers_, event.name);
  if (registered == nullptr) return true;
  Handler& handler = *registered;
  milliseconds delay = options_.retry_delay;
  const unsigned attempts = options_.retries + 1;
  for (unsigned attempt = 1;; ++attempt) {
    log_.write(LogLevel::info,
               event.name + " block " + std::to_string(event.block) +
                   (event.commit ? " " + event.commit->to_string() : "") +
                   (attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : ""),
               event.id);
    auto outcome = handler.run(event, attempt, log_);
    HandlerOutcome last = outcome ? std::move(outcome).value() : HandlerOutcome{false, outcome.error().message, {}};
    if (last.succeeded) {
      ++summary_.delivered;
      return true;
    }
    if (attempt >= attempts) {
      MLCHAIN_TRY_STATUS(park(event, handler, attempt, last));
      ++summary_.parked;
      return true;
    }
    log_.write(LogLevel::warning,
               event.name + " handler failed (" + last.failure + "), attempt " + std::to_string(attempt) + " of " +
                   std::to_string(attempts) + "; retrying in " + seconds_text(delay),
               event.id);
    if (!wait(delay)) return false;
    delay = std::min(delay * 2, options_.max_retry_delay);
  }
}

Result<bool> Watcher::rewind_after_reorg(std::uint64_t head) {
  std::optional<Position> ancestor;
  for (auto checkpoint = cursor_.checkpoints.rbegin(); checkpoint != cursor_.checkpoints.rend(); ++checkpoint) {
    if (checkpoint->block > head) continue;
    MLCHAIN_TRY(const auto hash, chain_.block_hash(checkpoint->block));
    if (hash && *hash == checkpoint->block_hash) {
      ancestor = *checkpoint;
      break;
    }
  }
  if (!ancestor) {
    const std::uint64_t oldest =
        cursor_.checkpoints.empty() ? cursor_.position.block : cursor_.checkpoints.front().block;
    // Never beyond the head: a chain started afresh (a test node restarted) is read from where it is.
    ancestor = Position{std::min(oldest > 0 ? oldest - 1 : 0, head), {}, std::nullopt};
    log_.write(LogLevel::error, "reorg deeper than the " + std::to_string(cursor_.checkpoints.size()) +
                                    " blocks the cursor remembers: rewinding to block " +
                                    std::to_string(ancestor->block) + "; events after it may be delivered again");
  }
  log_.write(LogLevel::warning, "reorg: block " + std::to_string(cursor_.position.block) +
                                    " is no longer on the chain; rewinding to block " +
                                    std::to_string(ancestor->block));
  Cursor rewound = cursor_;
  const auto undone = rewound.rewind_to(*ancestor);
  // Which undone events the chain still holds, confirmed: those are not delivered again. One back only in
  // a block not yet confirmed counts as reverted (and is delivered again once confirmed): the cursor does
  // not stand on that block, so nothing would notice a later reorg taking it away again.
  std::set<std::string> on_chain;
  const std::uint64_t confirmed = head + 1 >= options_.confirmations ? head + 1 - options_.confirmations : 0;
  if (!undone.empty() && ancestor->block + 1 <= confirmed) {
    for (std::uint64_t from = ancestor->block + 1; from <= confirmed; from += range_) {
      const std::uint64_t to = std::min(confirmed, from + range_ - 1);
      MLCHAIN_TRY(const auto logs, read_logs(from, to));
      for (const auto& log : logs)
        if (!log.removed) on_chain.insert(event_id(log.transaction_hash, log.log_index));
    }
  }
  std::vector<WatchEvent> reverted;
  for (const auto& event : undone)
    if (!on_chain.contains(event.id)) reverted.push_back(event);
  // The cursor on disk still stands before the reorg until every reverted event is handled: a watcher
  // killed meanwhile finds the reorg again and hands them over again (at least once).
  for (const auto& event : reverted) {
    const auto notice = reverted_event(event);
    if (handler_for(handlers_, reverted_event_name) != nullptr) {
      MLCHAIN_TRY(const bool handled, deliver(notice));
      if (!handled) return false;
    } else {
      log_.write(LogLevel::warning, event.name + " was reverted by a reorg (no reverted handler)", event.id);
    }
    ++summary_.reverted;
  }
  std::erase_if(rewound.delivered, [&](const WatchEvent& event) {
    return std::any_of(reverted.begin(), reverted.end(), [&](const WatchEvent& gone) { return gone.id == event.id; });
  });
  cursor_ = std::move(rewound);
  MLCHAIN_TRY_STATUS(save_cursor(directory_.cursor(), cursor_));
  return true;
}

Result<Watcher::Step> Watcher::step() {
  MLCHAIN_TRY(const std::uint64_t head, chain_.head());
  last_head_ = head;
  const bool known_hash = cursor_.position.block_hash != eth::Hash{};
  if (known_hash) {
    std::optional<eth::Hash> hash;
    if (cursor_.position.block <= head) {
      MLCHAIN_TRY(hash, chain_.block_hash(cursor_.position.block));
    }
    if (hash != cursor_.position.block_hash) {
      MLCHAIN_TRY(const bool rewound, rewind_after_reorg(head));
      if (!rewound) return Step::stopped;
    }
  }
  if (head + 1 < options_.confirmations) return Step::caught_up;
  const std::uint64_t confirmed = head + 1 - options_.confirmations;
  const Position& position = cursor_.position;
  // A cursor edited to the last block number there is has nothing after it; block + 1 would wrap to 0
  // and carry the cursor back to the start of the chain.
  if (!position.log_index && position.block == std::numeric_limits<std::uint64_t>::max()) return Step::caught_up;
  const std::uint64_t from = position.log_index ? position.block : position.block + 1;
  if (from > confirmed) return Step::caught_up;
  const std::uint64_t to = std::min(confirmed, from + range_ - 1);

  MLCHAIN_TRY(const auto hash_before, chain_.block_hash(to));
  auto contracts = followed();
  if (catalogue_) contracts.push_back(*catalogue_);
  auto fetched = read_logs(from, to);
  if (!fetched) {
    range_ = std::max<std::uint64_t>(range_ / 2, 1);
    return fetched.error();
  }
  // The node's answer is held whole: a range that held many logs is read in smaller pieces next time.
  if (fetched->size() > max_logs_per_range)
    range_ = std::max<std::uint64_t>(range_ / 2, 1);
  else
    range_ = std::min(range_ * 2, options_.max_range);
  MLCHAIN_TRY(const auto hash_after, chain_.block_hash(to));
  // A reorg while the logs were read: they may mix two chains; read them again next time.
  if (!hash_before || hash_before != hash_after) return Step::unsettled;

  auto logs = std::move(fetched).value();
  std::erase_if(logs, [](const eth::Log& log) { return log.removed; });
  std::sort(logs.begin(), logs.end(), [](const eth::Log& a, const eth::Log& b) {
    return std::tie(a.block_number, a.log_index) < std::tie(b.block_number, b.log_index);
  });
  bool handed = false;
  for (const auto& log : logs) {
    if (std::find(contracts.begin(), contracts.end(), log.address) == contracts.end())
      return make_error(ErrorKind::remote_unavailable, chain_.describe() + " answered eth_getLogs with a log of " +
                                                           codec::to_checksum_address(log.address) +
                                                           ", which the filter does not name");
    if (covered(cursor_.position, log.block_number, log.log_index)) continue;
    MLCHAIN_TRY(const auto meaning, interpret(log));
    const Position here{log.block_number, log.block_hash, log.log_index};
    if (const auto* moved = std::get_if<GovernanceMoved>(&meaning)) {
      // The governance the owner chose is the one followed from this log on (man/mlchain-watch.1): one
      // it replaced or dropped may still emit events for the repository, and they decide nothing.
      std::vector<codec::Address> governances;
      if (moved->governance != codec::Address{}) governances.push_back(moved->governance);
      if (governances != cursor_.governances) {
        log_.write(LogLevel::info, moved->governance != codec::Address{}
                                       ? "following governance " + codec::to_checksum_address(moved->governance)
                                       : std::string("the repository has no governance any more"));
        cursor_.governances = std::move(governances);
        // The rest of this range was read for the contracts followed before: read it again from this log on
        // (every log before it is handled), so that what the new one emitted before it was named is not
        // delivered.
        cursor_.advance(here);
        MLCHAIN_TRY_STATUS(save_cursor(directory_.cursor(), cursor_));
        return Step::progressed;
      }
    } else if (const auto* event = std::get_if<WatchEvent>(&meaning)) {
      if (cursor_.was_delivered(event->id)) {
        log_.write(LogLevel::info, event->name + " already delivered before a reorg: not again", event->id);
      } else if (handler_for(handlers_, event->name) != nullptr) {
        MLCHAIN_TRY(const bool handled, deliver(*event));
        if (!handled) {
          MLCHAIN_TRY_STATUS(save_cursor(directory_.cursor(), cursor_));
          return Step::stopped;
        }
        // Only an event a handler was given can be reported as reverted ("reverted" is an event already
        // delivered that a reorg removed: docs/format.md "Watch events").
        if (head - event->block < kept_checkpoints) cursor_.remember(*event);
        handed = true;
      }
    }
    cursor_.advance(here);
    // Written after every event a handler was given; one nobody handles only moves it in memory until the
    // range ends, since reading it again after a crash does nothing.
    if (handed || stop_.stop_requested()) {
      MLCHAIN_TRY_STATUS(save_cursor(directory_.cursor(), cursor_));
      handed = false;
    }
    if (stop_.stop_requested()) return Step::stopped;
  }
  cursor_.advance(Position{to, *hash_after, std::nullopt});
  MLCHAIN_TRY_STATUS(save_cursor(directory_.cursor(), cursor_));
  return to >= confirmed ? Step::caught_up : Step::progressed;
}

Result<WatchSummary> Watcher::run(Cursor cursor) {
  cursor_ = std::move(cursor);
  MLCHAIN_TRY_STATUS(save_cursor(directory_.cursor(), cursor_));
  milliseconds node_backoff = options_.poll;
  for (;;) {
    if (stop_.stop_requested()) break;
    if (stop_.take_health_request()) report_health();
    auto stepped = step();
    if (!stepped) {
      // The node's call was given up because a stop was asked for: no trouble to report.
      if (stop_.stop_requested()) break;
      const auto& error = stepped.error();
      const bool node_trouble = error.kind == ErrorKind::remote_unavailable || error.kind == ErrorKind::timeout;
      if (!node_trouble) return error;
      last_error_ = error.message;
      if (options_.once) return error;
      log_.write(LogLevel::warning, error.message + "; retrying in " + seconds_text(node_backoff));
      MLCHAIN_TRY_STATUS(write_status(last_head_, last_error_));
      if (!wait(node_backoff)) break;
      node_backoff = std::min(node_backoff * 2, options_.max_node_backoff);
      continue;
    }
    if (!last_error_.empty()) {
      log_.write(LogLevel::info, "the node answers again");
      last_error_.clear();
    }
    node_backoff = options_.poll;
    MLCHAIN_TRY_STATUS(write_status(last_head_, last_error_));
    if (*stepped == Step::stopped) break;
    if (*stepped == Step::caught_up && options_.once) break;
    if (*stepped != Step::progressed && !wait(options_.poll)) break;
  }
  summary_.position = cursor_.position;
  MLCHAIN_TRY_STATUS(write_status(last_head_, last_error_));
  return summary_;
}

}  // namespace mlchain::watch
