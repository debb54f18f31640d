// Commit signers (docs/format.md §7.1): the pure rule behind `verify --chain --authorized` (intervals, the
// first anchoring of each commit) on in-memory histories, and the registry's signer calldata, views, events
// and errors against Foundry's cast.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "hex_bytes.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/signer_authorization.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace registry = mlchain::eth::registry;
using mlchain::Bytes;
using mlchain::ErrorKind;
using mlchain::codec::Address;
using mlchain::codec::Cid;
using mlchain::core::AnchoredHead;
using mlchain::core::CommitLinks;
using mlchain::core::FirstAnchoring;
using mlchain::core::SignerInterval;
using mlchain::core::SignerIntervals;
using mlchain::testing::hex_bytes;

namespace {

// Constants, so no assertion runs before Catch2 does.
Address address(std::string_view text) { return mlchain::codec::parse_address(text).value(); }

const Address alice = address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const Address bob = address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const Address mallory = address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");

Cid commit_named(std::string_view name) {
  return Cid::of_block(1, mlchain::codec::multicodec::dag_cbor, mlchain::as_bytes(name));
}

// A history in memory: each commit's signer and parents.
struct History {
  std::map<Cid, CommitLinks> commits;

  Cid add(std::string_view name, std::optional<Address> signer, std::vector<Cid> parents = {}) {
    const Cid cid = commit_named(name);
    commits[cid] = CommitLinks{signer, std::move(parents)};
    return cid;
  }
  mlchain::core::CommitLookup lookup() const {
    return [this](const Cid& cid) -> std::optional<CommitLinks> {
      const auto found = commits.find(cid);
      if (found == commits.end()) return std::nullopt;
      return found->second;
    };
  }
};

std::string to_hex(const mlchain::Result<Bytes>& bytes) {
  REQUIRE(bytes.ok());
  return mlchain::codec::to_0x_hex(*bytes);
}

}  // namespace

TEST_CASE("a signer counts from the block of its addition until the block of its removal, excluded", "[signers]") {
  const std::vector<SignerInterval> rotated{{10, 20}, {30, std::nullopt}};
  CHECK_FALSE(mlchain::core::authorized_at(rotated, 9));
  CHECK(mlchain::core::authorized_at(rotated, 10));
  CHECK(mlchain::core::authorized_at(rotated, 19));
  CHECK_FALSE(mlchain::core::authorized_at(rotated, 20));  // the removal's own block
  CHECK_FALSE(mlchain::core::authorized_at(rotated, 29));
  CHECK(mlchain::core::authorized_at(rotated, 30));  // re-added
  CHECK(mlchain::core::authorized_at(rotated, 1'000'000));
  const std::vector<SignerInterval> same_block{{5, 5}};  // added and removed in one block: never counted
  CHECK_FALSE(mlchain::core::authorized_at(same_block, 5));
  CHECK_FALSE(mlchain::core::authorized_at(std::vector<SignerInterval>{}, 5));
}

TEST_CASE("each commit is judged at the block of the first head update that covered it", "[signers]") {
  History history;
  const Cid a1 = history.add("a1", alice);
  const Cid a2 = history.add("a2", alice, {a1});
  const Cid b1 = history.add("b1", bob, {a2});
  const Cid late = history.add("late", alice, {b1});  // signed by alice after her removal
  const std::vector<AnchoredHead> anchors{{a2, 10}, {b1, 25}, {late, 40}};
  const SignerIntervals signers{{alice, {{5, 30}}}, {bob, {{20, std::nullopt}}}};

  SECTION("the old history stays authorised after the key that signed it is removed") {
    const auto coverage = mlchain::core::first_anchorings(anchors, b1, history.lookup());
    REQUIRE(coverage.anchored);
    CHECK(coverage.unreadable.empty());
    REQUIRE(coverage.commits.size() == 3);
    CHECK(coverage.commits[0].block == 10);  // a1 and a2, first anchored by the push of a2
    CHECK(coverage.commits[1].block == 10);
    CHECK(coverage.commits[2].commit == b1);
    CHECK(coverage.commits[2].block == 25);
    CHECK(mlchain::core::unauthorized_commits(coverage.commits, signers).empty());
  }
  SECTION("a commit signed by a removed key is anchored past its removal and fails") {
    const auto coverage = mlchain::core::first_anchorings(anchors, late, history.lookup());
    REQUIRE(coverage.anchored);
    REQUIRE(coverage.commits.size() == 4);
    const auto refused = mlchain::core::unauthorized_commits(coverage.commits, signers);
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].commit == late);
    CHECK(refused[0].signer == alice);
    CHECK(refused[0].block == 40);
  }
  SECTION("a key never added, or a commit without a valid signature, is never authorised") {
    History other;
    const Cid root = other.add("root", mallory);
    const Cid unsigned_commit = other.add("unsigned", std::nullopt, {root});
    const std::vector<AnchoredHead> pushed{{unsigned_commit, 50}};
    const auto coverage = mlchain::core::first_anchorings(pushed, unsigned_commit, other.lookup());
    const auto refused = mlchain::core::unauthorized_commits(coverage.commits, signers);
    CHECK(refused.size() == 2);
    CHECK(mlchain::core::unauthorized_commits(coverage.commits, SignerIntervals{}).size() == 2);
  }
}

TEST_CASE("a commit pushed again keeps its first anchoring; later updates are not walked", "[signers]") {
  History history;
  const Cid base = history.add("base", alice);
  const Cid side = history.add("side", bob, {base});
  const Cid merge = history.add("merge", bob, {base, side});
  // base on main at 10, side on another branch at 15, merge at 30; then an update at 50 whose head is not stored.
  const std::vector<AnchoredHead> anchors{{base, 10}, {side, 15}, {merge, 30}, {commit_named("elsewhere"), 50}};
  const auto coverage = mlchain::core::first_anchorings(anchors, merge, history.lookup());
  REQUIRE(coverage.anchored);
  CHECK(coverage.unreadable.empty());  // the update at 50 comes after merge was covered
  REQUIRE(coverage.commits.size() == 3);
  CHECK(coverage.commits[0].commit == base);
  CHECK(coverage.commits[0].block == 10);
  CHECK(coverage.commits[1].commit == side);
  CHECK(coverage.commits[1].block == 15);
  CHECK(coverage.commits[2].commit == merge);
  CHECK(coverage.commits[2].block == 30);
  // Alice signed base at 10, when she was authorised; bob only from 20: side (15) fails, merge (30) passes.
  const SignerIntervals signers{{alice, {{1, 12}}}, {bob, {{20, std::nullopt}}}};
  const auto refused = mlchain::core::unauthorized_commits(coverage.commits, signers);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].commit == side);
}

TEST_CASE("a head update whose commits are not stored leaves their first anchoring unknown", "[signers]") {
  History history;
  const Cid kept = history.add("kept", alice);
  const Cid missing = commit_named("missing");
  const Cid tip = history.add("tip", alice, {kept});
  const std::vector<AnchoredHead> anchors{{missing, 5}, {tip, 9}};
  const auto coverage = mlchain::core::first_anchorings(anchors, tip, history.lookup());
  REQUIRE(coverage.anchored);
  REQUIRE(coverage.unreadable.size() == 1);
  CHECK(coverage.unreadable[0].head == missing);
  CHECK(coverage.unreadable[0].block == 5);
  CHECK(coverage.commits.size() == 2);

  const auto never = mlchain::core::first_anchorings(std::vector<AnchoredHead>{{kept, 3}}, tip, history.lookup());
  CHECK_FALSE(never.anchored);
  CHECK(never.commits.empty());
}

TEST_CASE("signer calldata is what cast calldata encodes", "[signers][registry]") {
  const std::string repo_and_signer =
      "0000000000000000000000000000000000000000000000000000000000000040"
      "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
      "0000000000000000000000000000000000000000000000000000000000000006"
      "6d6f64656c730000000000000000000000000000000000000000000000000000";
  CHECK(to_hex(registry::add_signer_calldata("models", bob)) == "0xe1f6841c" + repo_and_signer);
  CHECK(to_hex(registry::remove_signer_calldata("models", bob)) == "0xe1fa867a" + repo_and_signer);
  CHECK(to_hex(registry::signer_intervals_of_calldata("models", bob)) == "0x2b78de37" + repo_and_signer);
  CHECK(to_hex(registry::signers_of_calldata("models")) ==
        "0xcff912f4"
        "0000000000000000000000000000000000000000000000000000000000000020"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000");
  CHECK(to_hex(registry::signer_authorized_at_calldata("models", bob, 35)) ==
        "0x8e0db075"
        "0000000000000000000000000000000000000000000000000000000000000060"
        "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
        "0000000000000000000000000000000000000000000000000000000000000023"
        "0000000000000000000000000000000000000000000000000000000000000006"
        "6d6f64656c730000000000000000000000000000000000000000000000000000");
}

TEST_CASE("signer views decode as cast abi-encode writes them, and what the contract cannot answer is refused",
          "[signers][registry]") {
  auto signers =
      registry::decode_signers_of(hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000020"
                                            "0000000000000000000000000000000000000000000000000000000000000001"
                                            "00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"));
  REQUIRE(signers.ok());
  CHECK(*signers == std::vector<Address>{bob});

  // cast abi-encode "f(uint256[],uint256[])" "[3,9]" "[7,0]"
  const auto encode = [](std::string_view from_a, std::string_view from_b, std::string_view until_a,
                         std::string_view until_b) {
    const std::string zeros(63, '0');
    return hex_bytes(
        "0x0000000000000000000000000000000000000000000000000000000000000040"
        "00000000000000000000000000000000000000000000000000000000000000a0"
        "0000000000000000000000000000000000000000000000000000000000000002" +
        zeros.substr(0, 64 - from_a.size()) + std::string(from_a) + zeros.substr(0, 64 - from_b.size()) +
        std::string(from_b) + "0000000000000000000000000000000000000000000000000000000000000002" +
        zeros.substr(0, 64 - until_a.size()) + std::string(until_a) + zeros.substr(0, 64 - until_b.size()) +
        std::string(until_b));
  };
  auto intervals = registry::decode_signer_intervals_of(encode("3", "9", "7", "0"));
  REQUIRE(intervals.ok());
  CHECK(*intervals == std::vector<SignerInterval>{{3, 7}, {9, std::nullopt}});
  // Overlapping, backwards, or an open interval before another: never the contract's answer.
  CHECK(registry::decode_signer_intervals_of(encode("3", "5", "7", "0")).error().kind == ErrorKind::invalid_input);
  CHECK(registry::decode_signer_intervals_of(encode("8", "9", "7", "0")).error().kind == ErrorKind::invalid_input);
  CHECK(registry::decode_signer_intervals_of(encode("3", "9", "0", "0")).error().kind == ErrorKind::invalid_input);

  CHECK(*registry::decode_signer_authorized_at(
      hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000001")));
  CHECK(registry::decode_signer_authorized_at(
            hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000002"))
            .error()
            .kind == ErrorKind::invalid_input);
}

TEST_CASE("signer events and errors are cast's", "[signers][registry]") {
  CHECK(mlchain::codec::to_0x_hex(registry::signer_added_topic()) ==
        "0xd7b95f649614ec2748f51a18479aa8021949530d8a0ce76f0ee76d3ec6b71f32");
  CHECK(mlchain::codec::to_0x_hex(registry::signer_removed_topic()) ==
        "0x409846234e3a1b8c231c3f64fb854cebc15b210aae5e99109a9636b9c3fdb028");
  const auto filter = registry::signer_changes_filter("models");
  REQUIRE(filter.size() == 2);
  CHECK(filter[0] == std::vector<registry::Word>{registry::signer_added_topic(), registry::signer_removed_topic()});
  CHECK(filter[1] == std::vector<registry::Word>{registry::repository_id("models")});

  // A SignerRemoved log: repoId, signer, by in the topics, untilBlock in the data.
  const std::vector<registry::Word> topics{registry::signer_removed_topic(), registry::repository_id("models"),
                                           registry::Word{}, registry::Word{}};
  auto removed =
      registry::decode_event(topics, hex_bytes("0x0000000000000000000000000000000000000000000000000000000000000011"));
  REQUIRE(removed.ok());
  const auto* typed = std::get_if<registry::SignerRemoved>(&*removed);
  REQUIRE(typed != nullptr);
  CHECK(typed->until_block == 17);

  const std::vector<std::pair<std::string, std::string>> cases{
      {"0xe5c48ac5", "ZeroSigner()"},
      {"0xab8a52bd00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8",
       "SignerAlreadyAuthorized(0x70997970C51812dc3A010C7d01b50e0d17dc79C8)"},
      {"0x3b94fe2400000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8",
       "SignerNotAuthorized(0x70997970C51812dc3A010C7d01b50e0d17dc79C8)"}};
  for (const auto& [data, description] : cases) {
    auto error = registry::decode_error(hex_bytes(data));
    REQUIRE(error.ok());
    REQUIRE(error->has_value());
    CHECK(registry::describe(**error) == description);
  }
}
