#pragma once

#include "mlchain/result.hpp"

namespace mlchain::cli {

// The exit code the command line returns for an error of this kind (docs/architecture.md, "Errors"): 1 corruption
// or failed verification, 2 usage, 3 not found, 4 remote, 5 conflict or refusal, 6 access denied, 70 internal.
int exit_code(ErrorKind kind);

}  // namespace mlchain::cli
