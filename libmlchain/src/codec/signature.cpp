#include "mlchain/codec/signature.hpp"

#include <algorithm>

namespace mlchain::codec {
namespace {

// The order n of secp256k1 and ⌊n/2⌋, big-endian.
constexpr std::array<std::uint8_t, 32> curve_order = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                      0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                                      0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
constexpr std::array<std::uint8_t, 32> half_curve_order = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

bool is_zero(ByteView value) {
  return std::all_of(value.begin(), value.end(), [](auto b) { return b == 0; });
}

// Big-endian comparison of equal-length values.
bool less(ByteView a, ByteView b) { return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace

Result<RecoverableSignature> parse_signature(ByteView bytes) {
  if (bytes.size() != 65)
    return make_error(ErrorKind::bad_signature,
                      "a signature is 65 bytes (r ‖ s ‖ v), not " + std::to_string(bytes.size()));
  RecoverableSignature signature;
  std::copy(bytes.begin(), bytes.end(), signature.bytes.begin());
  if (signature.v() != 27 && signature.v() != 28)
    return make_error(ErrorKind::bad_signature, "signature's v is " + std::to_string(signature.v()) + ", not 27 or 28");
  if (is_zero(signature.r()) || !less(signature.r(), curve_order))
    return make_error(ErrorKind::bad_signature, "signature's r is out of range");
  if (is_zero(signature.s()) || less(half_curve_order, signature.s()))
    return make_error(ErrorKind::bad_signature,
                      "signature's s is zero or above n/2 (a malleable high-s signature is refused)");
  return signature;
}

}  // namespace mlchain::codec
