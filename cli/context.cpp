#include "context.hpp"

#include <string>

namespace mlchain::cli {

void Context::fail(const Error& error) { fail(error.code, error.message); }

void Context::fail(ErrorCode code, std::string_view message) {
  std::string line(message);
  for (auto& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  err << "mlchain: error: " << line << '\n';
  exit_code = static_cast<int>(code);
}

}  // namespace mlchain::cli
