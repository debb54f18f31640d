#include <catch2/catch.hpp>

#include <limits>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/hex.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {

Bytes hex(std::string_view text) { return from_hex(text).value(); }

// The two links of codec-fixtures' dagpb_2link+data: CIDv0 hashes 8ab7…43 and 8ab7…44.
const char* const link_a = "12208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f43";
const char* const link_b = "12208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f44";

// A one-link node whose link's fields are given as hex: 12 <len> <fields>.
Bytes node_with_link(std::string_view link_fields) {
  const Bytes fields = hex(link_fields);
  // Built with reserve + push_back: GCC 12 at -O2 misreads an insert after a 2-element initializer
  // list as an out-of-bounds memcpy (-Warray-bounds).
  Bytes node;
  node.reserve(2 + fields.size());
  node.push_back(0x12);
  node.push_back(static_cast<std::uint8_t>(fields.size()));
  append(node, fields);
  return node;
}

// Link field: Hash = bafkqabiaaebagba (an identity CID, 9 bytes).
constexpr std::string_view hash_field = "0a09015500050001020304";

}  // namespace

// Vectors: ipld/codec-fixtures (commit bf8ab05), fixtures/dagpb_*/<cid>.dag-pb, transcribed by hand;
// the empty block and its two CIDs are also in the DAG-PB spec, "Zero-length blocks".
TEST_CASE("dag-pb decodes the IPLD codec fixtures and re-encodes them byte for byte", "[dag-pb]") {
  const std::pair<const char*, const char*> fixtures[] = {
      {"", "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},            // dagpb_empty
      {"0a00", "bafybeiaqfni3s5s2k2r6rgpxz4hohdsskh44ka5tk6ztbjerqpvxwfkwaq"},        // dagpb_Data_zero
      {"0a03010203", "bafybeia2qk4u55f2qj7zimmtpulejgz7urp7rzs44cvledcaj42gltkk3u"},  // dagpb_simple_forms_1
      {"12240a2212207521fe19c374a97759226dc5c0c8e674e73950e81b211f7dd3b6b30883a08a51",
       "bafybeihyivpglm6o6wrafbe36fp5l67abmewk7i2eob5wacdbhz7as5obe"},  // dagpb_1link
      {"120d0a090155000500010203041200",
       "bafybeie7fstnkm4yshfwnmpp7d3mlh4f4okmk7a54d6c3ffr755q7qzk44"},  // dagpb_Links_Hash_some_Name_zero
      {"120d0a090155000500010203041800",
       "bafybeichjs5otecmbvwh5azdr4jc45mp2qcofh2fr54wjdxhz4znahod2i"},  // dagpb_Links_Hash_some_Tsize_zero
      {"12340a2212208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f431209736f6d65206c696e6b1880c2d7"
       "2f12370a2212208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f44120f736f6d65206f74686572206c"
       "696e6b18080a09736f6d652064617461",
       "bafybeibh647pmxyksmdm24uad6b5f7tx4dhvilzbg2fiqgzll4yek7g7y4"},  // dagpb_2link+data
  };
  for (auto [encoded, cid] : fixtures) {
    INFO(encoded);
    const Bytes block = hex(encoded);
    auto node = PbNode::decode(block);
    REQUIRE(node);
    CHECK(to_hex(node->encode()) == encoded);
    CHECK(Cid::of_block(1, multicodec::dag_pb, block).to_string() == cid);
  }
  CHECK(Cid::of_block(0, multicodec::dag_pb, {}).to_string() == "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
}

TEST_CASE("dag-pb decodes fields into the node and encodes a built node canonically", "[dag-pb]") {
  PbNode built;
  built.links.push_back({Cid::from_bytes(hex(link_a)).value(), "some link", 100000000});
  built.links.push_back({Cid::from_bytes(hex(link_b)).value(), "some other link", 8});
  built.data = Bytes{'s', 'o', 'm', 'e', ' ', 'd', 'a', 't', 'a'};
  const auto encoded = built.encode();
  CHECK(Cid::of_block(1, multicodec::dag_pb, encoded).to_string() ==
        "bafybeibh647pmxyksmdm24uad6b5f7tx4dhvilzbg2fiqgzll4yek7g7y4");
  auto decoded = PbNode::decode(encoded);
  REQUIRE(decoded);
  CHECK(*decoded == built);
  CHECK(decoded->links[0].hash.version() == 0);

  auto empty_name = PbNode::decode(hex("120d0a090155000500010203041200"));
  REQUIRE(empty_name);
  CHECK(empty_name->links.at(0).name == std::string());
  CHECK_FALSE(empty_name->links[0].tsize);
  CHECK_FALSE(empty_name->data);
  CHECK(PbNode::decode(hex("0a00")).value().data == Bytes{});
}

TEST_CASE("dag-pb carries the whole uint64 range of Tsize", "[dag-pb]") {
  PbNode node;
  node.links.push_back(
      {Cid::parse("bafkqabiaaebagba").value(), std::nullopt, std::numeric_limits<std::uint64_t>::max()});
  const auto encoded = node.encode();
  CHECK(to_hex(encoded) == "12160a0901550005000102030418ffffffffffffffffff01");
  CHECK(PbNode::decode(encoded).value() == node);
}

TEST_CASE("dag-pb decoding applies the spec's strictness rules", "[dag-pb]") {
  const std::string h(hash_field);
  const std::pair<Bytes, const char*> rejected[] = {
      {hex("1a00"), "unknown PBNode field 3"},
      {hex("0800"), "Data with the varint wire type"},
      {hex("1000"), "Links with the varint wire type"},
      {hex("0d00000000"), "Data with the fixed32 wire type"},
      {hex("0900000000000000000a00"), "wire type 1 (fixed64)"},
      {hex("0b0c"), "wire type 3 (group)"},
      {hex("0200"), "field number 0"},
      {hex("0a000a00"), "two Data fields"},
      {hex("0a00120b" + h), "Links after Data"},
      {hex("1200"), "link without a Hash"},
      {node_with_link("1200"), "link with a Name but no Hash"},
      {node_with_link("1200" + h), "Name before Hash"},
      {node_with_link(h + "1800" + "1200"), "Tsize before Name"},
      {node_with_link(h + h), "two Hash fields"},
      {node_with_link(h + "12001200"), "two Name fields"},
      {node_with_link(h + "18001801"), "two Tsize fields"},
      {node_with_link(h + "2000"), "unknown PBLink field 4"},
      {node_with_link("0801"), "Hash with the varint wire type"},
      {node_with_link(h + "1000"), "Name with the varint wire type"},
      {node_with_link(h + "1a00"), "Tsize with the length-delimited wire type"},
      {node_with_link("0a020102"), "Hash that is not a CID"},
      {node_with_link("0a0a01550005000102030405"), "Hash CID with a trailing byte"},
      {node_with_link("0a0402551200"), "Hash CIDv2"},
      {node_with_link(h + "188000"), "Tsize as a non-minimal varint"},
      {hex("0a8000"), "Data length as a non-minimal varint"},
      {hex("0a050102"), "truncated Data"},
      {hex("0a"), "tag without a value"},
      {hex("0a0012"), "truncated second field"},
      {hex("120b" + h + "00"), "trailing byte after the node"},
      {hex("0affffffffffffffffff01"), "Data length beyond the input"},
  };
  for (const auto& [block, why] : rejected) {
    INFO(why << ": " << to_hex(block));
    CHECK_FALSE(PbNode::decode(block));
  }
}
