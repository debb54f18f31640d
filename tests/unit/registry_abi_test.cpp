// The registry's calldata, return data, events and errors against Foundry's cast 1.7.1 and against logs the
// contract emitted on anvil 1.7.1 (tests/vectors/README.md, "Registry ABI").
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "hex_bytes.hpp"
#include "mlchain/codec/hex.hpp"
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
