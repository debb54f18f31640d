#include "mlchain/watch/cursor.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "mlchain/codec/hex.hpp"
#include "mlchain/fs/atomic_file.hpp"

namespace mlchain::watch {
namespace {

using json = nlohmann::ordered_json;

// A cursor holds at most kept_checkpoints positions and the events of their blocks: far below this.
constexpr std::uintmax_t max_cursor_bytes = 64 * 1024 * 1024;
constexpr int cursor_version = 1;

json position_json(const Position& position) {
  return json{{"block", position.block},
              {"block_hash", codec::to_0x_hex(position.block_hash)},
              {"log_index", position.log_index ? json(*position.log_index) : json(nullptr)}};
}

Result<Position> position_of(const json& document) {
  if (!document.is_object()) return make_error(ErrorKind::invalid_input, "a position that is not an object");
  const auto block = document.find("block");
  const auto hash = document.find("block_hash");
  const auto log_index = document.find("log_index");
  if (block == document.end() || !block->is_number_unsigned() || hash == document.end() || !hash->is_string() ||
      log_index == document.end() || !(log_index->is_null() || log_index->is_number_unsigned()))
    return make_error(ErrorKind::invalid_input, "a position without block, block_hash and log_index");
  Position position;
  position.block = block->get<std::uint64_t>();
  MLCHAIN_TRY(const Bytes bytes, codec::from_0x_hex(hash->get<std::string>()));
  if (bytes.size() != position.block_hash.size())
    return make_error(ErrorKind::invalid_input, "a block_hash that is not 32 bytes");
  std::copy(bytes.begin(), bytes.end(), position.block_hash.begin());
  if (!log_index->is_null()) position.log_index = log_index->get<std::uint64_t>();
  return position;
}

bool before_or_at(const WatchEvent& event, const Position& position) {
  if (event.block != position.block) return event.block < position.block;
  return !position.log_index || event.log_index <= *position.log_index;
}

// The array at `key`; an absent key is an empty array.
Result<json> array_field(const json& document, const char* key) {
  const auto found = document.find(key);
  if (found == document.end()) return json::array();
  if (!found->is_array()) return make_error(ErrorKind::invalid_input, std::string("\"") + key + "\" is not an array");
  return *found;
}

Result<Cursor> parse_document(const json& document) {
  if (!document.is_object()) return make_error(ErrorKind::invalid_input, "not a JSON object");
  const auto version = document.find("version");
  if (version == document.end() || !version->is_number_unsigned() || version->get<std::uint64_t>() != cursor_version)
    return make_error(ErrorKind::invalid_input, "not a version 1 watch cursor");
  Cursor cursor;
  const auto chain_id = document.find("chain_id");
  const auto registry = document.find("registry");
  const auto repo = document.find("repo");
  if (chain_id == document.end() || !chain_id->is_number_unsigned() || registry == document.end() ||
      !registry->is_string() || repo == document.end() || !repo->is_string())
    return make_error(ErrorKind::invalid_input, "no chain_id, registry and repo");
  cursor.target.chain_id = chain_id->get<std::uint64_t>();
  MLCHAIN_TRY(cursor.target.registry, codec::parse_address(registry->get<std::string>()));
  cursor.target.repo = repo->get<std::string>();
  const auto position = document.find("position");
  if (position == document.end()) return make_error(ErrorKind::invalid_input, "no position");
  MLCHAIN_TRY(cursor.position, position_of(*position));
  MLCHAIN_TRY(const json checkpoints, array_field(document, "checkpoints"));
  MLCHAIN_TRY(const json governances, array_field(document, "governances"));
  MLCHAIN_TRY(const json delivered, array_field(document, "delivered"));
  for (const auto& entry : checkpoints) {
    MLCHAIN_TRY(auto checkpoint, position_of(entry));
    cursor.checkpoints.push_back(checkpoint);
  }
  for (const auto& entry : governances) {
    if (!entry.is_string()) return make_error(ErrorKind::invalid_input, "a governance that is not an address");
    MLCHAIN_TRY(auto address, codec::parse_address(entry.get<std::string>()));
    cursor.governances.push_back(address);
  }
  for (const auto& entry : delivered) {
    MLCHAIN_TRY(auto event, event_from_json(entry.dump()));
    cursor.delivered.push_back(std::move(event));
  }
  if (cursor.checkpoints.empty() || !(cursor.checkpoints.back() == cursor.position))
    return make_error(ErrorKind::invalid_input, "the newest checkpoint is not the position");
  if (cursor.checkpoints.size() > kept_checkpoints || cursor.delivered.size() > kept_deliveries)
    return make_error(ErrorKind::invalid_input, "more checkpoints or deliveries than a watcher keeps");
  for (std::size_t i = 1; i < cursor.checkpoints.size(); ++i)
    if (cursor.checkpoints[i - 1].block >= cursor.checkpoints[i].block)
      return make_error(ErrorKind::invalid_input, "checkpoints out of block order");
  return cursor;
}

}  // namespace

void Cursor::advance(const Position& next) {
  if (!checkpoints.empty() && checkpoints.back().block == next.block)
    checkpoints.back() = next;
  else
    checkpoints.push_back(next);
  if (checkpoints.size() > kept_checkpoints) checkpoints.erase(checkpoints.begin());
  position = next;
  const std::uint64_t oldest = checkpoints.front().block;
  std::erase_if(delivered, [&](const WatchEvent& event) { return event.block < oldest; });
}

std::vector<WatchEvent> Cursor::rewind_to(const Position& ancestor) {
  std::erase_if(checkpoints, [&](const Position& checkpoint) { return checkpoint.block > ancestor.block; });
  if (checkpoints.empty() || checkpoints.back().block != ancestor.block) checkpoints.push_back(ancestor);
  checkpoints.back() = ancestor;
  position = ancestor;
  std::vector<WatchEvent> undone;
  for (const auto& event : delivered)
    if (!before_or_at(event, ancestor)) undone.push_back(event);
  return undone;
}

bool Cursor::was_delivered(const std::string& id) const {
  return std::any_of(delivered.begin(), delivered.end(), [&](const WatchEvent& event) { return event.id == id; });
}

void Cursor::remember(const WatchEvent& event) {
  delivered.push_back(event);
  if (delivered.size() > kept_deliveries) delivered.erase(delivered.begin());
}

Result<std::optional<Cursor>> load_cursor(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::symlink_status(path, error);
  if (error || status.type() == std::filesystem::file_type::not_found) return std::optional<Cursor>{};
  if (status.type() != std::filesystem::file_type::regular ||
      std::filesystem::file_size(path, error) > max_cursor_bytes)
    return make_error(ErrorKind::corrupt, "watch cursor " + path.string() + " is not a regular file of at most 64 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return make_error(ErrorKind::corrupt, "cannot read watch cursor " + path.string());
  auto cursor = parse_cursor(text.str());
  if (!cursor)
    return make_error(ErrorKind::corrupt, "watch cursor " + path.string() + " is damaged (" + cursor.error().message +
                                              "): remove it and restart with --from-block N");
  return std::optional<Cursor>{std::move(cursor).value()};
}

Result<Cursor> parse_cursor(std::string_view text) { return parse_document(json::parse(text, nullptr, false)); }

std::string cursor_text(const Cursor& cursor) {
  auto checkpoints = json::array();
  for (const auto& checkpoint : cursor.checkpoints) checkpoints.push_back(position_json(checkpoint));
  auto governances = json::array();
  for (const auto& governance : cursor.governances) governances.push_back(codec::to_checksum_address(governance));
  const json document{{"version", cursor_version},
                      {"chain_id", cursor.target.chain_id},
                      {"registry", codec::to_checksum_address(cursor.target.registry)},
                      {"repo", cursor.target.repo},
                      {"position", position_json(cursor.position)},
                      {"checkpoints", std::move(checkpoints)},
                      {"governances", std::move(governances)}};
  // The kept events are already one-line JSON: spliced in as they are, since the cursor is rewritten after
  // every event and parsing each of them again would dominate catching up on a busy history.
  std::string text = document.dump(1);
  text.resize(text.size() - 2);  // "\n}", the object's end
  text += ",\n \"delivered\": [";
  for (std::size_t i = 0; i < cursor.delivered.size(); ++i)
    text += (i == 0 ? "\n  " : ",\n  ") + cursor.delivered[i].json;
  text += cursor.delivered.empty() ? "]\n}\n" : "\n ]\n}\n";
  return text;
}

Status save_cursor(const std::filesystem::path& path, const Cursor& cursor) {
  return fs::write_file_atomically(path, as_bytes(cursor_text(cursor)));
}

}  // namespace mlchain::watch
