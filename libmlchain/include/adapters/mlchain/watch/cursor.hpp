#pragma once
// Where a watcher stands (docs/format.md "Watch cursor"): `.mlchain/watch/cursor.json`, rewritten
// atomically after every delivered event, so a watcher killed at any moment redelivers at most the event
// it was delivering. Beside the position it keeps what a reorg needs: the hashes of the last blocks it
// stood on (to find the common ancestor) and the events it delivered in them (to tell which a reorg
// reverted, and not to deliver again those that are still on the chain).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/eth/rpc_types.hpp"
#include "mlchain/result.hpp"
#include "mlchain/watch/event.hpp"

namespace mlchain::watch {

// Every event up to and including this block's log `log_index` has been delivered; with no log index,
// every event of the block.
struct Position {
  std::uint64_t block = 0;
  eth::Hash block_hash{};  // zero: not known (a start before the block was read)
  std::optional<std::uint64_t> log_index;
  friend bool operator==(const Position&, const Position&) = default;
};

// How many recent positions (one per block) the cursor keeps: reorgs deeper than this many blocks the
// watcher stood on are reported and rewound to the oldest it knows.
inline constexpr std::size_t kept_checkpoints = 128;
// How many recent deliveries it keeps at most, so that catching up on a busy history rewrites a small file.
inline constexpr std::size_t kept_deliveries = 256;

struct Cursor {
  WatchTarget target;
  Position position;
  std::vector<Position> checkpoints;        // oldest first, one per block, the newest is `position`
  std::vector<codec::Address> governances;  // the governance followed besides the registry (none or one)
  std::vector<WatchEvent> delivered;        // events delivered in the checkpoints' blocks, oldest first

  // Moves to `next` (a later position), keeping one checkpoint per block and forgetting deliveries older
  // than the oldest checkpoint.
  void advance(const Position& next);
  // Forgets positions and deliveries after `ancestor` (one of the checkpoints), which becomes the position.
  std::vector<WatchEvent> rewind_to(const Position& ancestor);
  bool was_delivered(const std::string& id) const;
  // Keeps `event` among the recent deliveries (the oldest goes beyond kept_deliveries).
  void remember(const WatchEvent& event);
};

// The file's text, and back (invalid_input saying what is wrong).
std::string cursor_text(const Cursor& cursor);
Result<Cursor> parse_cursor(std::string_view text);

// Nothing when the file does not exist; corrupt naming the path when it does not read as a cursor.
Result<std::optional<Cursor>> load_cursor(const std::filesystem::path& path);
Status save_cursor(const std::filesystem::path& path, const Cursor& cursor);

}  // namespace mlchain::watch
