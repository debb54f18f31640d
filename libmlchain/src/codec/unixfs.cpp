#include "mlchain/codec/unixfs.hpp"

#include <string>

#include "mlchain/codec/protobuf.hpp"

namespace mlchain::codec {
namespace {

using protobuf::WireType;

enum Field : std::uint32_t {
  type = 1,
  data = 2,
  filesize = 3,
  blocksizes = 4,
  hash_type = 5,
  fanout = 6,
  mode = 7,
  mtime = 8
};
enum TimeField : std::uint32_t { seconds = 1, nanos = 2 };

Bytes encode_time(const UnixfsTime& time) {
  Bytes out;
  protobuf::append_varint_field(out, TimeField::seconds, static_cast<std::uint64_t>(time.seconds));
  if (time.nanos) protobuf::append_fixed32_field(out, TimeField::nanos, *time.nanos);
  return out;
}

Result<UnixfsTime> decode_time(ByteView bytes) {
  protobuf::Reader reader(bytes);
  UnixfsTime time;
  bool has_seconds = false;
  std::uint32_t last_field = 0;
  while (!reader.done()) {
    MLCHAIN_TRY(auto tag, reader.read_tag());
    if (tag.field <= last_field)
      return make_error(ErrorKind::invalid_input, "UnixFS mtime fields are repeated or out of order");
    last_field = tag.field;
    if (tag.field == TimeField::seconds && tag.type == WireType::varint) {
      MLCHAIN_TRY(auto seconds, reader.read_varint());
      time.seconds = static_cast<std::int64_t>(seconds);
      has_seconds = true;
    } else if (tag.field == TimeField::nanos && tag.type == WireType::fixed32) {
      MLCHAIN_TRY(auto nanos, reader.read_fixed32());
      if (nanos == 0 || nanos > 999999999)
        return make_error(ErrorKind::invalid_input, "UnixFS mtime nanoseconds out of range");
      time.nanos = nanos;
    } else {
      return make_error(ErrorKind::invalid_input, "UnixFS mtime is malformed");
    }
  }
  if (!has_seconds) return make_error(ErrorKind::invalid_input, "UnixFS mtime has no seconds");
  return time;
}

}  // namespace

Bytes UnixfsData::encode() const {
  Bytes out;
  protobuf::append_varint_field(out, Field::type, static_cast<std::uint64_t>(type));
  if (data) protobuf::append_bytes_field(out, Field::data, *data);
  if (filesize) protobuf::append_varint_field(out, Field::filesize, *filesize);
  for (auto size : blocksizes) protobuf::append_varint_field(out, Field::blocksizes, size);
  if (hash_type) protobuf::append_varint_field(out, Field::hash_type, *hash_type);
  if (fanout) protobuf::append_varint_field(out, Field::fanout, *fanout);
  if (mode) protobuf::append_varint_field(out, Field::mode, *mode);
  if (mtime) protobuf::append_bytes_field(out, Field::mtime, encode_time(*mtime));
  return out;
}

Result<UnixfsData> UnixfsData::decode(ByteView bytes) {
  protobuf::Reader reader(bytes);
  UnixfsData result;
  bool has_type = false;
  std::uint32_t last_field = 0;
  while (!reader.done()) {
    MLCHAIN_TRY(auto tag, reader.read_tag());
    const bool repeatable = tag.field == Field::blocksizes;
    if (tag.field < last_field || (tag.field == last_field && !repeatable))
      return make_error(ErrorKind::invalid_input, "UnixFS fields are repeated or out of order");
    last_field = tag.field;
    const bool wants_bytes = tag.field == Field::data || tag.field == Field::mtime;
    if (tag.type != (wants_bytes ? WireType::length_delimited : WireType::varint))
      return make_error(ErrorKind::invalid_input,
                        "UnixFS field " + std::to_string(tag.field) + " has the wrong wire type");
    switch (tag.field) {
      case Field::type: {
        MLCHAIN_TRY(auto value, reader.read_varint());
        if (value > static_cast<std::uint64_t>(UnixfsType::hamt_shard))
          return make_error(ErrorKind::invalid_input, "UnixFS type " + std::to_string(value) + " is unknown");
        result.type = static_cast<UnixfsType>(value);
        has_type = true;
        break;
      }
      case Field::data: {
        MLCHAIN_TRY(auto value, reader.read_bytes());
        result.data = Bytes(value.begin(), value.end());
        break;
      }
      case Field::filesize: {
        MLCHAIN_TRY(auto value, reader.read_varint());
        result.filesize = value;
        break;
      }
      case Field::blocksizes: {
        MLCHAIN_TRY(auto value, reader.read_varint());
        result.blocksizes.push_back(value);
        break;
      }
      case Field::hash_type: {
        MLCHAIN_TRY(auto value, reader.read_varint());
        result.hash_type = value;
        break;
      }
      case Field::fanout: {
        MLCHAIN_TRY(auto value, reader.read_varint());
        result.fanout = value;
        break;
      }
      case Field::mode: {
        MLCHAIN_TRY(auto value, reader.read_varint());
        if (value > 0xffffffffu) return make_error(ErrorKind::invalid_input, "UnixFS mode out of range");
        result.mode = static_cast<std::uint32_t>(value);
        break;
      }
      case Field::mtime: {
        MLCHAIN_TRY(auto value, reader.read_bytes());
        MLCHAIN_TRY(auto time, decode_time(value));
        result.mtime = time;
        break;
      }
      default:
        return make_error(ErrorKind::invalid_input, "UnixFS has unknown field " + std::to_string(tag.field));
    }
  }
  if (!has_type) return make_error(ErrorKind::invalid_input, "UnixFS data has no Type");
  return result;
}

}  // namespace mlchain::codec
