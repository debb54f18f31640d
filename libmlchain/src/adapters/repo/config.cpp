#include "mlchain/repo/config.hpp"

#include <charconv>

#include "disk.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/unixfs/profile.hpp"
#include "mlchain/util/text.hpp"

namespace mlchain::repo {
namespace {

bool well_formed_key(std::string_view key) {
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find('.') == std::string_view::npos ||
      key.find("..") != std::string_view::npos)
    return false;
  for (const char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) return false;
  return true;
}

// "<section>.*.<name>" matches "<section>.<anything without dots>.<name>".
bool matches(std::string_view pattern, std::string_view key) {
  const auto star = pattern.find(".*.");
  if (star == std::string_view::npos) return pattern == key;
  const auto head = pattern.substr(0, star + 1);
  const auto tail = pattern.substr(star + 2);
  if (key.size() <= head.size() + tail.size() || key.substr(0, head.size()) != head ||
      key.substr(key.size() - tail.size()) != tail)
    return false;
  const auto middle = key.substr(head.size(), key.size() - head.size() - tail.size());
  return middle.find('.') == std::string_view::npos;
}

std::string known_list() {
  std::string list;
  for (const auto& key : known_config_keys()) list += (list.empty() ? "" : ", ") + std::string(key.pattern);
  return list;
}

}  // namespace

const std::vector<ConfigKey>& known_config_keys() {
  static const std::vector<ConfigKey> keys = {
      {"user.key", "name of the stored key that signs commits (mlchain key list)"},
      {"user.name", "a human name shown beside the author's address"},
      {"core.profile", "import profile of new commits: unixfs-v1-2025 (default) or unixfs-v0-2015"},
      {"core.dereference", "true: commit, status, verify and checkout take symlinks for what they point to"},
      {"gc.reflog-expire", "how long gc keeps what reflog entries name: days (30, 90.days), never or now; default 30"},
      {"remote.*.ipfs", "Kubo RPC API URL of the remote's IPFS node (push, fetch)"},
      {"remote.*.gateway", "trustless gateway URL of the remote (fetch, read only)"},
      {"remote.*.rpc", "Ethereum JSON-RPC URL of the remote's chain"},
      {"remote.*.registry", "address of the remote's registry contract"},
      {"remote.*.repo", "repository name in the remote's registry"},
      {"remote.*.chain-id", "chain id the remote's RPC must report"},
      {"remote.*.confirmations", "confirmations a push to the remote waits for"},
      {"remote.*.private", "true: push seals every file for the remote's readers and uploads only ciphertext"},
      {"remote.*.universe", "address of the catalogue (Model Universe) the remote's repository is listed in"},
      {"watch.pushed", "command mlchain watch runs for each push (the event as JSON on stdin)"},
      {"watch.evaluated", "command mlchain watch runs for each evaluation attested"},
      {"watch.promoted", "command mlchain watch runs for each promotion"},
      {"watch.approved", "command mlchain watch runs for each approval"},
      {"watch.retrain", "command mlchain watch runs for each retraining request"},
      {"watch.rolled-back", "command mlchain watch runs for each rollback"},
      {"watch.reverted", "command mlchain watch runs for an event a reorg took off the chain"},
  };
  return keys;
}

Status check_config_key(std::string_view key) {
  if (!well_formed_key(key))
    return make_error(ErrorKind::invalid_argument,
                      "'" + std::string(key) +
                          "' is not a valid setting name (section.name: lowercase letters, digits, "
                          "'.', '-', '_'); known: " +
                          known_list());
  for (const auto& known : known_config_keys())
    if (matches(known.pattern, key)) return {};
  return make_error(ErrorKind::invalid_argument,
                    "unknown setting '" + std::string(key) + "' (known: " + known_list() + ")");
}

Result<std::optional<std::int64_t>> parse_reflog_expire_seconds(std::string_view value) {
  if (value == "never") return std::optional<std::int64_t>();
  if (value == "now") return std::optional<std::int64_t>(0);
  std::string_view days = value;
  if (days.ends_with(".days"))
    days.remove_suffix(5);
  else if (days.ends_with(".day"))
    days.remove_suffix(4);
  std::int64_t count = -1;
  const auto [end, error] = std::from_chars(days.data(), days.data() + days.size(), count);
  constexpr std::int64_t seconds_per_day = 86400;
  if (days.empty() || error != std::errc() || end != days.data() + days.size() || count < 0 ||
      count > std::int64_t{1} << 40)
    return make_error(ErrorKind::invalid_argument, "'" + std::string(value) + "' is not a valid " +
                                                       std::string(reflog_expire_key) +
                                                       " (a number of days such as 30 or 90.days, never, or now)");
  return std::optional<std::int64_t>(count * seconds_per_day);
}

Result<Config> Config::load(const std::filesystem::path& path) {
  Config config;
  config.path_ = path;
  auto bytes = disk::read_stored_file(path, disk::max_config_bytes);
  if (!bytes) {
    if (bytes.error().kind == ErrorKind::not_found) return config;
    return std::move(bytes).error();
  }
  const std::string text(bytes->begin(), bytes->end());
  std::size_t start = 0;
  std::size_t number = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    ++number;
    start = end + 1;
    const auto content = util::trim(line);
    if (content.empty() || content.front() == '#') {
      config.lines_.push_back({std::string(line), std::nullopt, {}});
      continue;
    }
    const auto equals = content.find('=');
    const auto key = equals == std::string_view::npos ? std::string_view{} : util::trim(content.substr(0, equals));
    if (!well_formed_key(key))
      return make_error(ErrorKind::corrupt,
                        path.string() + ":" + std::to_string(number) + ": not a `key = value` line; fix or remove it");
    config.lines_.push_back({std::string(line), std::string(key), std::string(util::trim(content.substr(equals + 1)))});
  }
  return config;
}

std::optional<std::string> Config::get(std::string_view key) const {
  for (const auto& line : lines_)
    if (line.key == key) return line.value;
  return std::nullopt;
}

Status Config::set(std::string_view key, std::string_view value) {
  MLCHAIN_TRY_STATUS(check_config_key(key));
  if (value.find_first_of("\n\r") != std::string_view::npos)
    return make_error(ErrorKind::invalid_argument,
                      "the value of " + std::string(key) + " may not contain a line break");
  const std::string trimmed(util::trim(value));
  if (key == reflog_expire_key) MLCHAIN_TRY_STATUS(parse_reflog_expire_seconds(trimmed));
  // A value every later command would refuse is refused here, while it can still be typed again: there is
  // no `config unset`, so a bad one would otherwise take hand-editing .mlchain/config to undo.
  if (key == "core.dereference" && trimmed != "true" && trimmed != "false")
    return make_error(ErrorKind::invalid_argument, "'" + trimmed + "' is not a valid core.dereference (true or false)");
  if (key == "core.profile" && !unixfs::find_profile(trimmed))
    return make_error(ErrorKind::invalid_argument,
                      "'" + trimmed + "' is not a valid core.profile (unixfs-v1-2025 or unixfs-v0-2015)");
  const std::string text = std::string(key) + " = " + trimmed;
  for (auto& line : lines_)
    if (line.key == key) {
      line = {text, std::string(key), trimmed};
      return {};
    }
  lines_.push_back({text, std::string(key), trimmed});
  return {};
}

bool Config::unset(std::string_view key) {
  const auto before = lines_.size();
  std::erase_if(lines_, [&](const Line& line) { return line.key == key; });
  return lines_.size() != before;
}

std::vector<std::string> Config::keys() const {
  std::vector<std::string> keys;
  for (const auto& line : lines_)
    if (line.key) keys.push_back(*line.key);
  return keys;
}

Status Config::save() const {
  std::string text;
  for (const auto& line : lines_) text += line.text + "\n";
  return fs::write_file_atomically(path_, as_bytes(text));
}

}  // namespace mlchain::repo
