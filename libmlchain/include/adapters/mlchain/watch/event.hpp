#pragma once
// What `mlchain watch` delivers (docs/format.md "Watch events"): one log of the followed contracts (the
// registry, the repository's governance, the catalogue listing it) as a named event, with the JSON object a handler
// reads on stdin and the environment variables it is started with. Pure decoding: a log that does not decode is the
// node's fault, and the caller reports it naming the node.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/eth/rpc_types.hpp"
#include "mlchain/result.hpp"

namespace mlchain::watch {

// The names handlers are registered under (`--on NAME=CMD`, config `watch.NAME`). "reverted" is the
// watcher's own: an event it delivered that a reorg took off the chain.
const std::vector<std::string_view>& event_names();
bool is_event_name(std::string_view name);
inline constexpr std::string_view reverted_event_name = "reverted";

struct WatchEvent {
  std::string name;
  std::string id;  // "0x<transaction hash>:<log index>": the same on every delivery of this event
  std::uint64_t block = 0;
  eth::Hash block_hash{};
  eth::Hash transaction{};
  std::uint64_t log_index = 0;
  std::string repo;
  std::optional<std::string> branch;
  std::optional<std::string> stage;
  std::optional<codec::Cid> commit;
  // A purchase of one of the repository's listings: who bought which listing, for how much (wei, decimal)
  // and until when (seconds since the epoch; nothing: forever).
  std::optional<std::string> listing;
  std::optional<codec::Address> buyer;
  std::optional<std::string> price;
  std::optional<std::uint64_t> access_until;
  std::string json;  // the whole event as one JSON object on one line
};

// Whose events these are: the registry's repository on one chain.
struct WatchTarget {
  std::uint64_t chain_id = 0;
  codec::Address registry;
  std::string repo;
};

// The registry named another governance contract for the repository: its events count from this log on.
struct GovernanceMoved {
  codec::Address governance;  // the zero address: none any more
};

// A log that is none of the delivered events (a writer granted, a policy set…) means nothing here.
using LogMeaning = std::variant<std::monostate, WatchEvent, GovernanceMoved>;

// `log` came from the registry or from a governance contract of the target's repository. invalid_input
// when it does not decode, or names another repository than the filter asked for.
Result<LogMeaning> interpret_log(const eth::Log& log, const WatchTarget& target);

// The repository a catalogue listing lists (a listing's repository never changes), or an Error when it
// cannot be told now (the node is away).
using ListingRepository = std::function<Result<std::string>(std::string_view listing)>;

// `log` came from the catalogue: a Purchased of a listing of the target's repository is a "purchased"
// event; any other purchase, and every other catalogue log, means nothing here. invalid_input when it does
// not decode; the errors of `repository_of` as they are.
Result<LogMeaning> interpret_catalogue_log(const eth::Log& log, const WatchTarget& target,
                                           const ListingRepository& repository_of);

// The eth_getLogs topics that select the catalogue's logs interpret_catalogue_log can use: its purchases
// (indexed by listing, which says nothing of the repository until the listing is looked up).
std::vector<std::vector<eth::Hash>> catalogue_watch_topics();

// The eth_getLogs topics that select every log interpret_log can use: any of their event topics, and the
// repository's id as topic 1 (every event of both contracts indexes it first).
std::vector<std::vector<eth::Hash>> watch_topics(std::string_view repo);

// "reverted", wrapping the event a reorg removed: {"event":"reverted","id":…,"reverted":{…}}; its fields
// (branch, stage, commit…) are the original's.
WatchEvent reverted_event(const WatchEvent& original);

// An event back from its JSON (the cursor keeps recent deliveries that way). invalid_input when it is not
// one this module wrote.
Result<WatchEvent> event_from_json(std::string_view text);

// MLCHAIN_EVENT, MLCHAIN_EVENT_ID, MLCHAIN_REPO, MLCHAIN_BLOCK, MLCHAIN_TX, and MLCHAIN_BRANCH,
// MLCHAIN_STAGE, MLCHAIN_COMMIT, MLCHAIN_LISTING, MLCHAIN_BUYER, MLCHAIN_PRICE, MLCHAIN_ACCESS_UNTIL where
// the event has them (a variable that does not apply is left out).
std::vector<std::pair<std::string, std::string>> event_environment(const WatchEvent& event);

std::string event_id(const eth::Hash& transaction, std::uint64_t log_index);

}  // namespace mlchain::watch
