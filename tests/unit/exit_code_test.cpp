#include <catch2/catch.hpp>

#include "exit_code.hpp"

using mlchain::ErrorKind;
using mlchain::cli::exit_code;

// Every kind's exit code, as docs/architecture.md ("Errors") documents it: scripts rely on these numbers.
TEST_CASE("every error kind maps to its documented exit code", "[cli][errors]") {
  CHECK(exit_code(ErrorKind::corrupt) == 1);
  CHECK(exit_code(ErrorKind::bad_signature) == 1);
  CHECK(exit_code(ErrorKind::not_anchored) == 1);
  CHECK(exit_code(ErrorKind::invalid_argument) == 2);
  CHECK(exit_code(ErrorKind::invalid_input) == 2);
  CHECK(exit_code(ErrorKind::unsupported) == 2);
  CHECK(exit_code(ErrorKind::not_found) == 3);
  CHECK(exit_code(ErrorKind::remote_unavailable) == 4);
  CHECK(exit_code(ErrorKind::timeout) == 4);
  CHECK(exit_code(ErrorKind::exists) == 5);
  CHECK(exit_code(ErrorKind::locked) == 5);
  CHECK(exit_code(ErrorKind::not_fast_forward) == 5);
  CHECK(exit_code(ErrorKind::changed_concurrently) == 5);
  CHECK(exit_code(ErrorKind::refused) == 5);
  CHECK(exit_code(ErrorKind::refused_by_contract) == 5);
  CHECK(exit_code(ErrorKind::access_denied) == 6);
  CHECK(exit_code(ErrorKind::internal) == 70);
}
