#include "mlchain/codec/protobuf.hpp"

#include "mlchain/codec/varint.hpp"

namespace mlchain::codec::protobuf {

void append_tag(Bytes& out, std::uint32_t field, WireType type) {
  append_varint(out, (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(type));
}

void append_varint_field(Bytes& out, std::uint32_t field, std::uint64_t value) {
  append_tag(out, field, WireType::varint);
  append_varint(out, value);
}

void append_bytes_field(Bytes& out, std::uint32_t field, ByteView value) {
  append_tag(out, field, WireType::length_delimited);
  append_varint(out, value.size());
  append(out, value);
}

void append_fixed32_field(Bytes& out, std::uint32_t field, std::uint32_t value) {
  append_tag(out, field, WireType::fixed32);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

Result<Reader::Tag> Reader::read_tag() {
  MLCHAIN_TRY(auto key, read_varint());
  const auto type = key & 7;
  const auto field = key >> 3;
  if (field == 0 || field > 0x1fffffff)
    return make_error(ErrorKind::invalid_input, "protobuf field number out of range");
  if (type != 0 && type != 2 && type != 5)
    return make_error(ErrorKind::invalid_input, "protobuf wire type " + std::to_string(type) + " is not allowed here");
  return Tag{static_cast<std::uint32_t>(field), static_cast<WireType>(type)};
}

// Protobuf varints carry whole 64-bit values (a uint64 Tsize, an int64 mtime before 1970 in two's
// complement), so they run to 10 bytes where multiformats' stop at 9; only the minimal form is accepted.
Result<std::uint64_t> Reader::read_varint() {
  constexpr std::size_t max_bytes = 10;
  std::uint64_t value = 0;
  for (std::size_t i = 0;; ++i) {
    if (pos_ + i == input_.size()) return make_error(ErrorKind::invalid_input, "protobuf varint is truncated");
    const std::uint8_t byte = input_[pos_ + i];
    if (i == max_bytes - 1 && byte > 1)
      return make_error(ErrorKind::invalid_input, "protobuf varint overflows 64 bits");
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && i > 0) return make_error(ErrorKind::invalid_input, "protobuf varint is not minimally encoded");
      pos_ += i + 1;
      return value;
    }
  }
}

Result<ByteView> Reader::read_bytes() {
  MLCHAIN_TRY(auto length, read_varint());
  if (length > input_.size() - pos_) return make_error(ErrorKind::invalid_input, "protobuf bytes field is truncated");
  auto bytes = input_.subspan(pos_, static_cast<std::size_t>(length));
  pos_ += bytes.size();
  return bytes;
}

Result<std::uint32_t> Reader::read_fixed32() {
  if (input_.size() - pos_ < 4) return make_error(ErrorKind::invalid_input, "protobuf fixed32 field is truncated");
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(input_[pos_ + i]) << (8 * i);
  pos_ += 4;
  return value;
}

}  // namespace mlchain::codec::protobuf
