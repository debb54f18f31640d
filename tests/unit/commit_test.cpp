#include <catch2/catch.hpp>

#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/commit.hpp"

using namespace mlchain;
using namespace mlchain::core;
namespace cbor = mlchain::codec::dag_cbor;

namespace {

Commit sample_commit() {
  Commit commit;
  commit.tree = codec::Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am").value();
  commit.profile = "unixfs-v1-2025";
  commit.author.bytes.fill(0xab);
  commit.time = 1'795'000'000;
  commit.message = "first model";
  commit.meta.metrics = {{"accuracy", 0.93}, {"loss", 3.0}};
  commit.meta.params = {{"epochs", std::int64_t{12}}, {"lr", 0.001}, {"optimizer", std::string("adamw")}};
  commit.meta.license = "Apache-2.0";
  commit.meta.code =
      GitProvenance{"0123456789abcdef0123456789abcdef01234567", "main", "https://example.org/m.git", true};
  commit.meta.data = {{"train", "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am", "training"}};
  codec::RecoverableSignature sig;
  sig.bytes[0] = 1;
  sig.bytes[32] = 1;
  sig.bytes[64] = 27;
  commit.signature = sig;
  return commit;
}

}  // namespace

TEST_CASE("a commit round-trips through its canonical block", "[commit]") {
  const auto commit = sample_commit();
  const auto block = encode_commit(commit).value();
  const auto decoded = decode_commit(block);
  REQUIRE(decoded);
  CHECK(*decoded == commit);
  CHECK(encode_commit(*decoded).value() == block);
}

TEST_CASE("the signed digest covers everything but the signature", "[commit]") {
  auto commit = sample_commit();
  const auto digest = signing_digest(encode_unsigned(commit).value());
  commit.signature->bytes[10] = 0x55;
  CHECK(signing_digest(encode_unsigned(commit).value()) == digest);
  commit.message += "!";
  CHECK(signing_digest(encode_unsigned(commit).value()) != digest);
}

TEST_CASE("the block has exactly the schema's keys, metrics as floats and the data CID as text", "[commit]") {
  const auto value = cbor::decode(encode_commit(sample_commit()).value()).value();
  const auto* map = value.get_if<cbor::Map>();
  REQUIRE(map);
  std::vector<std::string> keys;
  for (const auto& [key, v] : *map) keys.push_back(key);
  CHECK(keys ==
        std::vector<std::string>{"v", "sig", "meta", "time", "tree", "author", "message", "parents", "profile"});
  const auto* meta = value.find("meta");
  REQUIRE(meta);
  CHECK(meta->find("metrics")->find("loss")->get_if<double>() != nullptr);
  CHECK(meta->find("params")->find("epochs")->as_int64() == 12);
  CHECK(meta->find("data")->get_if<cbor::List>()->front().find("cid")->get_if<std::string>() != nullptr);
  CHECK(value.find("tree")->get_if<codec::Cid>() != nullptr);
}

TEST_CASE("commits that break the schema are refused", "[commit]") {
  auto with = [](auto change) {
    auto value = cbor::decode(encode_commit(sample_commit()).value()).value();
    change(*value.get_if<cbor::Map>());
    return decode_commit(cbor::encode(value).value());
  };
  auto set_sig_byte = [&](std::size_t i, std::uint8_t b) {
    return with([=](cbor::Map& m) { m.at("sig").get_if<Bytes>()->at(i) = b; });
  };
  CHECK_FALSE(with([](cbor::Map& m) { m.emplace("extra", 1); }));
  CHECK_FALSE(with([](cbor::Map& m) { m.at("v") = 2; }));
  CHECK_FALSE(with([](cbor::Map& m) { m.erase("sig"); }));
  CHECK_FALSE(with([](cbor::Map& m) { m.at("tree") = std::string("bafk…"); }));
  CHECK_FALSE(with([](cbor::Map& m) { m.at("author") = Bytes(19); }));
  CHECK_FALSE(with([](cbor::Map& m) { m.at("meta") = cbor::Map{}; }));
  CHECK_FALSE(with([](cbor::Map& m) { m.at("time") = 1.5; }));
  CHECK_FALSE(set_sig_byte(64, 29));    // v must be 27 or 28
  CHECK_FALSE(set_sig_byte(32, 0xff));  // s above n/2
  CHECK_FALSE(set_sig_byte(0, 0));      // with r = 0
  CHECK(set_sig_byte(64, 28));
  auto failed = with([](cbor::Map& m) { m.emplace("extra", 1); });
  CHECK(failed.error().kind == ErrorKind::corrupt);
  CHECK_THAT(failed.error().message, Catch::Contains("extra"));
}
