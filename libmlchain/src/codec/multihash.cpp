#include "mlchain/codec/multihash.hpp"

#include <algorithm>

#include "mlchain/codec/sha256.hpp"
#include "mlchain/codec/varint.hpp"

namespace mlchain::codec {
namespace {
// Identity multihashes inline data into a CID; bound them so a hostile CID cannot carry a payload.
constexpr std::uint64_t max_identity_length = 128;
}  // namespace

Multihash Multihash::sha2_256_of(ByteView data) {
  const auto digest = sha256(data);
  return Multihash{multihash_code::sha2_256, Bytes(digest.begin(), digest.end())};
}

void Multihash::append_to(Bytes& out) const {
  append_varint(out, code);
  append_varint(out, digest.size());
  append(out, digest);
}

Bytes Multihash::to_bytes() const {
  Bytes out;
  append_to(out);
  return out;
}

Result<Multihash> Multihash::read(ByteView input, std::size_t& consumed) {
  auto code = read_varint(input);
  if (!code) return make_error(ErrorKind::invalid_input, "multihash code: " + code.error().message);
  auto length = read_varint(input.subspan(code->length));
  if (!length) return make_error(ErrorKind::invalid_input, "multihash length: " + length.error().message);
  const std::size_t header = code->length + length->length;
  if (code->value == multihash_code::sha2_256 && length->value != 32)
    return make_error(ErrorKind::invalid_input, "sha2-256 multihash must have a 32-byte digest");
  if (code->value == multihash_code::identity && length->value > max_identity_length)
    return make_error(ErrorKind::invalid_input, "identity multihash is longer than 128 bytes");
  if (length->value > input.size() - header)
    return make_error(ErrorKind::invalid_input, "multihash digest is truncated");
  const auto digest = input.subspan(header, static_cast<std::size_t>(length->value));
  consumed = header + digest.size();
  return Multihash{code->value, Bytes(digest.begin(), digest.end())};
}

bool Multihash::matches(ByteView data) const {
  if (code == multihash_code::sha2_256) {
    const auto actual = sha256(data);
    return std::equal(actual.begin(), actual.end(), digest.begin(), digest.end());
  }
  if (code == multihash_code::identity) return std::equal(data.begin(), data.end(), digest.begin(), digest.end());
  return false;
}

}  // namespace mlchain::codec
