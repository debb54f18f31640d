#pragma once
// The few protobuf wire-format pieces dag-pb and UnixFS need; shared by their encoders and decoders.

#include <cstdint>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec::protobuf {

enum class WireType : std::uint8_t { varint = 0, length_delimited = 2, fixed32 = 5 };

void append_tag(Bytes& out, std::uint32_t field, WireType type);
void append_varint_field(Bytes& out, std::uint32_t field, std::uint64_t value);
void append_bytes_field(Bytes& out, std::uint32_t field, ByteView value);
void append_fixed32_field(Bytes& out, std::uint32_t field, std::uint32_t value);

// A cursor over a message that yields (field, wire type) pairs and their values, strictly.
class Reader {
 public:
  explicit Reader(ByteView input) : input_(input) {}
  bool done() const { return pos_ == input_.size(); }

  struct Tag {
    std::uint32_t field;
    WireType type;
  };
  Result<Tag> read_tag();
  Result<std::uint64_t> read_varint();
  Result<ByteView> read_bytes();
  Result<std::uint32_t> read_fixed32();

 private:
  ByteView input_;
  std::size_t pos_ = 0;
};

}  // namespace mlchain::codec::protobuf
