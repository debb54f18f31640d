// Which catalogue a command talks to (catalogue/universe.hpp), decided without a node wherever a setting or
// the flags name it: the local index must work offline.
#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "mlchain/catalogue/universe.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/repository.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;

namespace {

constexpr const char* catalogue_text = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";
// Nothing listens here: any attempt to reach the node fails the test's expectations.
constexpr const char* unreachable_rpc = "http://127.0.0.1:9";

struct TempRepository {
  testing::TemporaryDirectory directory;
  std::optional<repo::Repository> repository;
  TempRepository() {
    auto created = repo::init_repository(directory.path);
    REQUIRE(created.ok());
    repository.emplace(std::move(created).value());
  }
};

remote::Remote chain_remote(std::string name, std::optional<std::string> universe) {
  remote::Remote remote;
  remote.name = std::move(name);
  remote.rpc = unreachable_rpc;
  remote.registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  remote.repo = "model";
  remote.chain_id = 31337;
  remote.confirmations = 2;
  remote.universe = std::move(universe);
  return remote;
}

// A node that answers eth_call and eth_getCode as the test says.
struct CannedNode final : eth::RpcTransport {
  std::string call_result;  // 0x hex; empty: a revert with `revert_data`
  std::string revert_data;
  std::string code = "0x";
  Result<Answer> post(std::string_view body) override {
    const auto request = nlohmann::json::parse(body);
    nlohmann::json reply{{"jsonrpc", "2.0"}, {"id", request["id"]}};
    if (request["method"] == "eth_getCode")
      reply["result"] = code;
    else if (!call_result.empty())
      reply["result"] = call_result;
    else
      reply["error"] = {{"code", 3}, {"message", "execution reverted"}, {"data", revert_data}};
    return Answer{200, reply.dump()};
  }
};

eth::RpcClient client_for(CannedNode node) {
  eth::RpcOptions options;
  options.url = "http://node.test";
  options.attempts = 1;
  return eth::RpcClient(options, std::make_unique<CannedNode>(std::move(node)));
}

}  // namespace

TEST_CASE("the catalogue's views: a malformed answer is the node's fault, an empty one a missing contract",
          "[universe]") {
  const auto catalogue = *codec::parse_address(catalogue_text);
  CannedNode garbage;
  garbage.call_result = "0x1234";
  auto rpc = client_for(garbage);
  auto listing = catalogue::CatalogueClient(rpc, catalogue).listing("tiny-mlp");
  REQUIRE_FALSE(listing.ok());
  CHECK(listing.error().kind == ErrorKind::remote_unavailable);
  CHECK(listing.error().message.find("http://node.test") != std::string::npos);

  CannedNode empty;
  empty.call_result = "0x";
  auto no_code = client_for(empty);
  auto balance = catalogue::CatalogueClient(no_code, catalogue).balance_of(catalogue);
  REQUIRE_FALSE(balance.ok());
  CHECK(balance.error().kind == ErrorKind::not_found);
  CHECK(balance.error().message.find("no contract at " + std::string(catalogue_text)) != std::string::npos);
  empty.code = "0x6080";
  auto other_code = client_for(empty);
  auto registry = catalogue::CatalogueClient(other_code, catalogue).registry();
  REQUIRE_FALSE(registry.ok());
  CHECK(registry.error().kind == ErrorKind::invalid_input);

  auto invalid = catalogue::CatalogueClient(rpc, catalogue).listing("Tiny MLP");
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("a catalogue is named by --rpc and --universe together, inside a repository or not", "[universe]") {
  catalogue::UniverseFlags flags;
  flags.rpc = unreachable_rpc;
  flags.universe = catalogue_text;
  auto found = catalogue::find_universe(nullptr, flags);
  REQUIRE(found.ok());
  CHECK(codec::to_checksum_address(found->catalogue) == catalogue_text);
  CHECK(found->rpc == unreachable_rpc);
  CHECK_FALSE(found->remote);
  CHECK_FALSE(found->chain_id);

  for (auto [rpc, universe, named] :
       {std::tuple<const char*, const char*, const char*>{unreachable_rpc, nullptr, "--universe"},
        {nullptr, catalogue_text, "--rpc"},
        {"ftp://x", catalogue_text, "--rpc"},
        {unreachable_rpc, "0x12", "--universe"}}) {
    catalogue::UniverseFlags partial;
    if (rpc) partial.rpc = rpc;
    if (universe) partial.universe = universe;
    auto refused = catalogue::find_universe(nullptr, partial);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::invalid_argument);
    CHECK(refused.error().message.find(named) != std::string::npos);
  }
  auto nothing = catalogue::find_universe(nullptr, {});
  REQUIRE_FALSE(nothing.ok());
  CHECK(nothing.error().kind == ErrorKind::invalid_argument);
  CHECK(nothing.error().message.find("--rpc URL --universe ADDR") != std::string::npos);
}

TEST_CASE("a remote's universe setting names the catalogue without asking the node", "[universe]") {
  TempRepository temp;
  REQUIRE(remote::add_remote(*temp.repository, chain_remote("origin", std::string(catalogue_text))).ok());
  auto found = catalogue::find_universe(&*temp.repository, {});
  REQUIRE(found.ok());
  CHECK(codec::to_checksum_address(found->catalogue) == catalogue_text);
  CHECK(found->chain_id == std::optional<std::uint64_t>(31337));
  CHECK(found->confirmations == 2);
  REQUIRE(found->remote);
  CHECK(found->remote->repo == "model");

  catalogue::UniverseFlags other;
  other.remote = "upstream";
  auto missing = catalogue::find_universe(&*temp.repository, other);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK(missing.error().message.find("upstream") != std::string::npos);
}

TEST_CASE("remote.<name>.universe must be an address, and only on a chain remote", "[universe]") {
  TempRepository temp;
  auto malformed = remote::add_remote(*temp.repository, chain_remote("origin", std::string("0x12")));
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().message.find("--universe") != std::string::npos);
  remote::Remote ipfs_only;
  ipfs_only.name = "ipfs";
  ipfs_only.ipfs = "http://127.0.0.1:5001";
  ipfs_only.universe = catalogue_text;
  CHECK_FALSE(remote::add_remote(*temp.repository, ipfs_only).ok());
  REQUIRE(remote::add_remote(*temp.repository, chain_remote("origin", std::nullopt)).ok());
  REQUIRE(remote::set_remote_setting(*temp.repository, "origin", "universe", catalogue_text).ok());
  CHECK(remote::find_remote(*temp.repository, "origin")->universe == std::optional<std::string>(catalogue_text));
  CHECK_FALSE(remote::set_remote_setting(*temp.repository, "origin", "universe", "catalogue").ok());
}
