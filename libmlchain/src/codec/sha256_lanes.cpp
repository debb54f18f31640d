#include "mlchain/codec/sha256_lanes.hpp"

#include <immintrin.h>

// GCC 12 warns of an uninitialised value inside its own AVX-512 intrinsics (_mm512_undefined_epi32, GCC
// bug 105593, fixed in GCC 13); the warning is about the header, not about this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace mlchain::codec {
namespace {

// FIPS 180-4 §4.2.2 and §5.3.3.
alignas(64) constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
constexpr std::uint32_t initial_state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Compiled for AVX-512 whatever the build's target; only called once available() said the CPU has it.
#define MLCHAIN_AVX512 __attribute__((target("avx512f,avx512bw")))

// Turns 16 rows (one lane's 64-byte block each) into 16 columns (word t of every lane's block).
MLCHAIN_AVX512 inline void transpose(__m512i rows[16]) {
  __m512i t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_epi32(rows[i], rows[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi32(rows[i], rows[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    rows[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
    rows[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
    rows[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
    rows[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_i32x4(rows[i], rows[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_i32x4(rows[i], rows[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_i32x4(rows[i + 8], rows[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_i32x4(rows[i + 8], rows[i + 12], 0xdd);
  }
  for (int i = 0; i < 4; ++i) {
    rows[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
    rows[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
    rows[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
    rows[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xdd);
  }
}

// Σ and σ of FIPS 180-4 §4.1.2 on every lane: three rotations or shifts folded by one three-way XOR.
MLCHAIN_AVX512 inline __m512i xor3(__m512i a, __m512i b, __m512i c) { return _mm512_ternarylogic_epi32(a, b, c, 0x96); }

using LaneState = std::array<std::array<std::uint32_t, Sha256Lanes::lanes>, 8>;

MLCHAIN_AVX512 void compress(LaneState& state, const std::array<const std::uint8_t*, Sha256Lanes::lanes>& data,
                             std::size_t blocks) {
  const __m512i big_endian = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
  __m512i h[8];
  for (std::size_t i = 0; i < 8; ++i) h[i] = _mm512_loadu_si512(state[i].data());
  for (std::size_t block = 0; block < blocks; ++block) {
    __m512i w[16];
    for (std::size_t i = 0; i < 16; ++i) w[i] = _mm512_loadu_si512(data[i] + block * 64);
    transpose(w);
    for (auto& word : w) word = _mm512_shuffle_epi8(word, big_endian);
    __m512i a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; ++t) {
      if (t >= 16) {
        const __m512i w15 = w[(t - 15) & 15];
        const __m512i w2 = w[(t - 2) & 15];
        const __m512i s0 = xor3(_mm512_ror_epi32(w15, 7), _mm512_ror_epi32(w15, 18), _mm512_srli_epi32(w15, 3));
        const __m512i s1 = xor3(_mm512_ror_epi32(w2, 17), _mm512_ror_epi32(w2, 19), _mm512_srli_epi32(w2, 10));
        w[t & 15] = _mm512_add_epi32(_mm512_add_epi32(w[t & 15], s0), _mm512_add_epi32(w[(t - 7) & 15], s1));
      }
      const __m512i big_s1 = xor3(_mm512_ror_epi32(e, 6), _mm512_ror_epi32(e, 11), _mm512_ror_epi32(e, 25));
      const __m512i choose = _mm512_ternarylogic_epi32(e, f, g, 0xca);
      const __m512i t1 = _mm512_add_epi32(
          _mm512_add_epi32(_mm512_add_epi32(hh, big_s1),
                           _mm512_add_epi32(choose, _mm512_set1_epi32(static_cast<int>(round_constants[t])))),
          w[t & 15]);
      const __m512i big_s0 = xor3(_mm512_ror_epi32(a, 2), _mm512_ror_epi32(a, 13), _mm512_ror_epi32(a, 22));
      const __m512i majority = _mm512_ternarylogic_epi32(a, b, c, 0xe8);
      const __m512i t2 = _mm512_add_epi32(big_s0, majority);
      hh = g;
      g = f;
      f = e;
      e = _mm512_add_epi32(d, t1);
      d = c;
      c = b;
      b = a;
      a = _mm512_add_epi32(t1, t2);
    }
    h[0] = _mm512_add_epi32(h[0], a);
    h[1] = _mm512_add_epi32(h[1], b);
    h[2] = _mm512_add_epi32(h[2], c);
    h[3] = _mm512_add_epi32(h[3], d);
    h[4] = _mm512_add_epi32(h[4], e);
    h[5] = _mm512_add_epi32(h[5], f);
    h[6] = _mm512_add_epi32(h[6], g);
    h[7] = _mm512_add_epi32(h[7], hh);
  }
  for (std::size_t i = 0; i < 8; ++i) _mm512_storeu_si512(state[i].data(), h[i]);
}

}  // namespace

bool Sha256Lanes::available() {
  // libgcc's check covers the OS side too: it asks XGETBV whether the AVX-512 registers are saved.
  static const bool supported = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  return supported;
}

Sha256Lanes::Sha256Lanes() {
  for (std::size_t word = 0; word < 8; ++word) state_[word].fill(initial_state[word]);
}

void Sha256Lanes::update(const std::array<const std::uint8_t*, lanes>& data, std::size_t length) {
  compress(state_, data, length / block_size);
  length_ += length;
}

std::array<Sha256Digest, Sha256Lanes::lanes> Sha256Lanes::finish() {
  // Every message is a whole number of blocks, so all share one padding block: 0x80, zeros, the bit length.
  alignas(64) std::array<std::uint8_t, block_size> padding{0x80};
  const std::uint64_t bits = length_ * 8;
  for (std::size_t i = 0; i < 8; ++i) padding[block_size - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  std::array<const std::uint8_t*, lanes> last;
  last.fill(padding.data());
  update(last, block_size);
  std::array<Sha256Digest, lanes> digests;
  for (std::size_t lane = 0; lane < lanes; ++lane)
    for (std::size_t word = 0; word < 8; ++word)
      for (std::size_t byte = 0; byte < 4; ++byte)
        digests[lane][4 * word + byte] = static_cast<std::uint8_t>(state_[word][lane] >> (24 - 8 * byte));
  return digests;
}

}  // namespace mlchain::codec
