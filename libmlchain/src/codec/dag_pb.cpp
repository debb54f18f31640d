#include "mlchain/codec/dag_pb.hpp"

#include "mlchain/codec/protobuf.hpp"

namespace mlchain::codec {
namespace {

using protobuf::WireType;

constexpr std::uint32_t node_data = 1;
constexpr std::uint32_t node_links = 2;
constexpr std::uint32_t link_hash = 1;
constexpr std::uint32_t link_name = 2;
constexpr std::uint32_t link_tsize = 3;

Bytes encode_link(const PbLink& link) {
  Bytes out;
  protobuf::append_bytes_field(out, link_hash, link.hash.to_bytes());
  if (link.name) protobuf::append_bytes_field(out, link_name, as_bytes(*link.name));
  if (link.tsize) protobuf::append_varint_field(out, link_tsize, *link.tsize);
  return out;
}

Result<PbLink> decode_link(ByteView bytes) {
  protobuf::Reader reader(bytes);
  PbLink link;
  bool has_hash = false;
  std::uint32_t last_field = 0;
  while (!reader.done()) {
    MLCHAIN_TRY(auto tag, reader.read_tag());
    if (tag.field <= last_field)
      return make_error(ErrorKind::invalid_input, "dag-pb link fields are repeated or out of order");
    last_field = tag.field;
    switch (tag.field) {
      case link_hash: {
        if (tag.type != WireType::length_delimited)
          return make_error(ErrorKind::invalid_input, "dag-pb link Hash has the wrong wire type");
        MLCHAIN_TRY(auto raw, reader.read_bytes());
        auto cid = Cid::from_bytes(raw);
        if (!cid) return make_error(ErrorKind::invalid_input, "dag-pb link Hash: " + cid.error().message);
        link.hash = std::move(cid).value();
        has_hash = true;
        break;
      }
      case link_name: {
        if (tag.type != WireType::length_delimited)
          return make_error(ErrorKind::invalid_input, "dag-pb link Name has the wrong wire type");
        MLCHAIN_TRY(auto raw, reader.read_bytes());
        link.name = std::string(raw.begin(), raw.end());
        break;
      }
      case link_tsize: {
        if (tag.type != WireType::varint)
          return make_error(ErrorKind::invalid_input, "dag-pb link Tsize has the wrong wire type");
        MLCHAIN_TRY(auto tsize, reader.read_varint());
        link.tsize = tsize;
        break;
      }
      default:
        return make_error(ErrorKind::invalid_input, "dag-pb link has unknown field " + std::to_string(tag.field));
    }
  }
  if (!has_hash) return make_error(ErrorKind::invalid_input, "dag-pb link has no Hash");
  return link;
}

}  // namespace

Bytes PbNode::encode() const {
  Bytes out;
  for (const auto& link : links) protobuf::append_bytes_field(out, node_links, encode_link(link));
  if (data) protobuf::append_bytes_field(out, node_data, *data);
  return out;
}

Result<PbNode> PbNode::decode(ByteView block) {
  protobuf::Reader reader(block);
  PbNode node;
  while (!reader.done()) {
    MLCHAIN_TRY(auto tag, reader.read_tag());
    if (tag.type != WireType::length_delimited)
      return make_error(ErrorKind::invalid_input, "dag-pb node field has the wrong wire type");
    if (tag.field == node_links) {
      if (node.data) return make_error(ErrorKind::invalid_input, "dag-pb node has Links after Data");
      MLCHAIN_TRY(auto raw, reader.read_bytes());
      MLCHAIN_TRY(auto link, decode_link(raw));
      node.links.push_back(std::move(link));
    } else if (tag.field == node_data) {
      if (node.data) return make_error(ErrorKind::invalid_input, "dag-pb node has more than one Data field");
      MLCHAIN_TRY(auto raw, reader.read_bytes());
      node.data = Bytes(raw.begin(), raw.end());
    } else {
      return make_error(ErrorKind::invalid_input, "dag-pb node has unknown field " + std::to_string(tag.field));
    }
  }
  return node;
}

}  // namespace mlchain::codec
