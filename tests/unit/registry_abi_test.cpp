// The registry's calldata, return data, events and errors against Foundry's cast 1.7.1 and against logs the
// contract emitted on anvil 1.7.1 (tests/vectors/README.md, "Registry ABI").
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "hex_bytes.hpp"
#include "mlchain/codec/eip712.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/signature.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace registry = mlchain::eth::registry;
using mlchain::Bytes;
using mlchain::ErrorKind;
using mlchain::codec::Address;
using mlchain::codec::Cid;
using registry::Word;

using mlchain::testing::hex_bytes;

namespace {

Word word(std::string_view text) {
  Bytes bytes = hex_bytes(text);
  REQUIRE(bytes.size() == 32);
  Word out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Address address(std::string_view text) {
  auto parsed = mlchain::codec::parse_address(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

std::string to_hex(const mlchain::Result<Bytes>& bytes) {
  REQUIRE(bytes.ok());
  return mlchain::codec::to_0x_hex(*bytes);
}

const std::string zero = "0x0000000000000000000000000000000000000000000000000000000000000000";
// sha256("one"), sha256("two"): `printf one | sha256sum`.
const std::string one = "0x7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed";
const std::string two = "0x3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3";
// sha256("a"), sha256("b"): the heads of the logs recorded on anvil.
const std::string head_a = "0xca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
const std::string head_b = "0x3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";
const std::string owner = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";   // anvil's account 0
const std::string writer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";  // anvil's account 1
const std::string models_id =
    "0x0429c799c764f5d22f9cdca7532b4515f2506acb3d56008546d9cc1994a04373";                          // cast keccak models
const std::string main_id = "0xb8e2054f8a912367e38a22ce773328ff8aabf8082c4120bad9ef085e1dbf29a7";  // cast keccak main

const std::string head_updated_topic = "0xaf4a73970e84dddf8a8c23fb059a4d0218087315e0be26b68eca6982a34ed365";
const std::string repository_created_topic = "0x9ef100b1caf4a00a78f86f211d3432e667beb692e362dc25474b1497bd78b941";
const std::string writer_granted_topic = "0x674e3639276912416f9906adc3b2e4a3c01cca6c3c52d3a6129ba4df2ffb3636";
const std::string writer_revoked_topic = "0x81224c8dfa45560e26ebe5ab6a103cc2c26e3b3e8f93a81925345f719a0e8d4f";
// cast keccak "GovernanceSet(bytes32,address,address)"
const std::string governance_set_topic = "0x386a172897f57b6c374f3491fe6866832d99456731ada45819ff24f0bc621a88";
const std::string owner_topic = "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const std::string writer_topic = "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8";

// The HeadUpdated log of push("models", "main", sha256("a"), sha256("b")) by account 0, as anvil returned it.
const std::string moved_data =
    "0x0000000000000000000000000000000000000000000000000000000000000080"
    "00000000000000000000000000000000000000000000000000000000000000c0"
    "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
    "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
    "0000000000000000000000000000000000000000000000000000000000000006"
    "6d6f64656c730000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000004"
    "6d61696e00000000000000000000000000000000000000000000000000000000";
// The RepositoryCreated log of the first push of "models" by account 0.
const std::string created_data =
    "0x0000000000000000000000000000000000000000000000000000000000000020"
    "0000000000000000000000000000000000000000000000000000000000000006"
    "6d6f64656c730000000000000000000000000000000000000000000000000000";

}  // namespace

TEST_CASE("registry calldata is what cast calldata encodes", "[registry]") {
  CHECK(to_hex(registry::push_calldata("models", "main", word(one), word(two))) ==
        "0x7c2b85ea"
        "0000000000000000000000000000000000000000000000000000000000000080"
        "00000000000000000000000000000000000000000000000000000000000000c0"
        "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"
        "3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000004"
        "6d61696e00000000000000000000000000000000000000000000000000000000");
  const std::string repo_and_address_tail =
      "0000000000000000000000000000000000000000000000000000000000000040"
      "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
      "0000000000000000000000000000000000000000000000000000000000000006"
      "6d6f64656c730000000000000000000000000000000000000000000000000000";
  CHECK(to_hex(registry::grant_calldata("models", address(writer))) == "0xf3c5a721" + repo_and_address_tail);
  CHECK(to_hex(registry::revoke_calldata("models", address(writer))) == "0xf23b45aa" + repo_and_address_tail);
  CHECK(to_hex(registry::is_writer_calldata("models", address(writer))) == "0x2ffc2d81" + repo_and_address_tail);
  CHECK(to_hex(registry::head_of_calldata("models", "main")) ==
        "0x15b2fc07"
        "0000000000000000000000000000000000000000000000000000000000000040"
        "0000000000000000000000000000000000000000000000000000000000000080"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000004"
        "6d61696e00000000000000000000000000000000000000000000000000000000");
  const std::string repo_only_tail =
      "0000000000000000000000000000000000000000000000000000000000000020"
      "0000000000000000000000000000000000000000000000000000000000000006"
      "6d6f64656c730000000000000000000000000000000000000000000000000000";
  CHECK(to_hex(registry::owner_of_calldata("models")) == "0x920ffa26" + repo_only_tail);
  CHECK(to_hex(registry::branches_of_calldata("models")) == "0x4b937789" + repo_only_tail);
  // The owner naming the repository's catalogue, and reading it back (selectors as solc lists them in
  // contracts/MlchainRegistry.json).
  CHECK(to_hex(registry::set_catalogue_calldata("models", address(writer))) == "0x685b462b" + repo_and_address_tail);
  CHECK(to_hex(registry::catalogue_of_calldata("models")) == "0x1ddb795d" + repo_only_tail);
}

TEST_CASE("registry view results decode as cast abi-encode writes them", "[registry]") {
  auto head = registry::decode_head_of(hex_bytes(one));
  REQUIRE(head.ok());
  CHECK(*head == word(one));

  auto owner_of = registry::decode_owner_of(hex_bytes(owner_topic));
  REQUIRE(owner_of.ok());
  CHECK(*owner_of == address(owner));

  auto catalogue_of = registry::decode_catalogue_of(hex_bytes(owner_topic));
  REQUIRE(catalogue_of.ok());
  CHECK(*catalogue_of == address(owner));

  auto is_writer =
      registry::decode_is_writer(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000001"));
  REQUIRE(is_writer.ok());
  CHECK(*is_writer);

  auto branches =
      registry::decode_branches_of(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000020"
                                             "0000000000000000000000000000000000000000000000000000000000000002"
                                             "0000000000000000000000000000000000000000000000000000000000000040"
                                             "0000000000000000000000000000000000000000000000000000000000000080"
                                             "0000000000000000000000000000000000000000000000000000000000000004"
                                             "6d61696e00000000000000000000000000000000000000000000000000000000"
                                             "0000000000000000000000000000000000000000000000000000000000000003"
                                             "6465760000000000000000000000000000000000000000000000000000000000"));
  REQUIRE(branches.ok());
  CHECK(*branches == std::vector<std::string>{"main", "dev"});

  auto none =
      registry::decode_branches_of(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000020"
                                             "0000000000000000000000000000000000000000000000000000000000000000"));
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("registry view results that are not what the view returns are refused", "[registry]") {
  CHECK(registry::decode_head_of(hex_bytes("0x")).error().kind == ErrorKind::invalid_input);
  CHECK(registry::decode_head_of(hex_bytes(one + "00")).error().kind == ErrorKind::invalid_input);  // leftover byte
  // An address with non-zero upper bytes, a bool that is 2.
  CHECK(registry::decode_owner_of(hex_bytes(head_a)).error().kind == ErrorKind::invalid_input);
  CHECK(registry::decode_is_writer(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000002"))
            .error()
            .kind == ErrorKind::invalid_input);
  // A branch list whose length runs past the data.
  CHECK(registry::decode_branches_of(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000020"
                                               "0000000000000000000000000000000000000000000000000000000000000002"))
            .error()
            .kind == ErrorKind::invalid_input);
}

TEST_CASE("registry event topics are cast sig-event's", "[registry]") {
  CHECK(registry::head_updated_topic() == word(head_updated_topic));
  CHECK(registry::repository_created_topic() == word(repository_created_topic));
  CHECK(registry::writer_granted_topic() == word(writer_granted_topic));
  CHECK(registry::writer_revoked_topic() == word(writer_revoked_topic));
  CHECK(registry::repository_id("models") == word(models_id));
  CHECK(registry::branch_id("main") == word(main_id));

  const auto all_of_models = registry::head_updates_filter("models");
  CHECK(all_of_models == std::vector<std::vector<Word>>{{word(head_updated_topic)}, {word(models_id)}});
  const auto main_of_models = registry::head_updates_filter("models", "main");
  CHECK(main_of_models ==
        std::vector<std::vector<Word>>{{word(head_updated_topic)}, {word(models_id)}, {word(main_id)}});
}

TEST_CASE("registry logs recorded on anvil decode to the push that emitted them", "[registry]") {
  const std::vector<Word> moved_topics{word(head_updated_topic), word(models_id), word(main_id), word(owner_topic)};
  auto moved = registry::decode_event(moved_topics, hex_bytes(moved_data));
  REQUIRE(moved.ok());
  const auto* update = std::get_if<registry::HeadUpdated>(&*moved);
  REQUIRE(update != nullptr);
  CHECK(update->repo_id == word(models_id));
  CHECK(update->branch_id == word(main_id));
  CHECK(update->pusher == address(owner));
  CHECK(update->repo == "models");
  CHECK(update->branch == "main");
  CHECK(update->old_head == word(head_a));
  CHECK(update->new_head == word(head_b));

  const std::vector<Word> created_topics{word(repository_created_topic), word(models_id), word(owner_topic)};
  auto created = registry::decode_event(created_topics, hex_bytes(created_data));
  REQUIRE(created.ok());
  const auto* creation = std::get_if<registry::RepositoryCreated>(&*created);
  REQUIRE(creation != nullptr);
  CHECK(creation->repo_id == word(models_id));
  CHECK(creation->repo == "models");
  CHECK(creation->owner == address(owner));

  // WriterGranted/WriterRevoked carry everything in topics (cast abi-encode-event prints them); no data.
  const std::vector<Word> granted_topics{word(writer_granted_topic), word(models_id), word(writer_topic),
                                         word(owner_topic)};
  auto granted = registry::decode_event(granted_topics, {});
  REQUIRE(granted.ok());
  const auto* grant = std::get_if<registry::WriterGranted>(&*granted);
  REQUIRE(grant != nullptr);
  CHECK(grant->repo_id == word(models_id));
  CHECK(grant->writer == address(writer));
  CHECK(grant->by == address(owner));

  std::vector<Word> revoked_topics = granted_topics;
  revoked_topics[0] = word(writer_revoked_topic);
  auto revoked = registry::decode_event(revoked_topics, {});
  REQUIRE(revoked.ok());
  CHECK(std::holds_alternative<registry::WriterRevoked>(*revoked));

  // GovernanceSet names the contract (here the writer's address stands in for one) in topic 2.
  std::vector<Word> governance_topics = granted_topics;
  governance_topics[0] = word(governance_set_topic);
  CHECK(registry::governance_set_topic() == word(governance_set_topic));
  auto governance = registry::decode_event(governance_topics, {});
  REQUIRE(governance.ok());
  const auto* set = std::get_if<registry::GovernanceSet>(&*governance);
  REQUIRE(set != nullptr);
  CHECK(set->repo_id == word(models_id));
  CHECK(set->governance == address(writer));
  CHECK(set->by == address(owner));
}

TEST_CASE("registry logs that the contract cannot have emitted are refused", "[registry]") {
  const std::vector<Word> moved_topics{word(head_updated_topic), word(models_id), word(main_id), word(owner_topic)};
  SECTION("no topics, or another event's") {
    CHECK(registry::decode_event({}, hex_bytes(moved_data)).error().kind == ErrorKind::invalid_input);
    std::vector<Word> foreign = moved_topics;
    foreign[0] = word(one);
    CHECK(registry::decode_event(foreign, hex_bytes(moved_data)).error().kind == ErrorKind::invalid_input);
  }
  SECTION("a topic missing") {
    const std::vector<Word> three(moved_topics.begin(), moved_topics.end() - 1);
    CHECK(registry::decode_event(three, hex_bytes(moved_data)).error().kind == ErrorKind::invalid_input);
  }
  SECTION("a repository id that is not the hash of the repository named in the data") {
    std::vector<Word> wrong = moved_topics;
    wrong[1] = registry::repository_id("other");
    CHECK(registry::decode_event(wrong, hex_bytes(moved_data)).error().kind == ErrorKind::invalid_input);
  }
  SECTION("a branch id that is not the hash of the branch named in the data") {
    std::vector<Word> wrong = moved_topics;
    wrong[2] = registry::branch_id("dev");
    CHECK(registry::decode_event(wrong, hex_bytes(moved_data)).error().kind == ErrorKind::invalid_input);
  }
  SECTION("a move to the empty head") {
    Bytes data = hex_bytes(moved_data);
    std::fill(data.begin() + 96, data.begin() + 128, std::uint8_t{0});
    CHECK(registry::decode_event(moved_topics, data).error().kind == ErrorKind::invalid_input);
  }
  SECTION("truncated or padded data") {
    Bytes data = hex_bytes(moved_data);
    data.pop_back();
    CHECK(registry::decode_event(moved_topics, data).error().kind == ErrorKind::invalid_input);
    data.push_back(0);
    data.push_back(0);
    CHECK(registry::decode_event(moved_topics, data).error().kind == ErrorKind::invalid_input);
  }
}

TEST_CASE("registry revert data is what cast calldata encodes for each custom error", "[registry]") {
  auto stale = registry::decode_error(hex_bytes("0x7fe83496" + one.substr(2) + two.substr(2)));
  REQUIRE(stale.ok());
  REQUIRE(stale->has_value());
  const auto* stale_head = std::get_if<registry::StaleHead>(&**stale);
  REQUIRE(stale_head != nullptr);
  CHECK(stale_head->expected == word(one));
  CHECK(stale_head->actual == word(two));
  CHECK(registry::describe(**stale) == "StaleHead(expected " + one + ", actual " + two + ")");

  auto not_writer = registry::decode_error(hex_bytes("0x5d94d23c" + writer_topic.substr(2)));
  REQUIRE(not_writer.ok());
  REQUIRE(not_writer->has_value());
  REQUIRE(std::holds_alternative<registry::NotWriter>(**not_writer));
  CHECK(std::get<registry::NotWriter>(**not_writer).caller == address(writer));
  CHECK(registry::describe(**not_writer) == "NotWriter(" + writer + ")");

  auto not_owner = registry::decode_error(hex_bytes("0x245aecd3" + writer_topic.substr(2)));
  REQUIRE(not_owner.ok());
  REQUIRE(not_owner->has_value());
  CHECK(std::get<registry::NotOwner>(**not_owner).caller == address(writer));

  const std::vector<std::pair<std::string, std::string>> bare{{"0x8803b81f", "EmptyHead()"},
                                                              {"0xbc234ae4", "UnknownRepository()"},
                                                              {"0x7fbdbf74", "InvalidRepositoryName()"},
                                                              {"0x82276c71", "EmptyBranchName()"}};
  for (const auto& [selector, name] : bare) {
    auto error = registry::decode_error(hex_bytes(selector));
    REQUIRE(error.ok());
    REQUIRE(error->has_value());
    CHECK(registry::describe(**error) == name);
  }
}

TEST_CASE("revert data that is not a registry error is told apart from one that is malformed", "[registry]") {
  auto empty = registry::decode_error({});
  REQUIRE(empty.ok());
  CHECK(!empty->has_value());
  // Error("x") as `cast calldata "Error(string)" x` encodes it.
  auto message =
      registry::decode_error(hex_bytes("0x08c379a0"
                                       "0000000000000000000000000000000000000000000000000000000000000020"
                                       "0000000000000000000000000000000000000000000000000000000000000001"
                                       "7800000000000000000000000000000000000000000000000000000000000000"));
  REQUIRE(message.ok());
  CHECK(!message->has_value());
  // StaleHead's selector with one word instead of two.
  CHECK(registry::decode_error(hex_bytes("0x7fe83496" + one.substr(2))).error().kind == ErrorKind::invalid_input);
  // EmptyHead() with a stray byte after it.
  CHECK(registry::decode_error(hex_bytes("0x8803b81f00")).error().kind == ErrorKind::invalid_input);
}

TEST_CASE("a head is the digest of a commit CID and gives it back", "[registry]") {
  // multiformats 14.0.5 (tests/peers): CID.create(1, 0x71, Digest.create(0x12, sha256("a"))).
  auto commit = Cid::parse("bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm");
  REQUIRE(commit.ok());
  auto head = registry::head_of(*commit);
  REQUIRE(head.ok());
  CHECK(*head == word(head_a));
  auto back = registry::commit_of(*head);
  REQUIRE(back.ok());
  CHECK(*back == *commit);

  // The same digest under dag-pb is a directory, not a commit.
  auto directory = Cid::parse("bafybeigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm");
  REQUIRE(directory.ok());
  CHECK(registry::head_of(*directory).error().kind == ErrorKind::invalid_input);
  CHECK(registry::commit_of(word(zero)).error().kind == ErrorKind::invalid_input);
  CHECK(registry::is_empty(word(zero)));
  CHECK(!registry::is_empty(word(one)));
}

TEST_CASE("repository and branch names follow the contract's rules", "[registry]") {
  for (const std::string& name :
       {std::string("models"), std::string("a"), std::string("Llama-3.1_8B"), std::string(64, 'r')}) {
    CHECK(registry::check_repository_name(name).ok());
  }
  for (const std::string& name :
       {std::string(), std::string(65, 'r'), std::string("my models"), std::string("a/b"), std::string("ü")}) {
    CHECK(registry::check_repository_name(name).error().kind == ErrorKind::invalid_argument);
  }
  CHECK(registry::check_branch_name("main").ok());
  CHECK(registry::check_branch_name("").error().kind == ErrorKind::invalid_argument);
}

namespace {

// Private models: the values below are `cast calldata`, `cast abi-encode`, `cast sig`, `cast keccak` and
// `cast wallet sign --data` output (Foundry 1.7.1; tests/vectors/README.md, "Registry ABI"), and logs the
// contract emitted in tests/interop/registry_access.sh.
const std::string reader = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";    // anvil's account 3
const std::string stranger = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";  // anvil's account 2
const std::string reader_topic = "0x00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906";
// The compressed generator point of secp256k1.
const std::string generator = "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const std::string access_block = "0x017112208b5b9db0c13db24256c829aa364aa90c6d2eba318b9232a4ab9313b954d3555f";
const std::string first_registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";  // account 0's first contract

const std::string repo_and_writer_tail =
    "0000000000000000000000000000000000000000000000000000000000000040"
    "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
    "0000000000000000000000000000000000000000000000000000000000000006"
    "6d6f64656c730000000000000000000000000000000000000000000000000000";
const std::string models_only_tail =
    "0000000000000000000000000000000000000000000000000000000000000020"
    "0000000000000000000000000000000000000000000000000000000000000006"
    "6d6f64656c730000000000000000000000000000000000000000000000000000";

// `cast abi-encode "f(bytes,uint256)" GENERATOR N` for N = 0 and 1: the EncryptionKeyPublished data of a
// first publication and encryptionKeyOf after it.
std::string key_and_nonce(char nonce) {
  return std::string("0x0000000000000000000000000000000000000000000000000000000000000040") +
         "000000000000000000000000000000000000000000000000000000000000000" + nonce +
         "0000000000000000000000000000000000000000000000000000000000000021"
         "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
         "00000000000000000000000000000000000000000000000000000000000000";
}

}  // namespace

TEST_CASE("private-model calldata is what cast calldata encodes", "[registry][private]") {
  CHECK(to_hex(registry::publish_encryption_key_calldata(address(owner), hex_bytes(generator), hex_bytes("0x0102"))) ==
        "0x06cdffd9"
        "000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
        "0000000000000000000000000000000000000000000000000000000000000060"
        "00000000000000000000000000000000000000000000000000000000000000c0"
        "0000000000000000000000000000000000000000000000000000000000000021"
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        "00000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000002"
        "0102000000000000000000000000000000000000000000000000000000000000");
  CHECK(to_hex(registry::encryption_key_of_calldata(address(writer))) ==
        "0x77c8c51a00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8");
  CHECK(to_hex(registry::set_private_calldata("models", true)) ==
        "0x8fa4a3cd"
        "0000000000000000000000000000000000000000000000000000000000000040"
        "0000000000000000000000000000000000000000000000000000000000000001"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000");
  CHECK(to_hex(registry::is_private_calldata("models")) == "0x72be3153" + models_only_tail);
  CHECK(to_hex(registry::readers_of_calldata("models")) == "0x55f3b872" + models_only_tail);
  CHECK(to_hex(registry::revoke_access_calldata("models", address(writer))) == "0xdfe0b5fe" + repo_and_writer_tail);
  CHECK(to_hex(registry::has_access_calldata("models", address(writer))) == "0x13bd20e2" + repo_and_writer_tail);

  const std::vector<Word> heads{word(head_a), word(head_b)};
  const std::vector<Bytes> keys{hex_bytes("0x0171"), hex_bytes("0x01711220")};
  CHECK(to_hex(registry::grant_access_calldata("models", address(writer), heads, keys)) ==
        "0x507ade79"
        "0000000000000000000000000000000000000000000000000000000000000080"
        "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
        "00000000000000000000000000000000000000000000000000000000000000c0"
        "0000000000000000000000000000000000000000000000000000000000000120"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000002"
        "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
        "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
        "0000000000000000000000000000000000000000000000000000000000000002"
        "0000000000000000000000000000000000000000000000000000000000000040"
        "0000000000000000000000000000000000000000000000000000000000000080"
        "0000000000000000000000000000000000000000000000000000000000000002"
        "0171000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000004"
        "0171122000000000000000000000000000000000000000000000000000000000");
  CHECK(to_hex(registry::grant_access_calldata("models", address(writer), {}, {})) ==
        "0x507ade79"
        "0000000000000000000000000000000000000000000000000000000000000080"
        "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
        "00000000000000000000000000000000000000000000000000000000000000c0"
        "00000000000000000000000000000000000000000000000000000000000000e0"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000");
  const std::vector<Word> shredded{word(head_a)};
  CHECK(to_hex(registry::shred_calldata("models", shredded)) ==
        "0xc8869c41"
        "0000000000000000000000000000000000000000000000000000000000000040"
        "0000000000000000000000000000000000000000000000000000000000000080"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000001"
        "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
  CHECK(to_hex(registry::shredded_at_calldata("models", word(head_a))) ==
        "0x2a5c6053"
        "0000000000000000000000000000000000000000000000000000000000000040"
        "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000");
}

TEST_CASE("private-model views decode as cast abi-encode writes them", "[registry][private]") {
  auto published = registry::decode_encryption_key_of(hex_bytes(key_and_nonce('1')));
  REQUIRE(published.ok());
  CHECK(published->key == hex_bytes(generator));
  CHECK(published->nonce == 1);
  auto none =
      registry::decode_encryption_key_of(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000040"
                                                   "0000000000000000000000000000000000000000000000000000000000000000"
                                                   "0000000000000000000000000000000000000000000000000000000000000000"));
  REQUIRE(none.ok());
  CHECK(none->key.empty());
  CHECK(none->nonce == 0);
  // A key the contract would have refused, or one with nonce 0 (never published), is the node's invention.
  std::string uncompressed = key_and_nonce('1');
  uncompressed.replace(uncompressed.find("0279be"), 2, "04");
  CHECK(registry::decode_encryption_key_of(hex_bytes(uncompressed)).error().kind == ErrorKind::invalid_input);
  CHECK(registry::decode_encryption_key_of(hex_bytes(key_and_nonce('0'))).error().kind == ErrorKind::invalid_input);

  auto readers =
      registry::decode_readers_of(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000020"
                                            "0000000000000000000000000000000000000000000000000000000000000002"
                                            "00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906"
                                            "0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc"));
  REQUIRE(readers.ok());
  CHECK(*readers == std::vector<Address>{address(reader), address(stranger)});

  const std::string yes = "0x0000000000000000000000000000000000000000000000000000000000000001";
  CHECK(*registry::decode_is_private(hex_bytes(yes)));
  CHECK(*registry::decode_has_access(hex_bytes(yes)));
  CHECK_FALSE(*registry::decode_has_access(hex_bytes(zero)));
  auto block =
      registry::decode_shredded_at(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000023"));
  REQUIRE(block.ok());
  CHECK(*block == 35);
  CHECK(registry::decode_shredded_at(hex_bytes(head_a)).error().kind == ErrorKind::invalid_input);  // beyond 64 bits
}

TEST_CASE("private-model event topics are cast keccak's of their signatures", "[registry][private]") {
  CHECK(registry::encryption_key_published_topic() ==
        word("0x36eab1fe38e72bc263ef7e4d8c021ae051fefdedbde51e8ebd25d5eceda94bcf"));
  CHECK(registry::visibility_set_topic() == word("0x919995fdaf89eaf9f80a0fe89a06a98b59107c0920ff95ae6462bb9fee892b2e"));
  CHECK(registry::access_granted_topic() == word("0x1fe85776d0ad2bef44ccbd37e94d303b3d549376e1c3fc96508b881c586e7f11"));
  CHECK(registry::reader_added_topic() == word("0x290fdf4d54ec0f632f41be164d03752407dd1b3c628e72434654cbca69400d70"));
  CHECK(registry::access_revoked_topic() == word("0xfab19bdeacf1ea13315b1da3f79a3403fe4f16793b6a03eeff9e0bbbea24fe5f"));
  CHECK(registry::version_shredded_topic() ==
        word("0xe9c6c74648047341a99d8057fbd5ea5113e3a4219593ed97c3624ecf8aafc9f2"));

  CHECK(registry::access_grants_filter("models") ==
        std::vector<std::vector<Word>>{{registry::access_granted_topic()}, {word(models_id)}});
  CHECK(registry::access_grants_filter("models", address(reader)) ==
        std::vector<std::vector<Word>>{{registry::access_granted_topic()}, {word(models_id)}, {word(reader_topic)}});
  CHECK(registry::encryption_key_events_filter(address(reader)) ==
        std::vector<std::vector<Word>>{{registry::encryption_key_published_topic()}, {word(reader_topic)}});
  CHECK(registry::shreddings_filter("models") ==
        std::vector<std::vector<Word>>{{registry::version_shredded_topic()}, {word(models_id)}});
  CHECK(registry::readers_added_filter("models") ==
        std::vector<std::vector<Word>>{{registry::reader_added_topic()}, {word(models_id)}});
  CHECK(registry::access_revocations_filter("models") ==
        std::vector<std::vector<Word>>{{registry::access_revoked_topic()}, {word(models_id)}});
}

TEST_CASE("private-model logs recorded on anvil decode to the calls that emitted them", "[registry][private]") {
  auto published = registry::decode_event(
      std::vector<Word>{registry::encryption_key_published_topic(), word(reader_topic)}, hex_bytes(key_and_nonce('0')));
  REQUIRE(published.ok());
  const auto* key = std::get_if<registry::EncryptionKeyPublished>(&*published);
  REQUIRE(key != nullptr);
  CHECK(key->account == address(reader));
  CHECK(key->key == hex_bytes(generator));
  CHECK(key->nonce == 0);
  std::string bad_key = key_and_nonce('0');
  bad_key.replace(bad_key.find("0279be"), 2, "05");
  CHECK(registry::decode_event(std::vector<Word>{registry::encryption_key_published_topic(), word(reader_topic)},
                               hex_bytes(bad_key))
            .error()
            .kind == ErrorKind::invalid_input);

  // AccessGranted by the writer to the reader for sha256("one"); data `cast abi-encode "f(address,bytes)"`.
  const std::vector<Word> granted_topics{registry::access_granted_topic(), word(models_id), word(reader_topic),
                                         word(one)};
  const std::string granted_data =
      "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
      "0000000000000000000000000000000000000000000000000000000000000040"
      "0000000000000000000000000000000000000000000000000000000000000024"
      "017112208b5b9db0c13db24256c829aa364aa90c6d2eba318b9232a4ab9313b954d3555f0000000000000000000000000000000000000000"
      "0000000000000000";
  auto granted = registry::decode_event(granted_topics, hex_bytes(granted_data));
  REQUIRE(granted.ok());
  const auto* grant = std::get_if<registry::AccessGranted>(&*granted);
  REQUIRE(grant != nullptr);
  CHECK(grant->repo_id == word(models_id));
  CHECK(grant->grantee == address(reader));
  CHECK(grant->commit == word(one));
  CHECK(grant->by == address(writer));
  CHECK(grant->keys == hex_bytes(access_block));
  std::vector<Word> no_commit = granted_topics;
  no_commit[3] = word(zero);
  CHECK(registry::decode_event(no_commit, hex_bytes(granted_data)).error().kind == ErrorKind::invalid_input);

  const std::vector<Word> reader_topics{registry::reader_added_topic(), word(models_id), word(reader_topic),
                                        word(writer_topic)};
  auto added = registry::decode_event(reader_topics, {});
  REQUIRE(added.ok());
  const auto* reader_added = std::get_if<registry::ReaderAdded>(&*added);
  REQUIRE(reader_added != nullptr);
  CHECK(reader_added->grantee == address(reader));
  CHECK(reader_added->by == address(writer));
  std::vector<Word> revoked_topics = reader_topics;
  revoked_topics[0] = registry::access_revoked_topic();
  auto revoked = registry::decode_event(revoked_topics, {});
  REQUIRE(revoked.ok());
  CHECK(std::get<registry::AccessRevoked>(*revoked).grantee == address(reader));

  auto visibility =
      registry::decode_event(std::vector<Word>{registry::visibility_set_topic(), word(models_id), word(owner_topic)},
                             hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000001"));
  REQUIRE(visibility.ok());
  CHECK(std::get<registry::VisibilitySet>(*visibility).is_private);
  CHECK(std::get<registry::VisibilitySet>(*visibility).by == address(owner));

  auto shredded = registry::decode_event(
      std::vector<Word>{registry::version_shredded_topic(), word(models_id), word(one), word(owner_topic)}, {});
  REQUIRE(shredded.ok());
  CHECK(std::get<registry::VersionShredded>(*shredded).commit == word(one));
  CHECK(registry::decode_event(
            std::vector<Word>{registry::version_shredded_topic(), word(models_id), word(zero), word(owner_topic)}, {})
            .error()
            .kind == ErrorKind::invalid_input);
}

TEST_CASE("private-model revert data is what cast calldata encodes for each custom error", "[registry][private]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"0x411ca7ca", "InvalidEncryptionKey()"},
      {"0xfd8d47c6", "BadKeySignature()"},
      {"0xff633a38", "LengthMismatch()"},
      {"0xad1614cd" + one.substr(2), "UnanchoredCommit(" + one + ")"},
      {"0x6484b811" + one.substr(2), "VersionIsShredded(" + one + ")"},
      {"0xf6626358", "ZeroGrantee()"},
      {"0x0b53fd23", "EmptyKeys()"}};
  for (const auto& [data, description] : cases) {
    auto error = registry::decode_error(hex_bytes(data));
    REQUIRE(error.ok());
    REQUIRE(error->has_value());
    CHECK(registry::describe(**error) == description);
  }
  CHECK(
      std::get<registry::UnanchoredCommit>(**registry::decode_error(hex_bytes("0xad1614cd" + one.substr(2)))).commit ==
      word(one));
  // UnanchoredCommit without its commit.
  CHECK(registry::decode_error(hex_bytes("0xad1614cd")).error().kind == ErrorKind::invalid_input);
}

TEST_CASE("the encryption-key digest is EIP-712's, as cast wallet sign --data signs it", "[registry][private]") {
  const auto digest =
      registry::encryption_key_digest(31337, address(first_registry), address(owner), hex_bytes(generator), 0);
  // The same document through the general EIP-712 codec.
  const std::string document = R"({"types": {"EIP712Domain": [{"name": "name", "type": "string"},
      {"name": "version", "type": "string"}, {"name": "chainId", "type": "uint256"},
      {"name": "verifyingContract", "type": "address"}],
    "EncryptionKey": [{"name": "account", "type": "address"}, {"name": "key", "type": "bytes"},
      {"name": "nonce", "type": "uint256"}]},
    "primaryType": "EncryptionKey",
    "domain": {"name": "mlchain", "version": "1", "chainId": 31337,
               "verifyingContract": "0x5FbDB2315678afecb367f032d93F642f64180aa3"},
    "message": {"account": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                "key": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "nonce": 0}})";
  const auto expected = mlchain::codec::typed_data_digest(document);
  REQUIRE(expected.ok());
  CHECK(digest == *expected);

  // `cast wallet sign --data --from-file` of that document with anvil's key 0 recovers to account 0 from our
  // digest (so cast hashed the same 32 bytes).
  auto signature =
      mlchain::codec::parse_signature(hex_bytes("0x6f64d40396dc1b549c8df198d6509ad9774cc9772508a95373f889650339a23d"
                                                "513e0b7670e01e599b536ad02da8e2ac7911d36d12305735623ec84fbf51a7e71c"));
  REQUIRE(signature.ok());
  auto signer = mlchain::crypto::recover_address(digest, *signature);
  REQUIRE(signer.ok());
  CHECK(*signer == address(owner));

  // Each field is bound: another nonce, chain, registry, account or key is another digest.
  CHECK(registry::encryption_key_digest(31337, address(first_registry), address(owner), hex_bytes(generator), 1) !=
        digest);
  CHECK(registry::encryption_key_digest(1, address(first_registry), address(owner), hex_bytes(generator), 0) != digest);
  CHECK(registry::encryption_key_digest(31337, address(writer), address(owner), hex_bytes(generator), 0) != digest);
  CHECK(registry::encryption_key_digest(31337, address(first_registry), address(writer), hex_bytes(generator), 0) !=
        digest);
  CHECK(registry::encryption_key_digest(31337, address(first_registry), address(owner), hex_bytes(access_block), 0) !=
        digest);
}
