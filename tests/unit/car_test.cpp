#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/varint.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {

// go-car's CARv1 of the CARv1 spec's basic fixture (tests/vectors/README.md says where it came from).
Bytes go_car_basic() {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/car/go-car-basic.hex");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return from_hex(text).value();
}

Cid cid(std::string_view text) { return Cid::parse(text).value(); }

struct Section {
  const char* cid;
  std::size_t offset;  // of the section's length prefix
  std::size_t length;  // of the whole section, prefix included
};

// The published index of that CAR: each block's CID and where its section lies.
const Section go_car_index[] = {
    {"bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm", 100, 92},
    {"QmNX6Tffavsya4xgBi2VJQnSuqy9GsxongxZZ9uZBqp16d", 192, 133},
    {"bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke", 325, 41},
    {"QmWXZxVQ9yZfhQxLD35eDR8LiMRsYtHxYqTFCBbJoiJVys", 366, 130},
    {"bafkreiebzrnroamgos2adnbpgw5apo3z4iishhbdx77gldnbk57d4zdio4", 496, 41},
    {"QmdwjhxpxzcMsR3qUuj7vUL8pbA7MgR3GAxWi2GLHjsKCT", 537, 82},
    {"bafkreidbxzk2ryxwwtqxem4l3xyyjvw35yu4tcct4cqeqxwo47zhxgxqwq", 619, 41},
    {"bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm", 660, 55},
};

std::vector<Cid> go_car_roots() {
  return {cid("bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm"),
          cid("bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm")};
}

bool is_section_boundary(std::size_t offset) {
  if (offset == 100) return true;
  for (const auto& section : go_car_index) {
    if (section.offset + section.length == offset) return true;
  }
  return false;
}

Bytes with_header(const Bytes& header_body, ByteView rest = {}) {
  Bytes out;
  append_varint(out, header_body.size());
  append(out, header_body);
  append(out, rest);
  return out;
}

}  // namespace

TEST_CASE("CAR: go-car's basic fixture decodes to its published roots and index", "[car]") {
  const auto bytes = go_car_basic();
  REQUIRE(bytes.size() == 715);
  auto car = decode_car(bytes);
  REQUIRE(car.ok());
  CHECK(car->roots == go_car_roots());
  REQUIRE(car->blocks.size() == std::size(go_car_index));
  for (std::size_t i = 0; i < car->blocks.size(); ++i) {
    INFO("section " << i);
    CHECK(car->blocks[i].cid == cid(go_car_index[i].cid));
    const auto cid_length = car->blocks[i].cid.to_bytes().size();
    const auto content = car->blocks[i].block.size() + cid_length;
    CHECK(varint_size(content) + content == go_car_index[i].length);
  }
}

TEST_CASE("CAR: encoding the fixture's roots and blocks gives its exact bytes", "[car]") {
  const auto bytes = go_car_basic();
  const auto car = decode_car(bytes).value();
  auto encoded = encode_car_header(car.roots);
  CHECK(encoded.size() == 100);
  for (const auto& block : car.blocks) append(encoded, encode_car_section(block.cid, block.block));
  CHECK(encoded == bytes);
}

TEST_CASE("CAR: the incremental reader gives the same blocks whatever the pieces", "[car]") {
  const auto bytes = go_car_basic();
  for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{4096}}) {
    INFO("piece " << piece);
    std::vector<Cid> seen;
    CarReader reader([&](const Cid& block_cid, ByteView) -> Status {
      seen.push_back(block_cid);
      return {};
    });
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      const auto n = std::min(piece, bytes.size() - at);
      REQUIRE(reader.feed(ByteView(bytes).subspan(at, n)).ok());
    }
    REQUIRE(reader.finish().ok());
    CHECK(reader.header_read());
    CHECK(reader.roots() == go_car_roots());
    CHECK(reader.blocks_read() == std::size(go_car_index));
    REQUIRE(seen.size() == std::size(go_car_index));
    CHECK(seen.back() == cid(go_car_index[7].cid));
  }
}

TEST_CASE("CAR: input cut anywhere but between sections is rejected", "[car]") {
  const auto bytes = go_car_basic();
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut);
    auto car = decode_car(ByteView(bytes).first(cut));
    if (is_section_boundary(cut)) {
      CHECK(car.ok());
    } else {
      REQUIRE_FALSE(car.ok());
      CHECK(car.error().kind == ErrorKind::corrupt);
    }
  }
}

TEST_CASE("CAR: a changed byte in a block names the block's CID", "[car]") {
  auto bytes = go_car_basic();
  bytes[325 + 40] ^= 0x01;  // the last byte of the third section's raw block
  auto car = decode_car(bytes);
  REQUIRE_FALSE(car.ok());
  CHECK(car.error().kind == ErrorKind::corrupt);
  CHECK_THAT(car.error().message, Catch::Contains("bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke"));
  CHECK_THAT(car.error().message, Catch::Contains("byte 325"));
}

TEST_CASE("CAR: headers of another shape are rejected", "[car]") {
  const auto root = cid("bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm");
  auto header = [&](dag_cbor::Map map) {
    return with_header(dag_cbor::encode(dag_cbor::Value(std::move(map))).value());
  };

  CHECK(decode_car(header({{"roots", dag_cbor::List{root}}, {"version", 1}})).ok());
  CHECK_FALSE(decode_car(header({{"roots", dag_cbor::List{root}}, {"version", 2}})).ok());
  CHECK_FALSE(decode_car(header({{"roots", dag_cbor::List{}}, {"version", 1}})).ok());
  CHECK_FALSE(decode_car(header({{"roots", dag_cbor::List{"not a link"}}, {"version", 1}})).ok());
  CHECK_FALSE(decode_car(header({{"roots", root}, {"version", 1}})).ok());
  CHECK_FALSE(decode_car(header({{"version", 1}})).ok());
  CHECK_FALSE(decode_car(header({{"roots", dag_cbor::List{root}}, {"version", 1}, {"extra", true}})).ok());
  // Not canonical: the keys in the wrong order.
  auto swapped = from_hex(
                     "a26776657273696f6e016572"
                     "6f6f747380")
                     .value();
  CHECK_FALSE(decode_car(with_header(swapped)).ok());
  CHECK_FALSE(decode_car(Bytes{}).ok());
}

TEST_CASE("CAR: bad section framing is rejected", "[car]") {
  const auto root = cid("bafkreiebzrnroamgos2adnbpgw5apo3z4iishhbdx77gldnbk57d4zdio4");
  const auto header = encode_car_header({root});
  const Bytes block{'b', 'b', 'b', 'b'};

  auto good = header;
  append(good, encode_car_section(root, block));
  CHECK(decode_car(good).ok());

  auto empty_section = header;
  empty_section.push_back(0x00);
  CHECK_FALSE(decode_car(empty_section).ok());

  auto non_minimal_length = header;
  append(non_minimal_length, Bytes{0x80, 0x00});
  CHECK_FALSE(decode_car(non_minimal_length).ok());

  auto oversized = header;
  append_varint(oversized, max_car_section_bytes + 1);
  const auto refused = decode_car(oversized);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("exceeds"));

  auto bad_cid = header;
  append(bad_cid, Bytes{0x05, 0x02, 0x55, 0x12, 0x20, 0x00});
  CHECK_FALSE(decode_car(bad_cid).ok());
}

TEST_CASE("CAR: an error from the block callback stops the reader", "[car]") {
  const auto bytes = go_car_basic();
  int calls = 0;
  CarReader reader([&](const Cid&, ByteView) -> Status {
    ++calls;
    return make_error(ErrorKind::refused, "stop here");
  });
  auto status = reader.feed(bytes);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::refused);
  CHECK(calls == 1);
  CHECK_FALSE(reader.feed(bytes).ok());
  CHECK_FALSE(reader.finish().ok());
}

TEST_CASE("CAR: a reader asked for one root refuses a CAR for others before any block", "[car]") {
  const auto root = cid("bafkreiebzrnroamgos2adnbpgw5apo3z4iishhbdx77gldnbk57d4zdio4");
  const auto other = cid("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
  const Bytes block{'b', 'b', 'b', 'b'};
  auto car_for = [&](const std::vector<Cid>& roots) {
    auto bytes = encode_car_header(roots);
    append(bytes, encode_car_section(root, block));
    return bytes;
  };
  int calls = 0;
  auto count = [&](const Cid&, ByteView) -> Status {
    ++calls;
    return {};
  };

  CarReader right(count, root);
  REQUIRE(right.feed(car_for({root})));
  REQUIRE(right.finish());
  CHECK(calls == 1);

  for (const auto& roots : {std::vector<Cid>{other}, std::vector<Cid>{root, other}}) {
    calls = 0;
    CarReader wrong(count, root);
    const auto refused = wrong.feed(car_for(roots));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::corrupt);
    CHECK_THAT(refused.error().message, Catch::Contains(root.to_string()));
    CHECK(calls == 0);
  }
}
