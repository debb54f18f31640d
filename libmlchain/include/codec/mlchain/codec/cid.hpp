#pragma once
// Content identifiers (multiformats CID v0 and v1). v1 prints as base32 ("b…"), v0 as bare base58btc
// ("Qm…"); parsing accepts those and the base58btc ("z…") and base16 ("f…") multibase forms of v1.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mlchain/codec/multihash.hpp"

namespace mlchain::codec {

namespace multicodec {
inline constexpr std::uint64_t raw = 0x55;
inline constexpr std::uint64_t dag_pb = 0x70;
inline constexpr std::uint64_t dag_cbor = 0x71;
}  // namespace multicodec

class Cid {
 public:
  Cid() = default;
  Cid(std::uint64_t version, std::uint64_t codec, Multihash hash);

  // The CID of a block: its sha2-256 multihash, under the given version and codec.
  static Cid of_block(std::uint64_t version, std::uint64_t codec, ByteView block);

  static Result<Cid> parse(std::string_view text);
  // Binary form, whole input: v0 is the bare 34-byte multihash, v1 is <1><codec><multihash>.
  static Result<Cid> from_bytes(ByteView bytes);
  // Binary form at the front of input (as inside a CAR section); `consumed` gets its length.
  static Result<Cid> read(ByteView input, std::size_t& consumed);

  std::uint64_t version() const { return version_; }
  std::uint64_t codec() const { return codec_; }
  const Multihash& hash() const { return hash_; }

  Bytes to_bytes() const;
  std::string to_string() const;

  // True when `block` is exactly the bytes this CID names.
  bool matches(ByteView block) const { return hash_.matches(block); }

  friend bool operator==(const Cid&, const Cid&) = default;
  friend auto operator<=>(const Cid&, const Cid&) = default;

 private:
  std::uint64_t version_ = 1;
  std::uint64_t codec_ = multicodec::raw;
  Multihash hash_;
};

}  // namespace mlchain::codec

template <>
struct std::hash<mlchain::codec::Cid> {
  std::size_t operator()(const mlchain::codec::Cid& cid) const noexcept;
};
