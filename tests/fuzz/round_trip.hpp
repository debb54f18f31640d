#pragma once
// What every fuzz target asserts: an input a strict decoder accepts is the one its encoder writes.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/hex.hpp"

namespace mlchain::fuzz {

inline mlchain::ByteView input(const std::uint8_t* data, std::size_t size) { return {data, size}; }

// Aborts, which libFuzzer reports as a crash and saves the input that caused it.
inline void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "round trip broken: %s\n", what);
  std::abort();
}

inline void require_same(mlchain::ByteView expected, mlchain::ByteView actual, const char* what) {
  if (std::equal(expected.begin(), expected.end(), actual.begin(), actual.end())) return;
  std::fprintf(stderr, "round trip broken: %s\n  input:      %s\n  re-encoded: %s\n", what,
               mlchain::codec::to_hex(expected).c_str(), mlchain::codec::to_hex(actual).c_str());
  std::abort();
}

}  // namespace mlchain::fuzz
