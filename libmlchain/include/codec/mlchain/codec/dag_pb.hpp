#pragma once
// dag-pb (codec 0x70): the protobuf subset IPLD specifies. Encoding is canonical (links before data,
// link fields in order Hash, Name, Tsize); decoding is strict and rejects anything an encoder of the
// spec would not produce: unknown fields, wrong wire types, out-of-order or repeated fields,
// non-minimal varints, trailing bytes.

#include <optional>
#include <string>
#include <vector>

#include "mlchain/codec/cid.hpp"

namespace mlchain::codec {

struct PbLink {
  Cid hash;
  std::optional<std::string> name;
  std::optional<std::uint64_t> tsize;

  friend bool operator==(const PbLink&, const PbLink&) = default;
};

struct PbNode {
  std::vector<PbLink> links;
  std::optional<Bytes> data;

  Bytes encode() const;
  static Result<PbNode> decode(ByteView block);

  friend bool operator==(const PbNode&, const PbNode&) = default;
};

}  // namespace mlchain::codec
