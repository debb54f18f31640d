#include "mlchain/codec/murmur3.hpp"

#include <bit>

namespace mlchain::codec {
namespace {

constexpr std::uint64_t c1 = 0x87c37b91114253d5ULL;
constexpr std::uint64_t c2 = 0x4cf5ad432745937fULL;

// Blocks are read little-endian whatever the host, so the hash is the same on every machine.
std::uint64_t load_le64(const std::uint8_t* bytes, std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = count; i > 0; --i) value = (value << 8) | bytes[i - 1];
  return value;
}

std::uint64_t mix_k1(std::uint64_t k1) { return std::rotl(k1 * c1, 31) * c2; }
std::uint64_t mix_k2(std::uint64_t k2) { return std::rotl(k2 * c2, 33) * c1; }

std::uint64_t finalize(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

}  // namespace

Murmur3Hash128 murmur3_x64_128(ByteView data, std::uint32_t seed) {
  std::uint64_t h1 = seed;
  std::uint64_t h2 = seed;
  const std::size_t block_count = data.size() / 16;
  const std::uint8_t* bytes = data.data();

  for (std::size_t i = 0; i < block_count; ++i) {
    h1 ^= mix_k1(load_le64(bytes + i * 16, 8));
    h1 = std::rotl(h1, 27) + h2;
    h1 = h1 * 5 + 0x52dce729;
    h2 ^= mix_k2(load_le64(bytes + i * 16 + 8, 8));
    h2 = std::rotl(h2, 31) + h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  const std::uint8_t* tail = bytes + block_count * 16;
  const std::size_t tail_size = data.size() % 16;
  if (tail_size > 8) h2 ^= mix_k2(load_le64(tail + 8, tail_size - 8));
  if (tail_size > 0) h1 ^= mix_k1(load_le64(tail, tail_size < 8 ? tail_size : 8));

  const auto length = static_cast<std::uint64_t>(data.size());
  h1 ^= length;
  h2 ^= length;
  h1 += h2;
  h2 += h1;
  h1 = finalize(h1);
  h2 = finalize(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

}  // namespace mlchain::codec
