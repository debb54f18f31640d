#pragma once

#include <ostream>

namespace mlchain::cli {

// Parses argv, runs one command, and returns the process exit code (docs/architecture.md).
int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace mlchain::cli
