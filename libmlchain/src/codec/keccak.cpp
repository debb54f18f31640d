#include "mlchain/codec/keccak.hpp"

#include <cstring>

namespace mlchain::codec {
namespace {

constexpr std::uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// ρ offsets and π destinations along the lane walk that starts at (1, 0).
constexpr unsigned rotations[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                    27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr unsigned pi_lanes[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                   15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

constexpr std::uint64_t rotl(std::uint64_t x, unsigned n) { return (x << n) | (x >> ((64 - n) & 63)); }

void keccak_f1600(std::array<std::uint64_t, 25>& a) {
  for (auto constant : round_constants) {
    std::uint64_t c[5];
    for (unsigned x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (unsigned x = 0; x < 5; ++x) {
      const std::uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
      for (unsigned y = 0; y < 25; y += 5) a[y + x] ^= d;
    }
    std::uint64_t carried = a[1];
    for (unsigned i = 0; i < 24; ++i) {
      const unsigned lane = pi_lanes[i];
      const std::uint64_t next = a[lane];
      a[lane] = rotl(carried, rotations[i]);
      carried = next;
    }
    for (unsigned y = 0; y < 25; y += 5) {
      std::uint64_t row[5];
      for (unsigned x = 0; x < 5; ++x) row[x] = a[y + x];
      for (unsigned x = 0; x < 5; ++x) a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
    }
    a[0] ^= constant;
  }
}

std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

void Keccak256::absorb_block(const std::uint8_t* block) {
  for (std::size_t i = 0; i < rate / 8; ++i) state_[i] ^= load_le64(block + 8 * i);
  keccak_f1600(state_);
}

void Keccak256::update(ByteView data) {
  const std::uint8_t* p = data.data();
  std::size_t left = data.size();
  if (pending_size_ > 0) {
    const std::size_t take = std::min(left, rate - pending_size_);
    std::memcpy(pending_.data() + pending_size_, p, take);
    pending_size_ += take;
    p += take;
    left -= take;
    if (pending_size_ < rate) return;
    absorb_block(pending_.data());
    pending_size_ = 0;
  }
  for (; left >= rate; p += rate, left -= rate) absorb_block(p);
  if (left > 0) std::memcpy(pending_.data(), p, left);
  pending_size_ = left;
}

Keccak256Digest Keccak256::finish() {
  std::memset(pending_.data() + pending_size_, 0, rate - pending_size_);
  pending_[pending_size_] ^= 0x01;
  pending_[rate - 1] ^= 0x80;
  absorb_block(pending_.data());
  pending_size_ = 0;
  Keccak256Digest digest;
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(state_[i / 8] >> (8 * (i % 8)));
  return digest;
}

Keccak256Digest keccak256(ByteView data) {
  Keccak256 hasher;
  hasher.update(data);
  return hasher.finish();
}

}  // namespace mlchain::codec
