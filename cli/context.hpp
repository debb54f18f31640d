#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string_view>

#include "mlchain/result.hpp"

namespace mlchain::cli {

// What every command gets: where to write, and where to leave its exit code.
struct Context {
  std::ostream& out;
  std::ostream& err;
  int exit_code = 0;
  // How many arguments followed the first "--": CLI11 drops the "--" itself, and log and diff need to know
  // where paths began.
  std::optional<std::size_t> arguments_after_separator;

  // Prints "mlchain: error: …" (one line) and records the exit code of the error's kind.
  void fail(const Error& error);
  void fail(ErrorKind kind, std::string_view message);
};

}  // namespace mlchain::cli
