#include <catch2/catch.hpp>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/unixfs.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {

Bytes hex(std::string_view text) { return from_hex(text).value(); }
Bytes text_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace

// Vectors: js ipfs-unixfs 13.1.1 (`new UnixFS({...}).marshal()`, the command is in tests/vectors/README.md).
TEST_CASE("UnixFS Data matches ipfs-unixfs byte for byte", "[unixfs]") {
  struct Case {
    const char* what;
    UnixfsData data;
    const char* encoded;
  };
  auto with = [](UnixfsType type) {
    UnixfsData data;
    data.type = type;
    return data;
  };
  Case cases[] = {
      {"empty file", with(UnixfsType::file), "08021800"},
      {"file \"hello\\n\"", with(UnixfsType::file), "0802120668656c6c6f0a1806"},
      {"file of two leaves", with(UnixfsType::file), "0802188080202080801020808010"},
      {"raw \"abc\"", with(UnixfsType::raw), "080012036162631803"},
      {"directory", with(UnixfsType::directory), "0801"},
      {"symlink", with(UnixfsType::symlink), "080412092e2e2f746172676574"},
      {"HAMT shard", with(UnixfsType::hamt_shard), "08052822308002"},
      {"file with mode and mtime", with(UnixfsType::file), "0802180038ed03420b0880e2cfaa06150065cd1d"},
      {"directory with mtime before 1970", with(UnixfsType::directory), "0801420b08ffffffffffffffffff01"},
  };
  cases[0].data.filesize = 0;
  cases[1].data.data = text_bytes("hello\n");
  cases[1].data.filesize = 6;
  cases[2].data.filesize = 524288;
  cases[2].data.blocksizes = {262144, 262144};
  cases[3].data.data = text_bytes("abc");
  cases[3].data.filesize = 3;
  cases[5].data.data = text_bytes("../target");
  cases[6].data.hash_type = hamt_hash_murmur3_x64_64;
  cases[6].data.fanout = 256;
  cases[7].data.filesize = 0;
  cases[7].data.mode = 0755;
  cases[7].data.mtime = UnixfsTime{1700000000, 500000000};
  cases[8].data.mtime = UnixfsTime{-1, std::nullopt};
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(to_hex(c.data.encode()) == c.encoded);
    auto decoded = UnixfsData::decode(hex(c.encoded));
    REQUIRE(decoded);
    CHECK(*decoded == c.data);
  }
}

// Vector: `ipfs_cid` (Debian ipfs-cid 0.0~git20200813.59cf068) on the 6-byte file "hello\n" prints
// QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN; the block is a dag-pb node whose Data is UnixFS.
TEST_CASE("a UnixFS file leaf inside dag-pb has the CID ipfs_cid computes", "[unixfs]") {
  UnixfsData file;
  file.data = text_bytes("hello\n");
  file.filesize = 6;
  PbNode node;
  node.data = file.encode();
  const auto block = node.encode();
  CHECK(to_hex(block) == "0a0c0802120668656c6c6f0a1806");
  CHECK(Cid::of_block(0, multicodec::dag_pb, block).to_string() == "QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN");
  CHECK(Cid::of_block(1, multicodec::dag_pb, block).to_string() ==
        "bafybeiffndsajwhk3lwjewwdxqntmjm4b5wxaaanokonsggenkbw6slwk4");
  auto read_back = UnixfsData::decode(*PbNode::decode(block).value().data);
  REQUIRE(read_back);
  CHECK(*read_back == file);
}

TEST_CASE("UnixFS Data decoding is strict", "[unixfs]") {
  const std::pair<const char*, const char*> rejected[] = {
      {"", "no Type"},
      {"1800", "filesize without a Type"},
      {"0806", "unknown Type 6"},
      {"08021800120161", "Data after filesize"},
      {"08020802", "Type twice"},
      {"0802120161120162", "Data twice"},
      {"080218001800", "filesize twice"},
      {"08022000280020002000", "blocksizes not consecutive"},
      {"0a0102", "Type as bytes"},
      {"08021a0100", "filesize with the length-delimited wire type"},
      {"0802480a", "unknown field 9"},
      {"0802388080", "mode truncated"},
      {"0802388080808010", "mode of 2^32"},
      {"0802420208ff", "mtime seconds truncated"},
      {"0802420715010000000801", "mtime nanos before seconds"},
      {"080242051501000000", "mtime without seconds"},
      {"0802420708001500000000", "mtime nanos 0 (absent means 0)"},
      {"0802420708001500ca9a3b", "mtime nanos 10^9"},
      {"080242040800100a", "mtime nanos with the varint wire type"},
      {"0880", "truncated Type"},
      {"088002", "Type as a non-minimal varint"},
      {"080200", "trailing zero byte"},
      {"08ffffffffffffffffff02", "varint over 64 bits"},
  };
  for (auto [encoded, why] : rejected) {
    INFO(why << ": " << encoded);
    auto bytes = from_hex(encoded);
    REQUIRE(bytes);  // the vector itself must be whole bytes
    CHECK_FALSE(UnixfsData::decode(*bytes));
  }
}
