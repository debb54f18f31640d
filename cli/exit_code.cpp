#include "exit_code.hpp"

namespace mlchain::cli {

int exit_code(ErrorKind kind) {
  // No default: a new kind fails the build (-Werror=switch) until it has an exit code.
  switch (kind) {
    case ErrorKind::corrupt:
    case ErrorKind::bad_signature:
    case ErrorKind::not_anchored:
      return 1;
    case ErrorKind::invalid_argument:
    case ErrorKind::invalid_input:
    case ErrorKind::unsupported:
      return 2;
    case ErrorKind::not_found:
      return 3;
    case ErrorKind::remote_unavailable:
    case ErrorKind::timeout:
      return 4;
    case ErrorKind::exists:
    case ErrorKind::locked:
    case ErrorKind::not_fast_forward:
    case ErrorKind::changed_concurrently:
    case ErrorKind::refused:
    case ErrorKind::refused_by_contract:
      return 5;
    case ErrorKind::access_denied:
      return 6;
    case ErrorKind::internal:
      return 70;
  }
  return 70;  // not a kind at all (a value cast from an integer)
}

}  // namespace mlchain::cli
