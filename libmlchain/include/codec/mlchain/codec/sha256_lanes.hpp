#pragma once
// SHA-256 of sixteen messages of equal length at once, one in each 32-bit lane of AVX-512 registers: on a
// CPU that has AVX-512 it hashes about 1.8 times as many bytes per core as OpenSSL's single-message
// SHA-NI code (bench/README.md), which is what lets `mlchain cid` hash faster than one message at a time.
// The digests are plain SHA-256: the same bytes as sha256() of each message.

#include <array>
#include <cstdint>

#include "mlchain/codec/sha256.hpp"

namespace mlchain::codec {

class Sha256Lanes {
 public:
  static constexpr std::size_t lanes = 16;
  static constexpr std::size_t block_size = 64;

  // True when this CPU and its OS run AVX-512 (F and BW); nothing else may be called otherwise.
  static bool available();

  Sha256Lanes();

  // Feeds the next `length` bytes of each message, lane i's from data[i]; `length` is a multiple of
  // block_size.
  void update(const std::array<const std::uint8_t*, lanes>& data, std::size_t length);
  // The digest of each lane's message (all it was fed); the object is spent afterwards.
  std::array<Sha256Digest, lanes> finish();

 private:
  std::array<std::array<std::uint32_t, lanes>, 8> state_;  // state_[word][lane]
  std::uint64_t length_ = 0;                               // bytes fed to each lane
};

}  // namespace mlchain::codec
