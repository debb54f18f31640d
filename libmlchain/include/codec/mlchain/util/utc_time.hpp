#pragma once
// Times as the CLI and the library print them (docs/architecture.md, "util"): header-only, no other
// mlchain header.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace mlchain::util {

// "2026-01-31T12:00:00Z" for seconds since the Unix epoch; the number itself where the C library cannot
// break it down (a year beyond what `struct tm` holds).
inline std::string utc_timestamp(std::int64_t seconds) {
  const auto time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  if (::gmtime_r(&time, &parts) == nullptr) return std::to_string(seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

// The current time in that form.
inline std::string utc_timestamp_now() {
  return utc_timestamp(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

}  // namespace mlchain::util
