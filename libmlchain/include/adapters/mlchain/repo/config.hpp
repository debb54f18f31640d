#pragma once
// `.mlchain/config`: `key = value` lines, '#' comments and blank lines kept as written. Keys are
// lowercase letters, digits, '.', '-' and '_', and must be known (known_config_keys); values run to the
// end of the line, trimmed.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/result.hpp"

namespace mlchain::repo {

struct ConfigKey {
  std::string_view pattern;  // exact key, or "<section>.*.<name>" for keys with a free middle part
  std::string_view meaning;
};
// Adding a setting is one line here.
const std::vector<ConfigKey>& known_config_keys();

// Usage error naming the key and listing the known ones when it is malformed or unknown.
Status check_config_key(std::string_view key);

// gc.reflog-expire: how long a reflog entry keeps what it names from gc. "never", "now", "<days>" or
// "<days>.days" (docs/format.md); nothing stands for never. Usage error naming the value otherwise.
inline constexpr std::string_view reflog_expire_key = "gc.reflog-expire";
inline constexpr std::int64_t default_reflog_expire_days = 30;
Result<std::optional<std::int64_t>> parse_reflog_expire_seconds(std::string_view value);

class Config {
 public:
  // A missing file is an empty configuration; one that is not a regular file of at most 1 MiB, or holds a
  // line that is not a setting, is corrupt naming the path (and the line).
  static Result<Config> load(const std::filesystem::path& path);

  std::optional<std::string> get(std::string_view key) const;
  // Replaces the key's line in place, or appends one. Values may not contain a line break, and a value
  // with a syntax of its own (gc.reflog-expire) must follow it.
  Status set(std::string_view key, std::string_view value);
  // Removes the key's line; false when it was not set.
  bool unset(std::string_view key);
  // Every key set, in file order.
  std::vector<std::string> keys() const;
  // Writes the file atomically.
  Status save() const;

 private:
  struct Line {
    std::string text;                // as read, for comments and blanks
    std::optional<std::string> key;  // set for settings
    std::string value;
  };
  std::filesystem::path path_;
  std::vector<Line> lines_;
};

}  // namespace mlchain::repo
