// The catalogue's calldata, return data, events and errors against Foundry's cast 1.7.1 and against what the
// contract answered and logged on anvil 1.7.1 (tests/vectors/README.md, "Catalogue ABI").
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include "hex_bytes.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "mlchain/eth/contract_artifacts.hpp"

namespace catalogue = mlchain::eth::catalogue;
using catalogue::Word;
using mlchain::Bytes;
using mlchain::ErrorKind;
using mlchain::codec::Address;
using mlchain::codec::Cid;
using mlchain::codec::U256;
using mlchain::testing::hex_bytes;

namespace {

Bytes vector_file(const std::string& name) {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/catalogue/" + name);
  REQUIRE(in);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return hex_bytes(text);
}

Word word(std::string_view text) {
  const Bytes bytes = hex_bytes(text);
  REQUIRE(bytes.size() == 32);
  Word out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::string hex(const mlchain::Result<Bytes>& bytes) {
  REQUIRE(bytes.ok());
  return mlchain::codec::to_0x_hex(*bytes);
}

U256 wei(std::string_view decimal) {
  auto value = U256::parse_decimal(decimal);
  REQUIRE(value.ok());
  return *value;
}

// For the constants below, made before Catch2 runs (so they cannot REQUIRE): each is valid hex.
Address constant_address(std::string_view text) { return *mlchain::codec::parse_address(text); }
Word constant_word(std::string_view text) {
  const Bytes bytes = *mlchain::codec::from_0x_hex(text);
  Word out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// anvil's accounts 0, 1 and 2.
const Address account0 = constant_address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const Address account1 = constant_address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const Address account2 = constant_address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
// The registry and the catalogue deployed first on a fresh anvil by account 0.
const Address registry_address = constant_address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
// `cast keccak tiny-mlp`
const Word tiny_mlp_id = constant_word("0x643ac459f893b116f29079ea96b32f9b762c0a9d3e097cca64f53fc17cb2470e");
const std::string account0_topic = "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const std::string account1_topic = "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8";
// `cast sig-event` of each event's canonical signature.
const std::string published_topic = "0xdc419db5dbf53dc604b20ec8864828f4c33549154ba20b9f41055cff5718bb1b";
const std::string updated_topic = "0x8d43b47d64e19c710c8831d49a4197ccd9a7e488e8b15ec4186768f57db7c0a2";
const std::string unlisted_topic = "0x425e5a9d1756c9f549ab71bbfd3ee4298b2d3a8f82de465364e4d06bd0025e8a";
const std::string purchased_topic = "0x26ca0c35b443351e089732d074bf18b8e7f994b156ee759ac6a3f5dcc1ddcc4b";
const std::string withdrawn_topic = "0x7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5";

Cid hello_card() {
  auto cid = Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
  REQUIRE(cid.ok());
  return *cid;
}

// The terms published on anvil: `(<card>,MIT,[vision,small],false,1000000000000000001,86400,[a0,a1,a2],
// [7000,2000,1000])`.
catalogue::Terms paid_terms() {
  catalogue::Terms terms;
  terms.card = hello_card();
  terms.license = "MIT";
  terms.tags = {"vision", "small"};
  terms.price = wei("1000000000000000001");
  terms.duration = 86400;
  terms.splits = {{account0, 7000}, {account1, 2000}, {account2, 1000}};
  return terms;
}

void check_paid_terms(const catalogue::Terms& terms) {
  CHECK(terms.card == hello_card());
  CHECK(terms.license == "MIT");
  CHECK(terms.tags == std::vector<std::string>{"vision", "small"});
  CHECK_FALSE(terms.is_private);
  CHECK(terms.price == wei("1000000000000000001"));
  CHECK(terms.duration == 86400);
  REQUIRE(terms.splits.size() == 3);
  CHECK(terms.splits[0].payee == account0);
  CHECK(terms.splits[0].share == 7000);
  CHECK(terms.splits[1].payee == account1);
  CHECK(terms.splits[1].share == 2000);
  CHECK(terms.splits[2].payee == account2);
  CHECK(terms.splits[2].share == 1000);
}

std::vector<Word> topics(std::initializer_list<std::string_view> texts) {
  std::vector<Word> words;
  for (auto text : texts) words.push_back(word(text));
  return words;
}

// A copy of `data` with the 32-byte word at `index` replaced by `replacement`.
Bytes with_word(Bytes data, std::size_t index, std::string_view replacement) {
  const Word w = word(replacement);
  std::copy(w.begin(), w.end(), data.begin() + static_cast<std::ptrdiff_t>(index * 32));
  return data;
}

}  // namespace

TEST_CASE("catalogue listing names follow the contract's rule", "[catalogue]") {
  for (const auto* name : {"tiny-mlp", "a", "0", "resnet50.v2_final", "x-"})
    CHECK(catalogue::check_listing_name(name).ok());
  CHECK(catalogue::check_listing_name(std::string(64, 'a')).ok());
  for (const std::string& name :
       {std::string(), std::string(65, 'a'), std::string("Tiny"), std::string("-tiny"), std::string(".tiny"),
        std::string("_x"), std::string("tiny mlp"), std::string("tiny/mlp"), std::string("caf\xc3\xa9")}) {
    const auto checked = catalogue::check_listing_name(name);
    INFO(name);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().kind == ErrorKind::invalid_argument);
    CHECK(checked.error().message.find("'" + name + "'") != std::string::npos);
  }
}

TEST_CASE("catalogue terms are checked as checkTerms does", "[catalogue]") {
  CHECK(catalogue::check_terms(paid_terms()).ok());
  const auto refused = [](const catalogue::Terms& terms, std::string_view why) {
    const auto checked = catalogue::check_terms(terms);
    INFO(why);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().kind == ErrorKind::invalid_argument);
    CHECK(checked.error().message.find(why) != std::string::npos);
  };
  auto terms = paid_terms();
  terms.splits[2].share = 999;
  refused(terms, "sum to 9999 basis points, not 10000");
  terms = paid_terms();
  terms.splits.clear();
  refused(terms, "1 to 16 payees");
  terms.splits.assign(17, catalogue::Split{account0, 1});
  refused(terms, "1 to 16 payees");
  terms = paid_terms();
  terms.splits[1].payee = Address{};
  refused(terms, "zero address");
  terms = paid_terms();
  terms.splits[1].share = 0;
  terms.splits[0].share = 9000;
  refused(terms, "is zero");
  terms = paid_terms();
  terms.license = std::string(65, 'L');
  refused(terms, "license longer than 64 bytes");
  terms.license = std::string(64, 'L');
  CHECK(catalogue::check_terms(terms).ok());
  terms = paid_terms();
  terms.tags.assign(17, "t");
  refused(terms, "more than 16 tags");
  terms.tags = {"ok", ""};
  refused(terms, "a tag is empty or longer than 64 bytes");
  terms.tags = {std::string(65, 't')};
  refused(terms, "a tag is empty or longer than 64 bytes");
  terms = paid_terms();
  terms.price = *U256::parse("0x100000000000000000000000000000000");  // 2^128
  refused(terms, "price above 2^128 - 1 wei");
  terms.price = *U256::parse("0xffffffffffffffffffffffffffffffff");
  CHECK(catalogue::check_terms(terms).ok());
  terms = paid_terms();
  terms.price = U256{};
  refused(terms, "a free listing has no duration");
  terms.duration = 0;
  CHECK(catalogue::check_terms(terms).ok());
}

TEST_CASE("catalogue calldata is what cast encodes", "[catalogue]") {
  CHECK(catalogue::name_id("tiny-mlp") == tiny_mlp_id);
  CHECK(hex(catalogue::publish_calldata("tiny-mlp", "models", paid_terms())) ==
        mlchain::codec::to_0x_hex(vector_file("publish-calldata.hex")));
  const std::string tiny_mlp_argument =
      "0000000000000000000000000000000000000000000000000000000000000020"
      "0000000000000000000000000000000000000000000000000000000000000008"
      "74696e792d6d6c70000000000000000000000000000000000000000000000000";
  CHECK(hex(catalogue::unlist_calldata("tiny-mlp")) == "0x9d5feab3" + tiny_mlp_argument);
  CHECK(hex(catalogue::buy_calldata("tiny-mlp")) == "0x492cc769" + tiny_mlp_argument);
  CHECK(hex(catalogue::listing_of_calldata("tiny-mlp")) == "0x330e7be2" + tiny_mlp_argument);
  CHECK(hex(catalogue::withdraw_calldata()) == "0x3ccfd60b");
  CHECK(hex(catalogue::registry_calldata()) == "0x7b103999");
  CHECK(hex(catalogue::access_of_calldata("tiny-mlp", account1)) ==
        "0xc20941c3"
        "0000000000000000000000000000000000000000000000000000000000000040"
        "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
        "0000000000000000000000000000000000000000000000000000000000000008"
        "74696e792d6d6c70000000000000000000000000000000000000000000000000");
  CHECK(hex(catalogue::balance_of_calldata(account1)) ==
        "0x70a0823100000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8");
}

TEST_CASE("catalogue views decode what the contract answered on anvil", "[catalogue]") {
  SECTION("listingOf a listing published, updated twice and bought once") {
    const auto listing = catalogue::decode_listing_of(vector_file("listing-of.hex"));
    REQUIRE(listing.ok());
    CHECK(listing->name == "tiny-mlp");
    CHECK(listing->repo == "models");
    CHECK(listing->owner == account0);
    CHECK(listing->listed);
    CHECK(listing->published_at == 4);
    CHECK(listing->updated_at == 6);
    CHECK(listing->purchases == 1);
    check_paid_terms(listing->terms);
  }
  SECTION("listingOf a name never published: a zero owner, nothing else") {
    const auto listing = catalogue::decode_listing_of(vector_file("listing-of-none.hex"));
    REQUIRE(listing.ok());
    CHECK(listing->owner == Address{});
    CHECK(listing->name.empty());
    CHECK(listing->terms.splits.empty());
  }
  SECTION("accessOf, balanceOf, registry") {
    const auto access =
        catalogue::decode_access_of(hex_bytes("0x000000000000000000000000000000000000000000000000000000006b176f3a"));
    REQUIRE(access.ok());
    CHECK(*access == 0x6b176f3a);
    const auto forever =
        catalogue::decode_access_of(hex_bytes("0x000000000000000000000000000000000000000000000000ffffffffffffffff"));
    REQUIRE(forever.ok());
    CHECK(*forever == catalogue::forever);
    const auto balance =
        catalogue::decode_balance_of(hex_bytes("0x00000000000000000000000000000000000000000000000009b6e64a8ec60001"
                                               "00000000000000000000000000000000000000000000000009b6e64a8ec60001"));
    REQUIRE(balance.ok());
    CHECK(balance->balance == wei("700000000000000001"));  // 70 % of the price and the dust of 1 wei
    CHECK(balance->earned == wei("700000000000000001"));
    const auto registry =
        catalogue::decode_registry(hex_bytes("0x0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3"));
    REQUIRE(registry.ok());
    CHECK(*registry == registry_address);
  }
}

TEST_CASE("catalogue views refuse answers the contract cannot give", "[catalogue]") {
  const Bytes listing = vector_file("listing-of.hex");
  const auto refused = [](const mlchain::Result<catalogue::Listing>& decoded) {
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().kind == ErrorKind::invalid_input);
  };
  // Word 40 of the answer is the last share (1000 = 0x3e8): 999 makes the shares sum to 9999.
  REQUIRE(mlchain::codec::to_0x_hex(Bytes(listing.begin() + 40 * 32, listing.begin() + 41 * 32)) ==
          "0x00000000000000000000000000000000000000000000000000000000000003e8");
  refused(catalogue::decode_listing_of(
      with_word(listing, 40, "0x00000000000000000000000000000000000000000000000000000000000003e7")));
  // A share above 16 bits.
  refused(catalogue::decode_listing_of(
      with_word(listing, 40, "0x00000000000000000000000000000000000000000000000000000000000103e8")));
  // Word 5 is publishedAt (4): after updatedAt (6).
  refused(catalogue::decode_listing_of(
      with_word(listing, 5, "0x0000000000000000000000000000000000000000000000000000000000000007")));
  // Word 10 holds "tiny-mlp": "Tiny-mlp" is not a name the contract accepts.
  refused(catalogue::decode_listing_of(
      with_word(listing, 10, "0x54696e792d6d6c70000000000000000000000000000000000000000000000000")));
  // Word 4 is `listed`: a listing without owner is empty.
  refused(catalogue::decode_listing_of(with_word(
      vector_file("listing-of-none.hex"), 4, "0x0000000000000000000000000000000000000000000000000000000000000001")));
  // Truncated; one byte too many.
  refused(catalogue::decode_listing_of(Bytes(listing.begin(), listing.end() - 32)));
  Bytes longer = listing;
  longer.push_back(0);
  refused(catalogue::decode_listing_of(longer));
  // A balance above what was ever earned.
  CHECK_FALSE(
      catalogue::decode_balance_of(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000002"
                                             "0000000000000000000000000000000000000000000000000000000000000001"))
          .ok());
  // accessOf answers a uint64.
  CHECK_FALSE(
      catalogue::decode_access_of(hex_bytes("0x0000000000000000000000000000000000000000000000010000000000000000"))
          .ok());
}

TEST_CASE("catalogue events decode the logs anvil returned", "[catalogue]") {
  const auto expected_topics = catalogue::event_topics();
  CHECK(expected_topics == topics({published_topic, updated_topic, unlisted_topic, purchased_topic, withdrawn_topic}));

  SECTION("Published") {
    const auto event =
        catalogue::decode_event(topics({published_topic, mlchain::codec::to_0x_hex(tiny_mlp_id), account0_topic}),
                                vector_file("published-data.hex"));
    REQUIRE(event.ok());
    const auto* published = std::get_if<catalogue::Published>(&*event);
    REQUIRE(published != nullptr);
    CHECK(published->name_id == tiny_mlp_id);
    CHECK(published->owner == account0);
    CHECK(published->name == "tiny-mlp");
    CHECK(published->repo == "models");
    check_paid_terms(published->terms);
  }
  SECTION("Updated to free, private, Apache-2.0, no tags, one payee") {
    const auto event =
        catalogue::decode_event(topics({updated_topic, mlchain::codec::to_0x_hex(tiny_mlp_id), account0_topic}),
                                vector_file("updated-data.hex"));
    REQUIRE(event.ok());
    const auto* updated = std::get_if<catalogue::Updated>(&*event);
    REQUIRE(updated != nullptr);
    CHECK(updated->name == "tiny-mlp");
    CHECK(updated->terms.license == "Apache-2.0");
    CHECK(updated->terms.tags.empty());
    CHECK(updated->terms.is_private);
    CHECK(updated->terms.price.is_zero());
    CHECK(updated->terms.duration == 0);
    REQUIRE(updated->terms.splits.size() == 1);
    CHECK(updated->terms.splits[0].payee == account0);
    CHECK(updated->terms.splits[0].share == 10000);
  }
  SECTION("Purchased, Withdrawn, Unlisted") {
    const auto purchased =
        catalogue::decode_event(topics({purchased_topic, mlchain::codec::to_0x_hex(tiny_mlp_id), account1_topic}),
                                hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000060"
                                          "0000000000000000000000000000000000000000000000000de0b6b3a7640001"
                                          "000000000000000000000000000000000000000000000000000000006b176f3a"
                                          "0000000000000000000000000000000000000000000000000000000000000008"
                                          "74696e792d6d6c70000000000000000000000000000000000000000000000000"));
    REQUIRE(purchased.ok());
    const auto& purchase = std::get<catalogue::Purchased>(*purchased);
    CHECK(purchase.buyer == account1);
    CHECK(purchase.name == "tiny-mlp");
    CHECK(purchase.price == wei("1000000000000000001"));
    CHECK(purchase.access_until == 0x6b176f3a);

    const auto withdrawn =
        catalogue::decode_event(topics({withdrawn_topic, account1_topic}),
                                hex_bytes("0x00000000000000000000000000000000000000000000000002c68af0bb140000"));
    REQUIRE(withdrawn.ok());
    CHECK(std::get<catalogue::Withdrawn>(*withdrawn).payee == account1);
    CHECK(std::get<catalogue::Withdrawn>(*withdrawn).amount == wei("200000000000000000"));

    const auto unlisted =
        catalogue::decode_event(topics({unlisted_topic, mlchain::codec::to_0x_hex(tiny_mlp_id), account0_topic}),
                                hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000020"
                                          "0000000000000000000000000000000000000000000000000000000000000008"
                                          "74696e792d6d6c70000000000000000000000000000000000000000000000000"));
    REQUIRE(unlisted.ok());
    CHECK(std::get<catalogue::Unlisted>(*unlisted).owner == account0);
    CHECK(std::get<catalogue::Unlisted>(*unlisted).name == "tiny-mlp");
  }
  SECTION("a card that is no CID is a log the contract emits: decoded, its bytes kept as unreadable") {
    // Word 16 is the card's first word: 0x01 0x55 0x12 0x21 claims a 33-byte digest in 32 bytes; the
    // contract checks only a card's length, so anyone calling it directly can publish such bytes.
    const auto decoded = catalogue::decode_event(
        topics({published_topic, mlchain::codec::to_0x_hex(tiny_mlp_id), account0_topic}),
        with_word(vector_file("published-data.hex"), 16,
                  "0x015512215891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e8"));
    REQUIRE(decoded.ok());
    const auto& terms = std::get<catalogue::Published>(*decoded).terms;
    CHECK(terms.card == mlchain::codec::Cid{});
    REQUIRE(terms.unreadable_card);
    CHECK(mlchain::codec::to_0x_hex(*terms.unreadable_card).starts_with("0x015512215891b5b5"));
  }
  SECTION("logs the contract cannot emit are refused") {
    const auto refused = [](const mlchain::Result<catalogue::Event>& decoded) {
      REQUIRE_FALSE(decoded.ok());
      CHECK(decoded.error().kind == ErrorKind::invalid_input);
    };
    const Bytes published = vector_file("published-data.hex");
    // A name id that is not the hash of the name (`cast keccak models`).
    refused(catalogue::decode_event(
        topics({published_topic, "0x0429c799c764f5d22f9cdca7532b4515f2506acb3d56008546d9cc1994a04373", account0_topic}),
        published));
    // Word 34 of the Published data is the last share (1000): 1001 sums to 10001.
    refused(catalogue::decode_event(
        topics({published_topic, mlchain::codec::to_0x_hex(tiny_mlp_id), account0_topic}),
        with_word(published, 34, "0x00000000000000000000000000000000000000000000000000000000000003e9")));
    // A missing indexed topic; an unknown topic; no topics.
    refused(catalogue::decode_event(topics({published_topic, mlchain::codec::to_0x_hex(tiny_mlp_id)}), published));
    refused(catalogue::decode_event(topics({"0x" + std::string(64, '1')}), published));
    refused(catalogue::decode_event({}, published));
    // A withdrawal of nothing.
    refused(catalogue::decode_event(topics({withdrawn_topic, account1_topic}), Bytes(32, 0)));
  }
}

TEST_CASE("catalogue refusals name the listing and what to do", "[catalogue]") {
  const auto refusal = [](std::string_view data) {
    auto decoded = catalogue::decode_refusal(hex_bytes(data));
    REQUIRE(decoded.has_value());
    return *decoded;
  };
  // cast calldata "NameTaken(string,string,address)" tiny-mlp models 0xf39F…2266
  const auto taken = refusal(
      "0x4a66a614"
      "0000000000000000000000000000000000000000000000000000000000000060"
      "00000000000000000000000000000000000000000000000000000000000000a0"
      "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
      "0000000000000000000000000000000000000000000000000000000000000008"
      "74696e792d6d6c70000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000006"
      "6d6f64656c730000000000000000000000000000000000000000000000000000");
  CHECK(taken.name == "NameTaken");
  CHECK(taken.kind == ErrorKind::refused_by_contract);
  CHECK(taken.message ==
        "the name tiny-mlp is taken by repository models of 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266: choose another "
        "name");
  // cast calldata "WrongPayment(uint256,uint256)" 1000000000000000001 1000000000000000000
  const auto payment = refusal(
      "0x0dd32d1c"
      "0000000000000000000000000000000000000000000000000de0b6b3a7640001"
      "0000000000000000000000000000000000000000000000000de0b6b3a7640000");
  CHECK(payment.name == "WrongPayment");
  CHECK(payment.kind == ErrorKind::refused_by_contract);
  CHECK(
      payment.message ==
      "the catalogue refuses a payment of 1000000000000000000 wei: the price is 1000000000000000001 wei, send exactly "
      "that");
  // cast calldata "InvalidSplits(uint256)" 9999
  const auto splits = refusal("0x28f853d8000000000000000000000000000000000000000000000000000000000000270f");
  CHECK(splits.kind == ErrorKind::invalid_argument);
  CHECK(splits.message.find("sum to 9999 basis points, not 10000") != std::string::npos);
  // cast calldata "InvalidTerms(string)" "more than 16 tags"
  const auto terms = refusal(
      "0xf191a031"
      "0000000000000000000000000000000000000000000000000000000000000020"
      "0000000000000000000000000000000000000000000000000000000000000011"
      "6d6f7265207468616e2031362074616773000000000000000000000000000000");
  CHECK(terms.kind == ErrorKind::invalid_argument);
  CHECK(terms.message == "the catalogue refuses the terms: more than 16 tags");
  // cast calldata "UnknownListing(string)" nothing
  const auto unknown = refusal(
      "0xfecddc32"
      "0000000000000000000000000000000000000000000000000000000000000020"
      "0000000000000000000000000000000000000000000000000000000000000007"
      "6e6f7468696e6700000000000000000000000000000000000000000000000000");
  CHECK(unknown.kind == ErrorKind::not_found);
  CHECK(unknown.message == "the catalogue has no listing 'nothing'");
  // cast calldata "NothingToWithdraw(address)" 0x7099…79C8
  const auto nothing = refusal("0xdc69dc1600000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8");
  CHECK(nothing.kind == ErrorKind::refused_by_contract);
  CHECK(nothing.message == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8 has nothing to withdraw");

  // Not one of the catalogue's errors: nothing (the caller reports the revert as it is).
  CHECK_FALSE(catalogue::decode_refusal(Bytes{}).has_value());
  CHECK_FALSE(catalogue::decode_refusal(hex_bytes("0x12345678")).has_value());
  // cast calldata "Error(string)" x
  CHECK_FALSE(catalogue::decode_refusal(hex_bytes("0x08c379a0"
                                                  "0000000000000000000000000000000000000000000000000000000000000020"
                                                  "0000000000000000000000000000000000000000000000000000000000000001"
                                                  "7800000000000000000000000000000000000000000000000000000000000000"))
                  .has_value());
}

TEST_CASE("every catalogue error has its kind", "[catalogue]") {
  const std::string tiny =
      "0000000000000000000000000000000000000000000000000000000000000020"
      "0000000000000000000000000000000000000000000000000000000000000008"
      "74696e792d6d6c70000000000000000000000000000000000000000000000000";
  const std::string two_addresses =
      "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
      "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  // cast calldata SIGNATURE tiny-mlp, or the addresses 0x7099…79C8 0xf39F…2266, or 0, or 0x7099…79C8 1.
  const std::vector<std::pair<std::string, std::pair<std::string, ErrorKind>>> cases{
      {"0x7f19f48d" + tiny, {"InvalidName", ErrorKind::invalid_argument}},
      {"0xa855543e" + tiny, {"UnknownRepository", ErrorKind::not_found}},
      {"0x1212c00d" + two_addresses, {"NotRepositoryOwner", ErrorKind::refused_by_contract}},
      {"0xfecddc32" + tiny, {"UnknownListing", ErrorKind::not_found}},
      {"0x8564522c" + two_addresses, {"NotListingOwner", ErrorKind::refused_by_contract}},
      {"0x28f853d8" + std::string(64, '0'), {"InvalidSplits", ErrorKind::invalid_argument}},
      {"0xca98d026" + tiny, {"NotListed", ErrorKind::refused_by_contract}},
      {"0xe96663af" + tiny, {"FreeListing", ErrorKind::refused_by_contract}},
      {"0x1c43b976" + two_addresses.substr(0, 64) + std::string(63, '0') + "1",
       {"TransferFailed", ErrorKind::refused_by_contract}},
  };
  for (const auto& [data, expected] : cases) {
    const auto refusal = catalogue::decode_refusal(hex_bytes(data));
    INFO(expected.first);
    REQUIRE(refusal.has_value());
    CHECK(refusal->name == expected.first);
    CHECK(refusal->kind == expected.second);
    CHECK_FALSE(refusal->message.empty());
    CHECK(refusal->message.find('\n') == std::string::npos);
    if (data.substr(10) == tiny) CHECK(refusal->message.find("tiny-mlp") != std::string::npos);
  }
}

TEST_CASE("catalogue deployment carries the registry; deployed code is recognised", "[catalogue]") {
  const auto data = catalogue::deployment(registry_address);
  REQUIRE(data.ok());
  const auto& creation = mlchain::eth::catalogue_artifact().creation_code;
  REQUIRE(data->size() == creation.size() + 32);
  CHECK(std::equal(creation.begin(), creation.end(), data->begin()));
  CHECK(mlchain::codec::to_0x_hex(mlchain::ByteView(*data).last(32)) ==
        "0x0000000000000000000000005fbdb2315678afecb367f032d93f642f64180aa3");

  // `cast code` of the catalogue deployed on anvil for the registry at 0x5FbD…0aa3.
  const Bytes code = vector_file("deployed-code.hex");
  CHECK(catalogue::is_catalogue_code(code, registry_address));
  CHECK_FALSE(catalogue::is_catalogue_code(code, account0));
  const auto& runtime = mlchain::eth::catalogue_artifact().runtime_code;
  CHECK_FALSE(catalogue::is_catalogue_code(runtime, registry_address));
  Bytes changed = code;
  changed[100] ^= 1;
  CHECK_FALSE(catalogue::is_catalogue_code(changed, registry_address));
  CHECK_FALSE(catalogue::is_catalogue_code(mlchain::ByteView(code).first(code.size() - 1), registry_address));
}
