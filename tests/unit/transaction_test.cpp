#include <catch2/catch.hpp>

#include <string>

#include "hex_bytes.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/transaction.hpp"
#include "mlchain/core/transaction_signing.hpp"
#include "mlchain/eth/transaction_sender.hpp"
#include "mlchain/keys/signers.hpp"

using namespace mlchain;
using namespace mlchain::codec;

using mlchain::testing::hex_bytes;

namespace {

keys::PrivateKeySigner signer_for(std::string_view private_key) {
  auto key = crypto::PrivateKey::from_hex(private_key);
  REQUIRE(key.ok());
  return keys::PrivateKeySigner(std::move(key).value());
}

Address address_of(std::string_view text) {
  auto address = parse_address(text);
  REQUIRE(address.ok());
  return *address;
}

SignedTransaction signed_with(const Transaction& transaction, core::Signer& signer) {
  auto signed_transaction = core::sign_transaction(transaction, signer);
  REQUIRE(signed_transaction.ok());
  return std::move(signed_transaction).value();
}

// EIP-155's worked example (EIPS/eip-155.md, "Example").
Transaction eip155_example() {
  Transaction transaction;
  transaction.type = TransactionType::legacy;
  transaction.chain_id = 1;
  transaction.nonce = 9;
  transaction.gas_price = U256(20'000'000'000);
  transaction.gas_limit = 21000;
  transaction.to = address_of("0x3535353535353535353535353535353535353535");
  transaction.value = U256(1'000'000'000'000'000'000);
  return transaction;
}

const char* const eip155_key = "0x4646464646464646464646464646464646464646464646464646464646464646";
const char* const eip155_signed =
    "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe"
    "537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

// ethereumjs-monorepo packages/tx/test/json/eip1559.json, its first two cases (chain id 7822 = 0x1e8e; the file
// wraps each transaction in an RLP string header, b873 / b872, which is not part of the transaction).
const char* const ethereumjs_key = "0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63";
struct Eip1559Case {
  std::uint64_t nonce, value, gas_limit, max_priority_fee, max_fee;
  const char* signed_hex;
};
const Eip1559Case ethereumjs_cases[] = {
    {819, 43203529, 35552, 75853, 121212,
     "0x02f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980c080a0d067f21670"
     "08c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fdba43f0dfcd400ed24dcace0a7e30d4e85701dcaaf4"
     "84cd079e"},
    {353, 61901619, 32593, 38850, 136295,
     "0x02f86f821e8e8201618297c283021467827f5194000000000000000000000000000000000000aaaa8403b08b3380c001a004205678f13fc"
     "1"
     "d7b10feea6513dfa76e24418b6e08097d95c6f93a3b64e536da01d45ad61bfece43862de2cce7d2575a8c1d08c26c87f3cb5f26d7b0be54a"
     "91b2"},
};

}  // namespace

TEST_CASE("legacy EIP-155 transactions reproduce the EIP's worked example", "[transaction]") {
  const Transaction transaction = eip155_example();
  const auto payload = signing_payload(transaction);
  REQUIRE(payload.ok());
  CHECK(to_0x_hex(*payload) ==
        "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080");
  CHECK(to_0x_hex(*signing_hash(transaction)) == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");

  auto signer = signer_for(eip155_key);
  const SignedTransaction signed_transaction = signed_with(transaction, signer);
  CHECK(to_0x_hex(signed_transaction.raw) == eip155_signed);
  CHECK(signed_transaction.hash == keccak256(signed_transaction.raw));
  CHECK(U256::from_big_endian(std::span<const std::uint8_t, 32>(signed_transaction.r)).to_decimal() ==
        "18515461264373351373200002665853028612451056578545711640558177340181847433846");
  CHECK(U256::from_big_endian(std::span<const std::uint8_t, 32>(signed_transaction.s)).to_decimal() ==
        "46948507304638947509940763649030358759909902576025900602547168820602576006531");
  CHECK(signed_transaction.y_parity == 0);  // v = 37 = 1·2 + 35 + 0

  const auto decoded = decode_transaction(hex_bytes(eip155_signed));
  REQUIRE(decoded.ok());
  CHECK(decoded->transaction == transaction);
  CHECK(decoded->raw == signed_transaction.raw);
  const auto sender = eth::recover_sender(*decoded);
  REQUIRE(sender.ok());
  CHECK(*sender == signer.address());
}

TEST_CASE("EIP-1559 transactions match ethereumjs's vectors", "[transaction]") {
  auto signer = signer_for(ethereumjs_key);
  for (const Eip1559Case& vector : ethereumjs_cases) {
    INFO(vector.nonce);
    Transaction transaction;
    transaction.chain_id = 7822;
    transaction.nonce = vector.nonce;
    transaction.max_priority_fee_per_gas = U256(vector.max_priority_fee);
    transaction.max_fee_per_gas = U256(vector.max_fee);
    transaction.gas_limit = vector.gas_limit;
    transaction.to = address_of("0x000000000000000000000000000000000000aaaa");
    transaction.value = U256(vector.value);

    const SignedTransaction signed_transaction = signed_with(transaction, signer);
    CHECK(to_0x_hex(signed_transaction.raw) == vector.signed_hex);

    const auto decoded = decode_transaction(hex_bytes(vector.signed_hex));
    REQUIRE(decoded.ok());
    CHECK(decoded->transaction == transaction);
    CHECK(decoded->hash == signed_transaction.hash);
    CHECK(*eth::recover_sender(*decoded) == signer.address());
  }
}

TEST_CASE("transactions round-trip: creation, long data, big values, access lists", "[transaction]") {
  auto signer = signer_for(eip155_key);
  Transaction creation;
  creation.chain_id = 31337;
  creation.nonce = 0;
  creation.max_priority_fee_per_gas = U256(1'000'000'000);
  creation.max_fee_per_gas = *U256::parse_decimal("1000000000000000000000000000000");
  creation.gas_limit = 3'000'000;
  creation.data = Bytes(5000, 0x60);
  creation.value = *U256::parse_quantity("0x" + std::string(64, 'f'));
  creation.access_list = {{address_of("0x000000000000000000000000000000000000aaaa"), {StorageKey{}, StorageKey{1}}},
                          {address_of("0x3535353535353535353535353535353535353535"), {}}};

  Transaction legacy_creation;
  legacy_creation.type = TransactionType::legacy;
  legacy_creation.chain_id = std::uint64_t{1} << 62;  // v needs more than 64 bits
  legacy_creation.nonce = 0xffffffffffffffff;
  legacy_creation.gas_price = U256(7);
  legacy_creation.gas_limit = 100000;
  legacy_creation.data = Bytes{0x00};

  for (const Transaction& transaction : {creation, legacy_creation}) {
    const SignedTransaction signed_transaction = signed_with(transaction, signer);
    const auto decoded = decode_transaction(signed_transaction.raw);
    REQUIRE(decoded.ok());
    CHECK(decoded->transaction == transaction);
    CHECK(decoded->raw == signed_transaction.raw);
    CHECK(decoded->hash == signed_transaction.hash);
    CHECK(*eth::recover_sender(*decoded) == signer.address());
  }
}

TEST_CASE("transactions refuse fields of the other type", "[transaction]") {
  Transaction legacy = eip155_example();
  legacy.max_fee_per_gas = U256(1);
  CHECK_FALSE(signing_payload(legacy).ok());
  legacy = eip155_example();
  legacy.chain_id = 0;
  CHECK_FALSE(signing_payload(legacy).ok());

  Transaction typed;
  typed.gas_price = U256(1);
  const auto refused = signing_payload(typed);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("transaction decoding is strict", "[transaction]") {
  auto refused = [](std::string_view hex, std::string_view reason) {
    const auto decoded = decode_transaction(hex_bytes(hex));
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().kind == ErrorKind::invalid_input);
    CHECK(decoded.error().message.find(reason) != std::string::npos);
  };
  const std::string signed_hex = eip155_signed;

  refused(signed_hex + "00", "left over");
  refused(signed_hex.substr(0, signed_hex.size() - 2), "runs past the end");
  refused("0x01c0", "unsupported transaction type 0x01");
  refused("0x02c0", "a type 2 transaction is a list of 12 fields");
  refused("0x", "no bytes");
  // The same legacy transaction with v = 27 (no chain id).
  refused(
      "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000801ba028ef61340bd939bc21"
      "95fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d"
      "83",
      "pre-EIP-155");
  // s replaced by n - s (the malleable high-s twin).
  refused(
      "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc21"
      "95fe537567866003e1a15d3c71ff63e1590620aa636276a098341627668089e51348fccfb4c7ff31c55912f2d2e47ef09652acf665fad3"
      "be",
      "signature");
  // Nonce 9 written with a leading zero byte: 0x820009.
  refused(
      "0xf86e8200098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939"
      "bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a"
      "3b6d83",
      "nonce has a leading zero byte");
  // A 19-byte `to`.
  refused(
      "0xf86b098504a817c8008252089335353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195"
      "fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83",
      "to is not a 20-byte address");
}
