#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "mlchain/codec/murmur3.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {
// h1 then h2, each as 16 hex digits, most significant first: the form @multiformats/murmur3 prints.
std::string to_hex_pair(const Murmur3Hash128& hash) {
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(hash.h1),
                static_cast<unsigned long long>(hash.h2));
  return text;
}
}  // namespace

// Vectors: the mmh3 README (PyPI mmh3 2.5.1, `mmh3.hash64('foo', signed=False)` and
// `mmh3.hash64('foo', 42, True)`), see tests/vectors/README.md.
TEST_CASE("murmur3 x64 128 matches the mmh3 README", "[murmur3]") {
  const auto foo = murmur3_x64_128(as_bytes("foo"));
  CHECK(foo.h1 == 16316970633193145697ULL);
  CHECK(foo.h2 == 9128664383759220103ULL);

  // (-840311307571801102, -6739155424061121879) as signed 64-bit values.
  const auto seeded = murmur3_x64_128(as_bytes("foo"), 42);
  CHECK(static_cast<std::int64_t>(seeded.h1) == -840311307571801102LL);
  CHECK(static_cast<std::int64_t>(seeded.h2) == -6739155424061121879LL);
}

// Vectors: @multiformats/murmur3 2.2.8 (the hash ipfs-unixfs-importer 17.1.1 shards with),
// `murmur3128.encode(utf8(input))`, around the 8- and 16-byte block and tail boundaries.
TEST_CASE("murmur3 x64 128 matches @multiformats/murmur3 across block boundaries", "[murmur3]") {
  const std::pair<const char*, const char*> cases[] = {
      {"", "00000000000000000000000000000000"},
      {"a", "85555565f6597889e6b53a48510e895a"},
      {"hello", "cbd8a7b341bd9b025b1e906a48ae1d19"},
      {"The quick brown fox jumps over the lazy dog", "e34bbc7bbc071b6c7a433ca9c49a9347"},
      {"0123456", "13eb9fb82606f7a6b4ebef492fdef34e"},
      {"01234567", "8236039b7387354dc3369387d8964920"},
      {"012345678", "4c1e87519fe738ba72a17af899d597f1"},
      {"0123456789abcde", "a62dd5f6c0bf23514fccf50c7c544cf0"},
      {"0123456789abcdef", "4be06d94cf4ad1a787c35b5c63a708da"},
      {"0123456789abcdefg", "8e32612daa45f9de0800f4c206c372ee"},
      {"0123456789abcdefghijklmnopqrstu", "b828780c1a6e05423922739113a7e9b2"},
      {"0123456789abcdefghijklmnopqrstuv", "2f285ccec0edf1f7c405d66374dea50b"},
      {"0123456789abcdefghijklmnopqrstuvw", "e82017bf95741128ddc56eb32bc3a99a"},
  };
  for (auto [input, expected] : cases) {
    INFO(input);
    CHECK(to_hex_pair(murmur3_x64_128(as_bytes(input))) == expected);
  }
}
