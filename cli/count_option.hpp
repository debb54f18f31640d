#pragma once
// CLI::PositiveNumber answers "-1" or "abc" with a range that prints DBL_MAX in full (300 digits).

#include <CLI/CLI.hpp>
#include <string>

namespace mlchain::cli {

// A whole number of at least 1: counts, confirmations, seconds.
inline const CLI::Validator positive_whole_number(
    [](const std::string& text) -> std::string {
      const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
      if (digits && text.find_first_not_of('0') != std::string::npos) return {};
      return "'" + text + "' is not a whole number of at least 1";
    },
    "N>0", "positive whole number");

// A whole number, 0 included: block numbers. CLI11 would read "-5" into an unsigned as 2^64 - 5.
inline const CLI::Validator whole_number(
    [](const std::string& text) -> std::string {
      if (!text.empty() && text.size() <= 19 && text.find_first_not_of("0123456789") == std::string::npos) return {};
      return "'" + text + "' is not a whole number below 10^19";
    },
    "N>=0", "whole number");

}  // namespace mlchain::cli
