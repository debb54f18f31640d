#include "context.hpp"

#include <string>

#include "exit_code.hpp"
#include "mlchain/core/display_text.hpp"

namespace mlchain::cli {

void Context::fail(const Error& error) { fail(error.kind, error.message); }

void Context::fail(ErrorKind kind, std::string_view message) {
  // Messages name paths, refs and values from the repository: their control characters are escaped, so
  // the message stays one line and the terminal shows it as it is.
  err << "mlchain: error: " << core::escape_text(message) << '\n';
  exit_code = cli::exit_code(kind);
}

}  // namespace mlchain::cli
