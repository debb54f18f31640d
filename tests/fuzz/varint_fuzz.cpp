// Unsigned varints: the multiformats reader (at most 9 bytes) and protobuf's (at most 10).

#include "mlchain/codec/protobuf.hpp"
#include "mlchain/codec/varint.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);

  if (auto decoded = codec::read_varint(in)) {
    Bytes again;
    codec::append_varint(again, decoded->value);
    fuzz::require_same(in.first(decoded->length), again, "multiformats varint");
    fuzz::require(codec::varint_size(decoded->value) == decoded->length, "varint_size");
  }

  codec::protobuf::Reader reader(in);
  if (auto value = reader.read_varint()) {
    Bytes again;
    codec::append_varint(again, *value);
    fuzz::require(again.size() <= in.size(), "protobuf varint longer than its input");
    fuzz::require_same(in.first(again.size()), again, "protobuf varint");
  }
  return 0;
}
