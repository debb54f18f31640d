// The catalogue index (catalogue/index.hpp) and its update (catalogue/index_update.hpp) on a chain held in
// memory: incremental updates in bounded ranges, unlisting that keeps history, updates, a reorganisation
// past the last indexed block, a name race decided by a reorganisation, an unreachable node, and card
// texts fetched from an IPFS node and verified.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "fakes/memory_chain.hpp"
#include "fakes/memory_node.hpp"
#include "mlchain/catalogue/index.hpp"
#include "mlchain/catalogue/index_update.hpp"
#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/unixfs/profile.hpp"
#include "temporary_directory.hpp"

namespace abi = mlchain::codec::abi;
namespace catalogue = mlchain::catalogue;
using mlchain::Bytes;
using mlchain::ErrorKind;
using mlchain::Result;
using mlchain::codec::Address;
using mlchain::codec::Cid;
using mlchain::codec::U256;
using mlchain::testing::MemoryChain;
using mlchain::testing::MemoryNode;
using mlchain::testing::TemporaryDirectory;

namespace {

Address address(std::string_view text) { return mlchain::codec::parse_address(text).value(); }

const Address registry_address = address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const Address catalogue_address = address("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
const Address alice = address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
const Address bob = address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
const Cid card_cid = Cid::parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku").value();
constexpr std::uint64_t chain_id = 31337;

template <class T>
T checked(Result<T> result) {
  if (!result) FAIL(result.error().message);
  return std::move(result).value();
}

const std::string terms_type = "(bytes,string,string[],bool,uint256,uint64,address[],uint16[])";

abi::Word address_topic(const Address& owner) {
  abi::Word topic{};
  std::copy(owner.bytes.begin(), owner.bytes.end(), topic.begin() + 12);
  return topic;
}

struct Terms {
  Cid card = card_cid;
  std::string license = "MIT";
  std::vector<std::string> tags;
  std::uint64_t price = 0;
};

abi::Value terms_value(const Terms& terms, const Address& owner) {
  abi::List tags;
  for (const auto& tag : terms.tags) tags.emplace_back(tag);
  return abi::Tuple{{terms.card.to_bytes(), terms.license, tags, false, U256(terms.price), std::uint64_t{0},
                     abi::List{owner}, abi::List{abi::Value(std::uint16_t{10'000})}}};
}

// A catalogue log as the contract emits it: the event's topic, the name id and the address, then the data.
mlchain::eth::Log catalogue_log(const std::string& signature, const std::string& name, const Address& who,
                                std::vector<abi::Value> data) {
  const auto event = checked(abi::parse_signature(signature));
  std::vector<abi::Type> types;
  for (const auto& parameter : event.parameters)
    if (!parameter.indexed) types.push_back(parameter.type);
  mlchain::eth::Log log;
  log.address = catalogue_address;
  log.topics = {event.topic(), mlchain::codec::keccak256(mlchain::as_bytes(name)), address_topic(who)};
  log.data = checked(abi::encode(types, data));
  return log;
}

// A transaction hash of the test's making, so include() adds a log as a new transaction.
mlchain::eth::Hash transaction_hash(const std::string& seed) {
  return mlchain::codec::keccak256(mlchain::as_bytes(seed));
}

void publish(MemoryChain& chain, const std::string& name, const std::string& repo, const Address& owner,
             const Terms& terms = {}, bool update = false) {
  auto log = catalogue_log((update ? "Updated" : "Published") +
                               std::string("(bytes32 indexed,address indexed,string,string,") + terms_type + ")",
                           name, owner, {name, repo, terms_value(terms, owner)});
  log.transaction_hash = transaction_hash("publish " + name + " " + repo + std::to_string(chain.blocks().size()));
  chain.include(log);
}
void unlist(MemoryChain& chain, const std::string& name, const Address& owner) {
  auto log = catalogue_log("Unlisted(bytes32 indexed,address indexed,string)", name, owner, {name});
  log.transaction_hash = transaction_hash("unlist " + name + std::to_string(chain.blocks().size()));
  chain.include(log);
}
void purchase(MemoryChain& chain, const std::string& name, const Address& buyer, std::uint64_t price) {
  auto log = catalogue_log("Purchased(bytes32 indexed,address indexed,string,uint256,uint64)", name, buyer,
                           {name, U256(price), std::uint64_t{UINT64_MAX}});
  log.transaction_hash = transaction_hash("buy " + name + std::to_string(chain.blocks().size()));
  chain.include(log);
}

catalogue::CatalogueIndex memory_index() {
  return checked(catalogue::CatalogueIndex::open_in_memory(chain_id, catalogue_address));
}

catalogue::SearchQuery query(std::string text, std::optional<std::string> license = std::nullopt, bool all = false,
                             std::optional<std::string> stage = std::nullopt) {
  catalogue::SearchQuery query;
  query.text = std::move(text);
  query.license = std::move(license);
  query.include_unlisted = all;
  query.stage = std::move(stage);
  return query;
}

std::vector<std::string> names(catalogue::CatalogueIndex& index, const catalogue::SearchQuery& query = {}) {
  std::vector<std::string> found;
  for (const auto& listing : checked(index.search(query))) found.push_back(listing.listing.name);
  return found;
}

// A node that refuses eth_getLogs over more than `limit` blocks, as hosted providers do.
class RangeLimitedChain final : public mlchain::watch::ChainSource {
 public:
  RangeLimitedChain(MemoryChain& chain, std::uint64_t limit) : chain_(chain), limit_(limit) {}
  Result<std::uint64_t> head() override { return chain_.head(); }
  Result<std::optional<mlchain::eth::Hash>> block_hash(std::uint64_t block) override {
    return chain_.block_hash(block);
  }
  Result<std::vector<mlchain::eth::Log>> logs(std::span<const Address> contracts,
                                              const std::vector<std::vector<mlchain::eth::Hash>>& topics,
                                              std::uint64_t from, std::uint64_t to) override {
    ++queries;
    if (to - from + 1 > limit_)
      return mlchain::make_error(ErrorKind::remote_unavailable, "memory://chain: block range too large");
    widest = std::max(widest, to - from + 1);
    return chain_.logs(contracts, topics, from, to);
  }
  std::string describe() const override { return chain_.describe(); }
  std::uint64_t queries = 0;
  std::uint64_t widest = 0;

 private:
  MemoryChain& chain_;
  std::uint64_t limit_;
};

}  // namespace

TEST_CASE("the index follows the catalogue incrementally", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice, {card_cid, "MIT", {"vision", "small"}});
  chain.mine();
  auto first = checked(catalogue::update_index(index, chain));
  CHECK(first.events == 1);
  CHECK(first.head == 1);
  CHECK_FALSE(first.rebuilt_past);
  CHECK(names(index) == std::vector<std::string>{"tiny-mlp"});

  publish(chain, "big-lm", "llm", bob, {card_cid, "Apache-2.0", {"text"}, 1000});
  chain.mine();
  purchase(chain, "big-lm", alice, 1000);
  chain.mine();
  const auto queries_before = chain.log_queries();
  auto second = checked(catalogue::update_index(index, chain));
  CHECK(second.events == 2);
  CHECK(second.head == 3);
  // Only the blocks after the last indexed one were asked for: one range.
  CHECK(chain.log_queries() - queries_before == 1);

  CHECK(names(index) == std::vector<std::string>{"big-lm", "tiny-mlp"});
  CHECK(names(index, query("VISION")) == std::vector<std::string>{"tiny-mlp"});
  CHECK(names(index, query("", "apache-2.0")) == std::vector<std::string>{"big-lm"});
  CHECK(names(index, query("BIG")) == std::vector<std::string>{"big-lm"});
  CHECK(names(index, query("nothing like it")).empty());
  const auto big = checked(index.search(query("big-lm")));
  REQUIRE(big.size() == 1);
  CHECK(big[0].listing.owner == bob);
  CHECK(big[0].listing.repo == "llm");
  CHECK(big[0].listing.purchases == 1);
  CHECK(big[0].listing.terms.price == U256(1000));
  CHECK(big[0].listing.published_at == 2);
  REQUIRE(big[0].listing.terms.splits.size() == 1);
  CHECK(big[0].listing.terms.splits[0].share == 10'000);

  // Up to date: nothing more to read.
  auto third = checked(catalogue::update_index(index, chain));
  CHECK(third.events == 0);
  CHECK(checked(index.state()).events == 3);
}

TEST_CASE("an unlisted listing leaves search but keeps its history", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice);
  chain.mine();
  unlist(chain, "tiny-mlp", alice);
  chain.mine();
  checked(catalogue::update_index(index, chain));
  CHECK(names(index).empty());
  const auto all = checked(index.search(query("", std::nullopt, true)));
  REQUIRE(all.size() == 1);
  CHECK_FALSE(all[0].listing.listed);
  CHECK(all[0].listing.updated_at == 2);
  const auto history = checked(index.history("tiny-mlp"));
  REQUIRE(history.size() == 2);
  CHECK(history[0].kind == "published");
  CHECK(history[1].kind == "unlisted");
  CHECK(history[1].block == 2);
}

TEST_CASE("an Updated event changes the terms and lists again, keeping the first publication", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice, {card_cid, "MIT", {"vision"}});
  chain.mine();
  purchase(chain, "tiny-mlp", bob, 5);
  unlist(chain, "tiny-mlp", alice);
  chain.mine();
  publish(chain, "tiny-mlp", "models", alice, {card_cid, "GPL-3.0-only", {"audio"}, 5}, true);
  chain.mine();
  checked(catalogue::update_index(index, chain));
  const auto found = checked(index.search({}));
  REQUIRE(found.size() == 1);
  const auto& listing = found[0].listing;
  CHECK(listing.listed);
  CHECK(listing.terms.license == "GPL-3.0-only");
  CHECK(listing.terms.tags == std::vector<std::string>{"audio"});
  CHECK(listing.terms.price == U256(5));
  CHECK(listing.published_at == 1);
  CHECK(listing.updated_at == 3);
  CHECK(listing.purchases == 1);
  CHECK(names(index, query("vision")).empty());
  CHECK(names(index, query("audio")) == std::vector<std::string>{"tiny-mlp"});
  CHECK(checked(index.history("tiny-mlp")).size() == 4);
}

TEST_CASE("a reorganisation past the last indexed block rebuilds the index", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice);
  chain.mine();
  publish(chain, "gone-model", "other", bob);
  chain.mine();
  checked(catalogue::update_index(index, chain));
  REQUIRE(names(index) == std::vector<std::string>{"gone-model", "tiny-mlp"});

  chain.reorganize(1);
  chain.mine();  // the same height, another block, without the publish
  publish(chain, "new-model", "other", bob);
  chain.mine();
  auto update = checked(catalogue::update_index(index, chain));
  REQUIRE(update.rebuilt_past);
  CHECK(*update.rebuilt_past == 2);
  CHECK(names(index) == std::vector<std::string>{"new-model", "tiny-mlp"});
  CHECK(checked(index.history("gone-model")).empty());
  CHECK(checked(index.state()).events == 2);
}

TEST_CASE("a reorganisation while a range is read is noticed before the range is stored", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice);
  chain.mine();
  checked(catalogue::update_index(index, chain));
  publish(chain, "gone-model", "other", bob);
  chain.mine();
  bool reorganised = false;
  chain.after_logs_query = [&] {
    if (reorganised) return;
    reorganised = true;
    chain.reorganize(1);
    chain.mine();
  };
  auto update = checked(catalogue::update_index(index, chain));
  CHECK(reorganised);
  // Read again, never stored: storing it would leave a last block the chain does not have, and a rebuild.
  CHECK_FALSE(update.rebuilt_past);
  CHECK(update.events == 0);
  CHECK(names(index) == std::vector<std::string>{"tiny-mlp"});
}

TEST_CASE("two publishes racing for one name: the index shows only the chain's winner", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  // Alice's publish is mined first and indexed; then the chain reorganises and Bob's publish of the same
  // name is the one that won (Alice's reverted with NameTaken in the new chain, leaving no event).
  publish(chain, "tiny-mlp", "alice-models", alice);
  chain.mine();
  checked(catalogue::update_index(index, chain));
  REQUIRE(checked(index.search({}))[0].listing.owner == alice);

  chain.reorganize(1);
  publish(chain, "tiny-mlp", "bob-models", bob);
  chain.mine();
  chain.mine();
  auto update = checked(catalogue::update_index(index, chain));
  CHECK(update.rebuilt_past);
  const auto found = checked(index.search(query("", std::nullopt, true)));
  REQUIRE(found.size() == 1);
  CHECK(found[0].listing.owner == bob);
  CHECK(found[0].listing.repo == "bob-models");
  const auto history = checked(index.history("tiny-mlp"));
  REQUIRE(history.size() == 1);
  CHECK(history[0].fields.find("alice-models") == std::string::npos);
}

TEST_CASE("a node refusing wide log ranges gets narrower ones", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  for (int block = 0; block < 300; ++block) {
    if (block % 100 == 50) publish(chain, "model-" + std::to_string(block), "models", alice);
    chain.mine();
  }
  RangeLimitedChain limited(chain, 100);
  auto index = memory_index();
  auto update = checked(catalogue::update_index(index, limited, 2'000));
  CHECK(update.events == 3);
  CHECK(update.head == 300);
  CHECK(limited.widest <= 100);
  CHECK(names(index).size() == 3);
}

TEST_CASE("an unreachable node leaves the index as it was", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice);
  chain.mine();
  checked(catalogue::update_index(index, chain));
  publish(chain, "later", "models", alice);
  chain.mine();
  chain.set_offline(true);
  auto update = catalogue::update_index(index, chain);
  REQUIRE_FALSE(update);
  CHECK(update.error().kind == ErrorKind::remote_unavailable);
  CHECK(names(index) == std::vector<std::string>{"tiny-mlp"});
  CHECK(checked(index.state()).last->number == 1);
}

TEST_CASE("the index file persists and belongs to one catalogue", "[catalogue_index]") {
  TemporaryDirectory home;
  const auto file = catalogue::CatalogueIndex::file_for(home.path, chain_id, catalogue_address);
  CHECK(file == home.path / "catalogue" / "31337-0xe7f1725e7734ce288f8367e1bb143e90bb3f0512.sqlite3");
  MemoryChain chain(registry_address, "models");
  publish(chain, "tiny-mlp", "models", alice);
  chain.mine();
  {
    auto index = checked(catalogue::CatalogueIndex::open(file, chain_id, catalogue_address));
    checked(catalogue::update_index(index, chain));
  }
  auto reopened = checked(catalogue::CatalogueIndex::open(file, chain_id, catalogue_address));
  CHECK(names(reopened) == std::vector<std::string>{"tiny-mlp"});
  const auto state = checked(reopened.state());
  REQUIRE(state.last);
  CHECK(state.last->number == 1);
  CHECK(state.last->hash == chain.blocks()[1].hash);
  REQUIRE(state.first_log);
  CHECK(state.first_log->number == 1);

  auto other_chain = catalogue::CatalogueIndex::open(file, 1, catalogue_address);
  REQUIRE_FALSE(other_chain);
  CHECK(other_chain.error().kind == ErrorKind::corrupt);
  CHECK(other_chain.error().message.find(file.string()) != std::string::npos);

  const auto damaged = home.path / "damaged.sqlite3";
  std::ofstream(damaged) << "not a database at all, but long enough to be read as a header of one.....";
  auto opened = catalogue::CatalogueIndex::open(damaged, chain_id, catalogue_address);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().kind == ErrorKind::corrupt);
}

TEST_CASE("card texts come from IPFS verified against their CID", "[catalogue_index]") {
  TemporaryDirectory directory;
  const auto card_file = directory.path / "README.md";
  std::ofstream(card_file) << "# Tiny MLP\nA perceptron trained on handwritten digits.\n";
  MemoryNode node;
  const auto card = checked(node.add_file(card_file, mlchain::unixfs::default_profile));
  const auto large_file = directory.path / "large.md";
  std::ofstream(large_file) << std::string(catalogue::max_card_bytes + 1, 'x');
  const auto large = checked(node.add_file(large_file, mlchain::unixfs::default_profile));

  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice, {card, "MIT", {}});
  publish(chain, "large-card", "other", bob, {large, "MIT", {}});
  publish(chain, "absent-card", "third", bob, {card_cid, "MIT", {}});
  chain.mine();
  checked(catalogue::update_index(index, chain));

  node.tamper(card, Bytes{'l', 'i', 'e', 's'});
  auto lied = checked(catalogue::fetch_cards(index, node));
  CHECK(lied.fetched == 1);  // the large card: marked as such, never fetched again
  CHECK(lied.missing == 2);  // the tampered card and the one the node never had
  CHECK(names(index, query("handwritten")).empty());

  MemoryNode away;
  away.go_offline(true);
  auto unreachable = checked(catalogue::fetch_cards(index, away));
  CHECK(unreachable.fetched == 0);
  CHECK(unreachable.missing == 2);

  MemoryNode honest;
  checked(honest.add_file(card_file, mlchain::unixfs::default_profile));
  auto fetched = checked(catalogue::fetch_cards(index, honest));
  CHECK(fetched.fetched == 1);
  CHECK(fetched.missing == 1);
  CHECK(names(index, query("HANDWRITTEN")) == std::vector<std::string>{"tiny-mlp"});
  CHECK(checked(index.cards_wanted()) == std::vector<Cid>{card_cid});
  const auto found = checked(index.search(query("tiny")));
  REQUIRE(found.size() == 1);
  REQUIRE(found[0].card_text);
  CHECK(found[0].card_text->find("perceptron") != std::string::npos);
}

TEST_CASE("stage holders and their reputation are kept per repository and filter a search", "[catalogue_index]") {
  MemoryChain chain(registry_address, "models");
  auto index = memory_index();
  publish(chain, "tiny-mlp", "models", alice);
  publish(chain, "tiny-mlp-v2", "models", alice);
  publish(chain, "other", "elsewhere", bob);
  chain.mine();
  unlist(chain, "other", bob);
  chain.mine();
  checked(catalogue::update_index(index, chain));
  CHECK(checked(index.listed_repositories()) == std::vector<std::string>{"models"});

  catalogue::StageFacts production;
  production.stage = "production";
  production.commit = card_cid;
  production.since_block = 7;
  production.reputation.evaluators = 2;
  production.reputation.metrics.push_back(
      {"accuracy", mlchain::codec::parse_fixed18("0.91").value(), mlchain::codec::parse_fixed18("0.953").value(), 2});
  REQUIRE(index.store_stages("models", std::vector<catalogue::StageFacts>{production}));
  CHECK(names(index, query("", std::nullopt, true, "production")) ==
        std::vector<std::string>{"tiny-mlp", "tiny-mlp-v2"});
  CHECK(names(index, query("", std::nullopt, true, "staging")).empty());
  const auto found = checked(index.search(query("tiny-mlp-v2")));
  REQUIRE(found.size() == 1);
  REQUIRE(found[0].stages.size() == 1);
  const auto& stage = found[0].stages[0];
  CHECK(stage.stage == "production");
  CHECK(stage.commit == card_cid);
  CHECK(stage.since_block == 7);
  CHECK(stage.reputation.evaluators == 2);
  REQUIRE(stage.reputation.metrics.size() == 1);
  CHECK(mlchain::codec::format_fixed18(stage.reputation.metrics[0].low) == "0.91");
  CHECK(mlchain::codec::format_fixed18(stage.reputation.metrics[0].high) == "0.953");
  CHECK(checked(index.search(query("other", std::nullopt, true)))[0].stages.empty());

  // A repository whose governance no longer has a holder: its stages go.
  REQUIRE(index.store_stages("models", {}));
  CHECK(names(index, query("", std::nullopt, true, "production")).empty());
}

TEST_CASE("two processes updating one index file never store a range twice", "[catalogue_index]") {
  TemporaryDirectory home;
  const auto file = catalogue::CatalogueIndex::file_for(home.path, chain_id, catalogue_address);
  MemoryChain chain(registry_address, "models");
  publish(chain, "tiny-mlp", "models", alice);
  chain.mine();
  auto first = checked(catalogue::CatalogueIndex::open(file, chain_id, catalogue_address));
  auto second = checked(catalogue::CatalogueIndex::open(file, chain_id, catalogue_address));
  // The second read the index before the first stored block 1, then tries to store the same range.
  const auto before = checked(second.state());
  checked(catalogue::update_index(first, chain));
  mlchain::eth::catalogue::Unlisted unlisted;
  unlisted.name = "tiny-mlp";
  unlisted.owner = alice;
  const std::vector<catalogue::IndexedEvent> events{{1, chain.blocks()[1].hash, 5, {}, unlisted}};
  auto stale = second.apply(events, before.last, {1, chain.blocks()[1].hash});
  REQUIRE_FALSE(stale);
  CHECK(stale.error().kind == ErrorKind::changed_concurrently);
  CHECK(names(second) == std::vector<std::string>{"tiny-mlp"});

  publish(chain, "later", "models", bob);
  chain.mine();
  auto update = checked(catalogue::update_index(second, chain));
  CHECK(update.events == 1);
  CHECK(checked(first.state()).events == 2);
  CHECK(names(first) == std::vector<std::string>{"later", "tiny-mlp"});
}
