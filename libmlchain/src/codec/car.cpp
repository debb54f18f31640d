#include "mlchain/codec/car.hpp"

#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/varint.hpp"

namespace mlchain::codec {
namespace {

Error car_error(std::uint64_t offset, const std::string& what) {
  return make_error(ErrorKind::corrupt, "CAR at byte " + std::to_string(offset) + ": " + what);
}

enum class VarintState { complete, incomplete, invalid };

// Whether the front of `input` holds a whole varint yet: a stream may stop in the middle of one.
VarintState varint_state(ByteView input) {
  for (std::size_t i = 0; i < input.size() && i < max_varint_bytes; ++i) {
    if ((input[i] & 0x80) == 0) return VarintState::complete;
  }
  return input.size() < max_varint_bytes ? VarintState::incomplete : VarintState::invalid;
}

Result<std::vector<Cid>> decode_header(ByteView bytes, std::uint64_t offset) {
  auto value = dag_cbor::decode(bytes);
  if (!value) return car_error(offset, "the header is not canonical dag-cbor: " + value.error().message);
  const auto* map = value->get_if<dag_cbor::Map>();
  if (map == nullptr || map->size() != 2) {
    return car_error(offset, "the header is not a map of exactly \"roots\" and \"version\"");
  }
  const auto* version = value->find("version");
  if (version == nullptr || version->as_uint64() != std::optional<std::uint64_t>(1)) {
    return car_error(offset, "the header's version is not 1 (only CARv1 is read)");
  }
  const auto* roots = value->find("roots");
  const auto* list = roots == nullptr ? nullptr : roots->get_if<dag_cbor::List>();
  if (list == nullptr || list->empty()) return car_error(offset, "the header's roots are not a non-empty list");
  std::vector<Cid> cids;
  for (const auto& root : *list) {
    const auto* cid = root.get_if<Cid>();
    if (cid == nullptr) return car_error(offset, "a root in the header is not a CID link");
    cids.push_back(*cid);
  }
  return cids;
}

}  // namespace

Bytes encode_car_header(const std::vector<Cid>& roots) {
  dag_cbor::List links(roots.begin(), roots.end());
  dag_cbor::Map header;
  header.emplace("roots", std::move(links));
  header.emplace("version", 1);
  // Links and small integers are always representable: encoding cannot fail.
  auto body = dag_cbor::encode(dag_cbor::Value(std::move(header))).value();
  Bytes out;
  append_varint(out, body.size());
  append(out, body);
  return out;
}

Bytes encode_car_section(const Cid& cid, ByteView block) {
  const auto cid_bytes = cid.to_bytes();
  Bytes out;
  out.reserve(max_varint_bytes + cid_bytes.size() + block.size());
  append_varint(out, cid_bytes.size() + block.size());
  append(out, cid_bytes);
  append(out, block);
  return out;
}

Status CarReader::feed(ByteView bytes) {
  if (failed_) return make_error(ErrorKind::internal, "CAR reader used again after an error");
  append(pending_, bytes);
  std::size_t position = 0;
  auto fail = [&](Error error) -> Status {
    failed_ = true;
    return error;
  };
  while (position < pending_.size()) {
    const ByteView rest(pending_.data() + position, pending_.size() - position);
    const std::uint64_t at = offset_ + position;
    const auto state = varint_state(rest);
    if (state == VarintState::incomplete) break;
    auto length = read_varint(rest);
    if (state == VarintState::invalid || !length) {
      return fail(car_error(at, "bad length prefix" + (length ? std::string() : ": " + length.error().message)));
    }
    const auto limit = header_read_ ? max_car_section_bytes : max_car_header_bytes;
    if (length->value == 0) return fail(car_error(at, header_read_ ? "empty section" : "empty header"));
    if (length->value > limit) {
      return fail(car_error(at, (header_read_ ? "section of " : "header of ") + std::to_string(length->value) +
                                    " bytes exceeds the limit of " + std::to_string(limit)));
    }
    const auto total = length->length + static_cast<std::size_t>(length->value);
    if (rest.size() < total) break;
    const auto content = rest.subspan(length->length, static_cast<std::size_t>(length->value));
    if (!header_read_) {
      auto roots = decode_header(content, at);
      if (!roots) return fail(std::move(roots).error());
      if (expected_root_ && *roots != std::vector<Cid>{*expected_root_})
        return fail(car_error(at, "the CAR's roots are not " + expected_root_->to_string() + " alone"));
      roots_ = std::move(roots).value();
      header_read_ = true;
    } else {
      std::size_t cid_length = 0;
      auto cid = Cid::read(content, cid_length);
      if (!cid) return fail(car_error(at, "bad CID: " + cid.error().message));
      const auto block = content.subspan(cid_length);
      if (!cid->matches(block)) {
        return fail(car_error(at, "block " + cid->to_string() + " does not hash to its CID"));
      }
      auto accepted = on_block_(*cid, block);
      if (!accepted.ok()) return fail(std::move(accepted).error());
      ++blocks_read_;
    }
    position += total;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(position));
  offset_ += position;
  return {};
}

Status CarReader::finish() {
  if (failed_) return make_error(ErrorKind::internal, "CAR reader used again after an error");
  if (!header_read_) return car_error(offset_, "the CAR ends before its header is complete");
  if (!pending_.empty()) return car_error(offset_, "the CAR ends inside a section");
  return {};
}

Result<Car> decode_car(ByteView input) {
  Car car;
  CarReader reader([&car](const Cid& cid, ByteView block) -> Status {
    car.blocks.push_back(CarBlock{cid, Bytes(block.begin(), block.end())});
    return {};
  });
  MLCHAIN_TRY_STATUS(reader.feed(input));
  MLCHAIN_TRY_STATUS(reader.finish());
  car.roots = reader.roots();
  return car;
}

}  // namespace mlchain::codec
