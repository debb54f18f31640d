#include "context.hpp"

#include <string>

#include "mlchain/core/display_text.hpp"

namespace mlchain::cli {

void Context::fail(const Error& error) { fail(error.code, error.message); }

void Context::fail(ErrorCode code, std::string_view message) {
  // Messages name paths, refs and values from the repository: their control characters are escaped, so
  // the message stays one line and the terminal shows it as it is.
  err << "mlchain: error: " << core::escape_text(message) << '\n';
  exit_code = static_cast<int>(code);
}

}  // namespace mlchain::cli
