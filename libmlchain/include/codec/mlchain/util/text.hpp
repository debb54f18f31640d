#pragma once
// Small text helpers every layer shares (docs/architecture.md, "util"): pure, header-only, no other
// mlchain header.

#include <string_view>

namespace mlchain::util {

// `text` without the leading and trailing characters found in `characters`.
constexpr std::string_view trim(std::string_view text, std::string_view characters = " \t\r\n") {
  const auto first = text.find_first_not_of(characters);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(characters);
  return text.substr(first, last - first + 1);
}

// The value of one hex digit, either case; -1 for any other character.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace mlchain::util
