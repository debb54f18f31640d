// The watcher's delivery loop (watch/watcher.hpp) on a chain held in memory: chain order, the durable
// cursor, confirmations, reorgs, retries and parking, an unreachable node, and a governance named by the
// registry. The clock is a ManualClock, so retries and backoff take no real time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>
#include <string>
#include <vector>

#include "fakes/manual_clock.hpp"
#include "fakes/memory_chain.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "mlchain/watch/cursor.hpp"
#include "mlchain/watch/event.hpp"
#include "mlchain/watch/watcher.hpp"
#include "temporary_directory.hpp"

namespace watch = mlchain::watch;
using mlchain::ErrorKind;
using mlchain::codec::Address;
using mlchain::eth::registry::Head;
using mlchain::testing::ManualClock;
using mlchain::testing::MemoryChain;
using mlchain::testing::TemporaryDirectory;
using std::chrono::milliseconds;
using std::chrono::seconds;
using json = nlohmann::json;

namespace {

// Constants of this file, parsed before any test runs (where Catch cannot record a failure): one that does
// not parse throws, and the test binary says so at its start.
Address address(std::string_view text) { return mlchain::codec::parse_address(text).value(); }

const Address registry_address = address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const Address governance_address = address("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
const Address other_governance = address("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
const Address catalogue_address = address("0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9");
const Address buyer_address = address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const std::string repo = "models";

// A commit word (the sha2-256 digest of a commit's CID); any non-zero word names a commit.
Head commit_word(std::uint8_t seed) {
  Head word{};
  word.fill(seed);
  return word;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class RecordingLog final : public watch::WatchLog {
 public:
  struct Line {
    watch::LogLevel level;
    std::string message;
    std::string event_id;
  };
  void write(watch::LogLevel level, std::string_view message, std::string_view event_id) override {
    lines.push_back({level, std::string(message), std::string(event_id)});
  }
  void output(std::string_view event_id, std::string_view line) override {
    outputs.emplace_back(std::string(event_id), std::string(line));
  }
  std::size_t count(watch::LogLevel level) const {
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [&](const Line& line) { return line.level == level; }));
  }
  bool mentions(std::string_view text) const {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const Line& line) { return line.message.find(text) != std::string::npos; });
  }

  std::vector<Line> lines;
  std::vector<std::pair<std::string, std::string>> outputs;
};

// Records every run with the cursor on disk at that moment (what a watcher killed there would restart
// from); fails the first `fail_first` runs, and every run of the events in `always_fail`.
class RecordingHandler final : public watch::Handler {
 public:
  struct Run {
    watch::WatchEvent event;
    unsigned attempt = 0;
    std::optional<watch::Position> cursor_on_disk;
  };

  explicit RecordingHandler(std::filesystem::path cursor_file = {}) : cursor_file_(std::move(cursor_file)) {}

  mlchain::Result<watch::HandlerOutcome> run(const watch::WatchEvent& event, unsigned attempt,
                                             watch::WatchLog& log) override {
    Run record{event, attempt, std::nullopt};
    if (!cursor_file_.empty()) {
      auto loaded = watch::load_cursor(cursor_file_);
      REQUIRE(loaded.ok());
      if (*loaded) record.cursor_on_disk = (*loaded)->position;
    }
    runs.push_back(record);
    if (before_outcome) before_outcome(event);
    if (runs.size() <= fail_first || always_fail.contains(event.id))
      return watch::HandlerOutcome{false, "exited with 1", "boom " + event.id};
    log.output(event.id, "handled " + event.name);
    ++successes;
    return watch::HandlerOutcome{true, "", "handled " + event.name};
  }
  std::string describe() const override { return "recording handler"; }

  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& run : runs) out.push_back(run.event.id);
    return out;
  }

  std::size_t fail_first = 0;
  std::set<std::string> always_fail;
  std::function<void(const watch::WatchEvent&)> before_outcome;
  std::vector<Run> runs;
  std::size_t successes = 0;

 private:
  std::filesystem::path cursor_file_;
};

// Stops when `condition` holds. A loop that never ends fails the test (`runaway`) instead of hanging it.
class StopWhen final : public watch::StopSignal {
 public:
  explicit StopWhen(std::function<bool()> condition = {}) : condition_(std::move(condition)) {}
  bool stop_requested() override {
    if (++checks_ > 1'000'000) {
      runaway = true;
      return true;
    }
    return condition_ && condition_();
  }
  bool take_health_request() override { return std::exchange(health_requested, false); }
  bool runaway = false;
  bool health_requested = false;

 private:
  std::function<bool()> condition_;
  std::uint64_t checks_ = 0;
};

watch::WatchOptions once_options(std::uint64_t confirmations = 1) {
  watch::WatchOptions options;
  options.once = true;
  options.confirmations = confirmations;
  options.retries = 2;
  options.retry_delay = seconds(1);
  return options;
}

// One chain, one watch directory, one clock and log: what a watcher needs around it.
struct Rig {
  TemporaryDirectory temporary;
  MemoryChain chain{registry_address, repo};
  ManualClock clock;
  RecordingLog log;
  watch::WatchDirectory directory{temporary.path / "watch"};
  watch::WatchTarget target{31337, registry_address, repo};
  // Set: the watcher follows catalogue_address too, its listings' repositories told by this.
  watch::ListingRepository listings;

  Rig() { std::filesystem::create_directories(directory.root); }

  // A cursor that stands after block 0: every event the chain holds is ahead of it.
  watch::Cursor start() const {
    watch::Cursor cursor;
    cursor.target = target;
    cursor.position = watch::Position{0, chain.blocks().front().hash, std::nullopt};
    cursor.checkpoints = {cursor.position};
    return cursor;
  }

  watch::Cursor on_disk() const {
    auto loaded = watch::load_cursor(directory.cursor());
    REQUIRE(loaded.ok());
    REQUIRE(loaded->has_value());
    return **loaded;
  }

  mlchain::Result<watch::WatchSummary> run(watch::Cursor cursor, std::map<std::string, watch::Handler*> handlers,
                                           watch::WatchOptions options, StopWhen&& stop = StopWhen()) {
    return run_with(std::move(cursor), std::move(handlers), options, stop);
  }
  mlchain::Result<watch::WatchSummary> run_with(watch::Cursor cursor, std::map<std::string, watch::Handler*> handlers,
                                                watch::WatchOptions options, StopWhen& stop) {
    watch::Watcher watcher(chain, directory, std::move(handlers), options, clock, stop, log);
    if (listings) watcher.follow_catalogue(catalogue_address, listings);
    auto summary = watcher.run(std::move(cursor));
    CHECK_FALSE(stop.runaway);
    return summary;
  }
};

watch::Position position_of(const mlchain::eth::Log& log) {
  return watch::Position{log.block_number, log.block_hash, log.log_index};
}

std::string id_of(const mlchain::eth::Log& log) { return watch::event_id(log.transaction_hash, log.log_index); }

// The logs of the chain's block `number`, as mined.
const std::vector<mlchain::eth::Log>& logs_of(const MemoryChain& chain, std::uint64_t number) {
  return chain.blocks().at(number).logs;
}

}  // namespace

TEST_CASE("watch: three pushes are delivered in chain order, the cursor after each names it, and once only",
          "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.push("dev", commit_word(2));
  rig.chain.mine();
  rig.chain.mine();
  rig.chain.push("main", commit_word(3), commit_word(1));
  rig.chain.mine();
  const auto first = logs_of(rig.chain, 1)[0];
  const auto second = logs_of(rig.chain, 1)[1];
  const auto third = logs_of(rig.chain, 3)[0];

  RecordingHandler pushed(rig.directory.cursor());
  // Stopped right after the third delivery: the cursor on disk is the one written for it.
  auto summary = rig.run(rig.start(), {{"pushed", &pushed}}, once_options(),
                         StopWhen([&] { return pushed.successes >= 3; }));
  REQUIRE(summary.ok());
  CHECK(summary->delivered == 3);
  REQUIRE(pushed.runs.size() == 3);
  CHECK(pushed.ids() == std::vector<std::string>{id_of(first), id_of(second), id_of(third)});
  CHECK(pushed.runs[0].event.name == "pushed");
  CHECK(pushed.runs[0].event.branch == std::optional<std::string>("main"));
  CHECK(pushed.runs[1].event.branch == std::optional<std::string>("dev"));
  CHECK(pushed.runs[2].event.block == 3);
  CHECK(json::parse(pushed.runs[2].event.json)["previous"] == json::parse(pushed.runs[0].event.json)["commit"]);
  // While each event is handled, the cursor on disk names the one before it, or the end of the range (here
  // the first block) that held it; after the last, the last.
  CHECK(pushed.runs[0].cursor_on_disk == rig.start().position);
  CHECK(pushed.runs[1].cursor_on_disk == position_of(first));
  CHECK(pushed.runs[2].cursor_on_disk == watch::Position{second.block_number, second.block_hash, std::nullopt});
  CHECK(rig.on_disk().position == position_of(third));

  // A second watcher from the cursor on disk delivers nothing again.
  auto again = rig.run(rig.on_disk(), {{"pushed", &pushed}}, once_options());
  REQUIRE(again.ok());
  CHECK(again->delivered == 0);
  CHECK(pushed.runs.size() == 3);
  CHECK(rig.on_disk().position == watch::Position{3, rig.chain.blocks()[3].hash, std::nullopt});
}

TEST_CASE("watch: a watcher stopped or killed while delivering, restarted from its cursor, loses nothing",
          "[watch]") {
  Rig rig;
  for (std::uint8_t n = 1; n <= 4; ++n) {
    rig.chain.push("main", commit_word(n));
    rig.chain.mine();
  }
  std::vector<std::string> all;
  for (std::uint64_t block = 1; block <= 4; ++block) all.push_back(id_of(logs_of(rig.chain, block)[0]));

  SECTION("stopped after the second delivery") {
    RecordingHandler pushed;
    auto stopped = rig.run(rig.start(), {{"pushed", &pushed}}, once_options(),
                           StopWhen([&] { return pushed.successes >= 2; }));
    REQUIRE(stopped.ok());
    CHECK(pushed.runs.size() == 2);
    auto resumed = rig.run(rig.on_disk(), {{"pushed", &pushed}}, once_options());
    REQUIRE(resumed.ok());
    CHECK(pushed.ids() == all);
  }
  SECTION("killed while the second event was being handled") {
    // What a kill -9 leaves: the cursor as it was on disk when the handler started.
    const auto snapshot = rig.temporary.path / "cursor-at-kill.json";
    RecordingHandler pushed;
    pushed.before_outcome = [&](const watch::WatchEvent& event) {
      if (event.id == all[1]) std::filesystem::copy_file(rig.directory.cursor(), snapshot);
    };
    REQUIRE(rig.run(rig.start(), {{"pushed", &pushed}}, once_options(),
                    StopWhen([&] { return pushed.successes >= 3; }))
                .ok());
    auto loaded = watch::load_cursor(snapshot);
    REQUIRE(loaded.ok());
    REQUIRE(loaded->has_value());
    RecordingHandler restarted;
    REQUIRE(rig.run(**loaded, {{"pushed", &restarted}}, once_options()).ok());
    // The in-flight event comes again, with the same id; nothing else does, and nothing is lost.
    CHECK(pushed.ids() == std::vector<std::string>{all[0], all[1], all[2]});
    CHECK(restarted.ids() == std::vector<std::string>{all[1], all[2], all[3]});
    std::set<std::string> delivered;
    for (const auto& id : pushed.ids()) delivered.insert(id);
    for (const auto& id : restarted.ids()) delivered.insert(id);
    CHECK(delivered == std::set<std::string>(all.begin(), all.end()));
  }
}

TEST_CASE("watch: with two confirmations an event in the head block waits for the next block", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  RecordingHandler pushed;
  REQUIRE(rig.run(rig.start(), {{"pushed", &pushed}}, once_options(2)).ok());
  CHECK(pushed.runs.empty());
  CHECK(rig.on_disk().position == rig.start().position);

  rig.chain.mine();
  REQUIRE(rig.run(rig.on_disk(), {{"pushed", &pushed}}, once_options(2)).ok());
  REQUIRE(pushed.runs.size() == 1);
  CHECK(pushed.runs[0].event.block == 1);
  CHECK(rig.on_disk().position.block == 1);
}

TEST_CASE("watch: a reorg reports the dropped events as reverted, once, and does not redeliver re-included ones",
          "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.push("main", commit_word(2), commit_word(1));
  rig.chain.mine();
  rig.chain.push("main", commit_word(3), commit_word(2));
  rig.chain.push("dev", commit_word(4));
  rig.chain.mine();
  const auto included_again = logs_of(rig.chain, 2)[0];
  const auto dropped = logs_of(rig.chain, 3);

  RecordingHandler pushed;
  RecordingHandler reverted;
  const std::map<std::string, watch::Handler*> handlers{{"pushed", &pushed}, {"reverted", &reverted}};
  REQUIRE(rig.run(rig.start(), handlers, once_options()).ok());
  REQUIRE(pushed.runs.size() == 4);

  // Blocks 2 and 3 replaced: the second push is mined again (same transaction, same log index), the two of
  // block 3 are gone, another push takes their place, and the new chain is longer.
  rig.chain.reorganize(2);
  rig.chain.include(included_again);
  rig.chain.mine();
  rig.chain.push("main", commit_word(5), commit_word(2));
  rig.chain.mine();
  rig.chain.mine();
  REQUIRE(id_of(logs_of(rig.chain, 2)[0]) == id_of(included_again));
  REQUIRE(logs_of(rig.chain, 2)[0].block_hash != included_again.block_hash);
  const auto replacement = logs_of(rig.chain, 3)[0];

  auto summary = rig.run(rig.on_disk(), handlers, once_options());
  REQUIRE(summary.ok());
  CHECK(summary->reverted == 2);
  CHECK(reverted.ids() == std::vector<std::string>{id_of(dropped[0]), id_of(dropped[1])});
  REQUIRE(pushed.runs.size() == 5);
  CHECK(pushed.runs[4].event.id == id_of(replacement));
  CHECK(pushed.runs[4].event.block_hash == rig.chain.blocks()[3].hash);
  REQUIRE(reverted.runs.size() == 2);
  const auto& notice = reverted.runs[0].event;
  CHECK(notice.name == "reverted");
  const auto document = json::parse(notice.json);
  CHECK(document["event"] == "reverted");
  CHECK(document["id"] == id_of(dropped[0]));
  CHECK(document["reverted"]["event"] == "pushed");
  CHECK(document["reverted"]["block"] == 3);
  CHECK(document["reverted"]["block_hash"] == mlchain::codec::to_0x_hex(dropped[0].block_hash));
  CHECK(document["reverted"]["branch"] == "main");
  CHECK(json::parse(reverted.runs[1].event.json)["reverted"]["branch"] == "dev");
  CHECK(rig.log.mentions("reorg: block 3 is no longer on the chain; rewinding to block 1"));
  CHECK(rig.on_disk().position == watch::Position{4, rig.chain.blocks()[4].hash, std::nullopt});

  // Nothing of it comes again.
  auto again = rig.run(rig.on_disk(), handlers, once_options());
  REQUIRE(again.ok());
  CHECK(pushed.runs.size() == 5);
  CHECK(reverted.runs.size() == 2);
}

TEST_CASE("watch: a reorg to a shorter chain reverts the events beyond it", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.push("main", commit_word(2), commit_word(1));
  rig.chain.mine();
  rig.chain.mine();
  const auto dropped = logs_of(rig.chain, 2)[0];
  RecordingHandler pushed;
  RecordingHandler reverted;
  const std::map<std::string, watch::Handler*> handlers{{"pushed", &pushed}, {"reverted", &reverted}};
  REQUIRE(rig.run(rig.start(), handlers, once_options()).ok());
  REQUIRE(pushed.runs.size() == 2);

  rig.chain.reorganize(2);  // head 1: the cursor's block 3 is no longer there
  REQUIRE(rig.run(rig.on_disk(), handlers, once_options()).ok());
  REQUIRE(reverted.ids() == std::vector<std::string>{id_of(dropped)});
  CHECK(rig.on_disk().position == watch::Position{1, rig.chain.blocks()[1].hash, std::nullopt});

  // The same push mined again later is a new delivery: it was reverted.
  rig.chain.include(dropped);
  rig.chain.mine();
  REQUIRE(rig.run(rig.on_disk(), handlers, once_options()).ok());
  CHECK(pushed.ids() == std::vector<std::string>{id_of(logs_of(rig.chain, 1)[0]), id_of(dropped), id_of(dropped)});
  CHECK(reverted.runs.size() == 1);
}

TEST_CASE("watch: with two confirmations a delivered event re-included in a block not yet confirmed, then "
          "dropped, is reported as reverted",
          "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.push("main", commit_word(2), commit_word(1));
  rig.chain.mine();
  rig.chain.mine();
  const auto moved = logs_of(rig.chain, 2)[0];
  RecordingHandler pushed;
  RecordingHandler reverted;
  const std::map<std::string, watch::Handler*> handlers{{"pushed", &pushed}, {"reverted", &reverted}};
  REQUIRE(rig.run(rig.start(), handlers, once_options(2)).ok());
  REQUIRE(pushed.runs.size() == 2);

  rig.chain.reorganize(2);  // the second push comes back in the head block, one deep
  rig.chain.mine();
  rig.chain.include(moved);
  rig.chain.mine();
  REQUIRE(rig.run(rig.on_disk(), handlers, once_options(2)).ok());

  SECTION("and dropped again before it was confirmed") {
    rig.chain.reorganize(1);
    rig.chain.mine();
    rig.chain.mine();
    REQUIRE(rig.run(rig.on_disk(), handlers, once_options(2)).ok());
    CHECK(reverted.ids() == std::vector<std::string>{id_of(moved)});
    CHECK(pushed.runs.size() == 2);
  }
  SECTION("and confirmed: reverted, then delivered again (at least once)") {
    rig.chain.mine();
    REQUIRE(rig.run(rig.on_disk(), handlers, once_options(2)).ok());
    CHECK(reverted.ids() == std::vector<std::string>{id_of(moved)});
    CHECK(pushed.ids() == std::vector<std::string>{id_of(logs_of(rig.chain, 1)[0]), id_of(moved), id_of(moved)});
  }
}

TEST_CASE("watch: an event no handler was given is not reported as reverted when a reorg drops it", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.promote(governance_address, "production", commit_word(1));
  rig.chain.mine();
  watch::Cursor cursor = rig.start();
  cursor.governances = {governance_address};
  RecordingHandler promoted;
  RecordingHandler reverted;
  const std::map<std::string, watch::Handler*> handlers{{"promoted", &promoted}, {"reverted", &reverted}};
  REQUIRE(rig.run(cursor, handlers, once_options()).ok());
  REQUIRE(promoted.runs.size() == 1);

  rig.chain.reorganize(2);  // both the push (passed over: no pushed handler) and the promotion are gone
  rig.chain.mine();
  rig.chain.mine();
  REQUIRE(rig.run(rig.on_disk(), handlers, once_options()).ok());
  CHECK(reverted.ids() == std::vector<std::string>{promoted.runs[0].event.id});
}

TEST_CASE("watch: a reorg deeper than the cursor remembers rewinds to before its oldest block and says so",
          "[watch]") {
  Rig rig;
  const std::uint64_t blocks = watch::kept_checkpoints + 2;
  for (std::uint64_t n = 1; n <= blocks; ++n) {
    rig.chain.push("main", commit_word(static_cast<std::uint8_t>(n)));
    rig.chain.mine();
  }
  RecordingHandler pushed;
  RecordingHandler reverted;
  const std::map<std::string, watch::Handler*> handlers{{"pushed", &pushed}, {"reverted", &reverted}};
  REQUIRE(rig.run(rig.start(), handlers, once_options()).ok());
  REQUIRE(pushed.runs.size() == blocks);
  const auto remembered = rig.on_disk();
  REQUIRE(remembered.checkpoints.size() == watch::kept_checkpoints);
  const std::uint64_t oldest = remembered.checkpoints.front().block;

  rig.chain.reorganize(blocks);
  for (std::uint64_t n = 0; n <= blocks; ++n) rig.chain.mine();
  REQUIRE(rig.run(rig.on_disk(), handlers, once_options()).ok());
  CHECK(rig.log.mentions("reorg deeper than the 128 blocks the cursor remembers: rewinding to block " +
                         std::to_string(oldest - 1)));
  // Every delivery it remembers is reported; the older ones it cannot know of.
  REQUIRE(reverted.runs.size() == blocks - oldest + 1);
  CHECK(reverted.runs.front().event.block == oldest);
  CHECK(reverted.runs.back().event.block == blocks);
  CHECK(pushed.runs.size() == blocks);
  CHECK(rig.on_disk().position.block == blocks + 1);
  CHECK(rig.on_disk().position.block_hash == rig.chain.blocks().back().hash);
}

TEST_CASE("watch: a log the node answers that does not decode is the node's fault", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  MemoryChain elsewhere(registry_address, repo);  // only to make the log that is then damaged
  auto log = elsewhere.push("main", commit_word(2), commit_word(1));
  log.data.resize(log.data.size() - 1);
  rig.chain.include(log);
  rig.chain.mine();
  REQUIRE(id_of(logs_of(rig.chain, 2)[0]) != id_of(logs_of(rig.chain, 1)[0]));
  RecordingHandler pushed;
  auto summary = rig.run(rig.start(), {{"pushed", &pushed}}, once_options());
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.error().kind == ErrorKind::remote_unavailable);
  CHECK(summary.error().message.find("memory://chain") != std::string::npos);
  CHECK(summary.error().message.find(id_of(logs_of(rig.chain, 2)[0])) != std::string::npos);
  // What came before it is delivered, and the cursor stands after it (at the end of its block's range).
  const auto before = logs_of(rig.chain, 1)[0];
  CHECK(pushed.ids() == std::vector<std::string>{id_of(before)});
  CHECK(rig.on_disk().position == watch::Position{before.block_number, before.block_hash, std::nullopt});
}

TEST_CASE("watch: with two confirmations an event reorganized away before it was confirmed is never delivered",
          "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.push("main", commit_word(2), commit_word(1));
  rig.chain.mine();
  RecordingHandler pushed;
  RecordingHandler reverted;
  const std::map<std::string, watch::Handler*> handlers{{"pushed", &pushed}, {"reverted", &reverted}};
  REQUIRE(rig.run(rig.start(), handlers, once_options(2)).ok());
  REQUIRE(pushed.ids() == std::vector<std::string>{id_of(logs_of(rig.chain, 1)[0])});

  rig.chain.reorganize(1);  // the head block, with the second push, is replaced by empty ones
  rig.chain.mine();
  rig.chain.mine();
  rig.chain.mine();
  REQUIRE(rig.run(rig.on_disk(), handlers, once_options(2)).ok());
  CHECK(pushed.runs.size() == 1);
  CHECK(reverted.runs.empty());
  CHECK(rig.on_disk().position.block == 3);
}

TEST_CASE("watch: logs read while the chain reorganized are read again, not delivered", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.after_logs_query = [&] {
    rig.chain.after_logs_query = nullptr;
    rig.chain.reorganize(1);
    rig.chain.push("main", commit_word(2));
    rig.chain.mine();
  };
  RecordingHandler pushed;
  REQUIRE(rig.run(rig.start(), {{"pushed", &pushed}}, once_options()).ok());
  // Only the push of the chain as it is now, read on the second query.
  CHECK(pushed.ids() == std::vector<std::string>{id_of(logs_of(rig.chain, 1)[0])});
  CHECK(rig.chain.log_queries() == 2);
}

TEST_CASE("watch: a handler that fails twice is retried with growing delays, then never run again", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  RecordingHandler pushed;
  pushed.fail_first = 2;
  auto summary = rig.run(rig.start(), {{"pushed", &pushed}}, once_options());
  REQUIRE(summary.ok());
  REQUIRE(pushed.runs.size() == 3);
  const auto id = id_of(logs_of(rig.chain, 1)[0]);
  for (unsigned attempt = 1; attempt <= 3; ++attempt) {
    CHECK(pushed.runs[attempt - 1].attempt == attempt);
    CHECK(pushed.runs[attempt - 1].event.id == id);
  }
  CHECK(summary->delivered == 1);
  CHECK(summary->parked == 0);
  CHECK(rig.clock.slept() >= seconds(3));  // 1 s, then 2 s
  CHECK(rig.log.count(watch::LogLevel::warning) == 2);
  CHECK_FALSE(std::filesystem::exists(rig.directory.failed()));

  REQUIRE(rig.run(rig.on_disk(), {{"pushed", &pushed}}, once_options()).ok());
  CHECK(pushed.runs.size() == 3);
}

TEST_CASE("watch: an event whose handler always fails is parked with its output, and the next one delivered",
          "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.push("main", commit_word(2), commit_word(1));
  rig.chain.mine();
  const auto failing = id_of(logs_of(rig.chain, 1)[0]);
  const auto next = id_of(logs_of(rig.chain, 2)[0]);
  RecordingHandler pushed;
  pushed.always_fail = {failing};
  auto summary = rig.run(rig.start(), {{"pushed", &pushed}}, once_options());
  REQUIRE(summary.ok());
  CHECK(pushed.ids() == std::vector<std::string>{failing, failing, failing, next});
  CHECK(summary->parked == 1);
  CHECK(summary->delivered == 1);

  const auto parked = rig.directory.failed() / "1-0-pushed.json";
  REQUIRE(std::filesystem::is_regular_file(parked));
  const auto document = json::parse(read_text(parked));
  CHECK(document["event"]["id"] == failing);
  CHECK(document["attempts"] == 3);
  CHECK(document["failure"] == "exited with 1");
  CHECK(document["output"] == "boom " + failing);
  CHECK(document["handler"] == "recording handler");
  CHECK(rig.log.count(watch::LogLevel::error) == 1);

  // Parked is handled as far as the cursor goes: not retried by the next run.
  REQUIRE(rig.run(rig.on_disk(), {{"pushed", &pushed}}, once_options()).ok());
  CHECK(pushed.runs.size() == 4);
}

TEST_CASE("watch: a stop while a failed handler waits to be retried leaves the event to the next run", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  const auto id = id_of(logs_of(rig.chain, 1)[0]);
  RecordingHandler pushed;
  pushed.fail_first = 1;
  auto stopped = rig.run(rig.start(), {{"pushed", &pushed}}, once_options(),
                         StopWhen([&] { return !pushed.runs.empty(); }));
  REQUIRE(stopped.ok());
  CHECK(stopped->delivered == 0);
  CHECK(pushed.ids() == std::vector<std::string>{id});
  CHECK(rig.on_disk().position == rig.start().position);

  REQUIRE(rig.run(rig.on_disk(), {{"pushed", &pushed}}, once_options()).ok());
  CHECK(pushed.ids() == std::vector<std::string>{id, id});
  CHECK(pushed.runs[1].attempt == 1);
  CHECK(pushed.successes == 1);
}

TEST_CASE("watch: a health request writes one line with the position, head, lag and counts", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.mine();
  rig.chain.mine();
  RecordingHandler pushed;
  watch::WatchOptions options = once_options();
  options.once = false;
  StopWhen stop([&] { return rig.log.mentions("health:"); });
  pushed.before_outcome = [&](const watch::WatchEvent&) { stop.health_requested = true; };
  REQUIRE(rig.run_with(rig.start(), {{"pushed", &pushed}}, options, stop).ok());
  const auto health = std::find_if(rig.log.lines.begin(), rig.log.lines.end(), [](const RecordingLog::Line& line) {
    return line.message.rfind("health:", 0) == 0;
  });
  REQUIRE(health != rig.log.lines.end());
  // Asked during the first range (block 1; ranges start at one block), answered before the next.
  CHECK(health->message == "health: at block 1, head 3, lag 2 blocks, delivered 1, parked 0, last error: none");
}

TEST_CASE("watch: an unreachable node is waited for and logged, then the events are delivered", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();

  SECTION("a running watcher waits") {
    rig.chain.set_offline(true);
    watch::WatchOptions options = once_options();
    options.once = false;
    options.poll = seconds(1);
    options.max_node_backoff = seconds(8);
    RecordingHandler pushed;
    const auto began = rig.clock.now();
    std::string status_while_offline;
    StopWhen stop([&] {
      if (rig.clock.now() - began >= seconds(30) && status_while_offline.empty()) {
        status_while_offline = read_text(rig.directory.status());
        rig.chain.set_offline(false);
      }
      return pushed.successes >= 1;
    });
    auto summary = rig.run_with(rig.start(), {{"pushed", &pushed}}, options, stop);
    REQUIRE(summary.ok());
    CHECK(pushed.ids() == std::vector<std::string>{id_of(logs_of(rig.chain, 1)[0])});
    CHECK(rig.log.count(watch::LogLevel::warning) >= 3);
    CHECK(rig.log.mentions("memory://chain"));
    CHECK(rig.log.mentions("the node answers again"));
    REQUIRE_FALSE(status_while_offline.empty());
    CHECK(json::parse(status_while_offline)["last_error"].get<std::string>().find("unreachable") != std::string::npos);
    CHECK(json::parse(read_text(rig.directory.status()))["last_error"].is_null());
    // Backoff, not a busy loop: waits that double up to the cap, a handful of calls in 30 s.
    CHECK(rig.log.mentions("retrying in 2 s"));
    CHECK(rig.log.mentions("retrying in 8 s"));
    CHECK_FALSE(rig.log.mentions("retrying in 16 s"));
    CHECK(rig.chain.calls() < 20);
  }
  SECTION("with once, an unreachable node is the answer") {
    rig.chain.set_offline(true);
    RecordingHandler pushed;
    auto summary = rig.run(rig.start(), {{"pushed", &pushed}}, once_options());
    REQUIRE_FALSE(summary.ok());
    CHECK(summary.error().kind == ErrorKind::remote_unavailable);
    CHECK(pushed.runs.empty());
  }
}

TEST_CASE("watch: a governance named by the registry is followed from then on", "[watch]") {
  Rig rig;
  rig.chain.promote(governance_address, "staging", commit_word(9));  // not followed yet: a governance unknown
  rig.chain.mine();
  rig.chain.set_governance(governance_address);
  rig.chain.promote(governance_address, "production", commit_word(1));
  rig.chain.promote(other_governance, "production", commit_word(2));  // never named: never followed
  rig.chain.mine();
  rig.chain.promote(governance_address, "staging", commit_word(3));
  rig.chain.mine();

  RecordingHandler promoted;
  REQUIRE(rig.run(rig.start(), {{"promoted", &promoted}}, once_options()).ok());
  CHECK(promoted.ids() == std::vector<std::string>{id_of(logs_of(rig.chain, 2)[1]), id_of(logs_of(rig.chain, 3)[0])});
  REQUIRE(promoted.runs.size() == 2);
  CHECK(promoted.runs[0].event.stage == std::optional<std::string>("production"));
  CHECK(promoted.runs[1].event.stage == std::optional<std::string>("staging"));
  CHECK(json::parse(promoted.runs[0].event.json)["contract"] ==
        mlchain::codec::to_checksum_address(governance_address));
  CHECK(rig.on_disk().governances == std::vector<Address>{governance_address});
  CHECK(rig.log.mentions("following governance"));
}

TEST_CASE("watch: a governance the registry replaced or dropped is no longer followed", "[watch]") {
  Rig rig;
  rig.chain.set_governance(governance_address);
  rig.chain.promote(governance_address, "production", commit_word(1));
  rig.chain.mine();
  rig.chain.set_governance(other_governance);
  rig.chain.promote(governance_address, "production", commit_word(2));  // the replaced one, after it was
  rig.chain.promote(other_governance, "production", commit_word(3));
  rig.chain.mine();
  rig.chain.set_governance(Address{});
  rig.chain.promote(other_governance, "production", commit_word(4));  // none any more
  rig.chain.mine();

  RecordingHandler promoted;
  REQUIRE(rig.run(rig.start(), {{"promoted", &promoted}}, once_options()).ok());
  CHECK(promoted.ids() == std::vector<std::string>{id_of(logs_of(rig.chain, 1)[1]), id_of(logs_of(rig.chain, 2)[2])});
  CHECK(rig.on_disk().governances.empty());
  CHECK(rig.log.mentions("following governance " + mlchain::codec::to_checksum_address(other_governance)));
}

TEST_CASE("watch: the cursor survives a save and load; a damaged one is corrupt", "[watch]") {
  Rig rig;
  rig.chain.push("main", commit_word(1));
  rig.chain.mine();
  rig.chain.mine();
  const auto log = logs_of(rig.chain, 1)[0];
  auto meaning = watch::interpret_log(log, rig.target);
  REQUIRE(meaning.ok());
  REQUIRE(std::holds_alternative<watch::WatchEvent>(*meaning));
  const auto event = std::get<watch::WatchEvent>(*meaning);

  watch::Cursor cursor = rig.start();
  cursor.governances = {governance_address};
  cursor.advance(position_of(log));
  cursor.remember(event);
  cursor.advance(watch::Position{2, rig.chain.blocks()[2].hash, std::nullopt});
  REQUIRE(watch::save_cursor(rig.directory.cursor(), cursor).ok());

  const auto loaded = rig.on_disk();
  CHECK(loaded.target.chain_id == 31337);
  CHECK(loaded.target.registry == registry_address);
  CHECK(loaded.target.repo == repo);
  CHECK(loaded.position == cursor.position);
  CHECK(loaded.checkpoints == cursor.checkpoints);
  CHECK(loaded.governances == cursor.governances);
  REQUIRE(loaded.delivered.size() == 1);
  CHECK(loaded.delivered[0].id == event.id);
  CHECK(loaded.delivered[0].json == event.json);
  CHECK(loaded.delivered[0].commit == event.commit);
  CHECK(loaded.delivered[0].block_hash == log.block_hash);

  SECTION("no file: nothing") {
    auto missing = watch::load_cursor(rig.temporary.path / "none.json");
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->has_value());
  }
  const std::string text = read_text(rig.directory.cursor());
  auto damaged = [&](const std::string& bytes) {
    std::ofstream(rig.directory.cursor(), std::ios::binary | std::ios::trunc) << bytes;
    auto result = watch::load_cursor(rig.directory.cursor());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::corrupt);
    CHECK(result.error().message.find(rig.directory.cursor().string()) != std::string::npos);
  };
  SECTION("cut short") { damaged(text.substr(0, text.size() / 2)); }
  SECTION("not JSON") { damaged("\x01garbage"); }
  SECTION("a position that is not the newest checkpoint") {
    auto document = json::parse(text);
    document["position"]["block"] = 7;
    damaged(document.dump());
  }
  SECTION("a version that is not a number") {
    auto document = json::parse(text);
    document["version"] = "1";
    damaged(document.dump());
  }
  SECTION("a delivered event with a wrong id") {
    auto document = json::parse(text);
    document["delivered"][0]["id"] = "0x00:1";
    damaged(document.dump());
  }
}

TEST_CASE("watch: purchases of the repository's listings in its catalogue are delivered as purchased events, "
          "those of other repositories' listings passed over",
          "[watch]") {
  Rig rig;
  std::map<std::string, int> lookups;
  rig.listings = [&](std::string_view listing) -> mlchain::Result<std::string> {
    ++lookups[std::string(listing)];
    return std::string(listing == "our-model" ? repo : "someone-else");
  };
  rig.chain.push("main", commit_word(1));
  rig.chain.purchase(catalogue_address, "their-model", buyer_address, 7, mlchain::eth::catalogue::forever);
  rig.chain.purchase(catalogue_address, "our-model", buyer_address, 5, mlchain::eth::catalogue::forever);
  rig.chain.mine();
  rig.chain.purchase(catalogue_address, "our-model", buyer_address, 5, 1'000'000);
  rig.chain.purchase(catalogue_address, "their-model", buyer_address, 7, mlchain::eth::catalogue::forever);
  rig.chain.mine();
  const auto first = logs_of(rig.chain, 1)[2];
  const auto second = logs_of(rig.chain, 2)[0];

  RecordingHandler pushed;
  RecordingHandler purchased(rig.directory.cursor());
  auto summary = rig.run(rig.start(), {{"pushed", &pushed}, {"purchased", &purchased}}, once_options());
  REQUIRE(summary.ok());
  CHECK(summary->delivered == 3);
  CHECK(pushed.runs.size() == 1);
  REQUIRE(purchased.ids() == std::vector<std::string>{id_of(first), id_of(second)});
  // Each listing is looked up once, however often it is bought.
  CHECK(lookups == std::map<std::string, int>{{"our-model", 1}, {"their-model", 1}});

  const auto& event = purchased.runs[0].event;
  CHECK(event.name == "purchased");
  CHECK(event.repo == repo);
  CHECK(event.listing == std::optional<std::string>("our-model"));
  CHECK(event.buyer == std::optional<Address>(buyer_address));
  CHECK(event.price == std::optional<std::string>("5"));
  CHECK_FALSE(event.access_until.has_value());
  const auto document = json::parse(event.json);
  CHECK(document["event"] == "purchased");
  CHECK(document["contract"] == mlchain::codec::to_checksum_address(catalogue_address));
  CHECK(document["listing"] == "our-model");
  CHECK(document["buyer"] == mlchain::codec::to_checksum_address(buyer_address));
  CHECK(document["price"] == "5");
  CHECK(document["access_until"].is_null());
  CHECK(json::parse(purchased.runs[1].event.json)["access_until"] == 1'000'000);

  const auto environment = watch::event_environment(purchased.runs[1].event);
  const std::map<std::string, std::string> variables(environment.begin(), environment.end());
  CHECK(variables.at("MLCHAIN_EVENT") == "purchased");
  CHECK(variables.at("MLCHAIN_LISTING") == "our-model");
  CHECK(variables.at("MLCHAIN_BUYER") == mlchain::codec::to_checksum_address(buyer_address));
  CHECK(variables.at("MLCHAIN_PRICE") == "5");
  CHECK(variables.at("MLCHAIN_ACCESS_UNTIL") == "1000000");
  CHECK_FALSE(variables.contains("MLCHAIN_COMMIT"));
  const auto forever = watch::event_environment(event);
  CHECK(std::none_of(forever.begin(), forever.end(),
                     [](const auto& variable) { return variable.first == "MLCHAIN_ACCESS_UNTIL"; }));

  // The cursor keeps delivered events as JSON: a purchase comes back whole.
  auto back = watch::event_from_json(purchased.runs[1].event.json);
  REQUIRE(back.ok());
  CHECK(back->listing == purchased.runs[1].event.listing);
  CHECK(back->buyer == purchased.runs[1].event.buyer);
  CHECK(back->price == purchased.runs[1].event.price);
  CHECK(back->access_until == std::optional<std::uint64_t>(1'000'000));
  CHECK(rig.on_disk().position == watch::Position{2, rig.chain.blocks()[2].hash, std::nullopt});
}

TEST_CASE("watch: a purchase a reorg dropped is reported as reverted; one whose listing cannot be looked up "
          "stops the cursor before it",
          "[watch]") {
  Rig rig;
  bool node_away = false;
  rig.listings = [&](std::string_view) -> mlchain::Result<std::string> {
    if (node_away) return mlchain::make_error(ErrorKind::remote_unavailable, "memory://chain: listingOf: away");
    return repo;
  };
  rig.chain.purchase(catalogue_address, "our-model", buyer_address, 5, mlchain::eth::catalogue::forever);
  rig.chain.mine();
  const auto dropped = logs_of(rig.chain, 1)[0];
  RecordingHandler purchased;
  RecordingHandler reverted;
  const std::map<std::string, watch::Handler*> handlers{{"purchased", &purchased}, {"reverted", &reverted}};
  REQUIRE(rig.run(rig.start(), handlers, once_options()).ok());
  REQUIRE(purchased.ids() == std::vector<std::string>{id_of(dropped)});

  rig.chain.reorganize(1);
  rig.chain.mine();
  rig.chain.mine();
  auto summary = rig.run(rig.on_disk(), handlers, once_options());
  REQUIRE(summary.ok());
  CHECK(reverted.ids() == std::vector<std::string>{id_of(dropped)});
  CHECK(json::parse(reverted.runs[0].event.json)["reverted"]["listing"] == "our-model");
  CHECK(reverted.runs[0].event.buyer == std::optional<Address>(buyer_address));

  // A new listing the node cannot look up now: the watcher does not pass its purchase over.
  rig.chain.purchase(catalogue_address, "our-new-model", buyer_address, 5, mlchain::eth::catalogue::forever);
  rig.chain.mine();
  node_away = true;
  const auto before = rig.on_disk().position;
  auto failed = rig.run(rig.on_disk(), handlers, once_options());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().kind == ErrorKind::remote_unavailable);
  CHECK(rig.on_disk().position.block < rig.chain.blocks().size() - 1);
  CHECK(purchased.runs.size() == 1);
  node_away = false;
  REQUIRE(rig.run(rig.on_disk(), handlers, once_options()).ok());
  CHECK(purchased.runs.size() == 2);
  CHECK(rig.on_disk().position.block > before.block);
}
