// The registry bytecode built into the library (from contracts/MlchainRegistry.json) is the contract the
// registry ABI layer talks to, as solc 0.8.28 made it. tests/interop/registry_artifact.sh proves the JSON is
// the compiler's output; this proves the embedding carried it over whole.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "mlchain/eth/contract_artifacts.hpp"
#include "mlchain/eth/registry_abi.hpp"

using mlchain::Bytes;
using mlchain::ByteView;

namespace {

bool contains(ByteView haystack, const Bytes& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace

TEST_CASE("the embedded registry artifact is the pinned compiler's paris build", "[registry]") {
  const auto& artifact = mlchain::eth::registry_artifact();
  CHECK(artifact.compiler_version == "0.8.28+commit.7893614a.Emscripten.clang");
  CHECK(artifact.evm_version == "paris");
  // solc appends CBOR metadata ending in {"solc": 0.8.28} and its own length (0x0033): the runtime code is
  // whole to its last byte and was made by 0.8.28.
  const Bytes tail{0x64, 0x73, 0x6f, 0x6c, 0x63, 0x43, 0x00, 0x08, 0x1c, 0x00, 0x33};
  REQUIRE(artifact.runtime_code.size() > tail.size());
  CHECK(std::equal(tail.begin(), tail.end(), artifact.runtime_code.end() - static_cast<std::ptrdiff_t>(tail.size())));
  // No constructor arguments or immutables: the creation code is a constructor followed by the runtime code.
  REQUIRE(artifact.creation_code.size() > artifact.runtime_code.size());
  CHECK(std::equal(artifact.runtime_code.rbegin(), artifact.runtime_code.rend(), artifact.creation_code.rbegin()));
  // The constructor opens with the free memory pointer and the non-payable check, whose zero is `PUSH1 0`
  // (60 00) under paris; solc targeting shanghai or later writes PUSH0 (5f), which some chains reject.
  const auto opening = mlchain::codec::from_hex("6080604052348015600f57600080fd");
  REQUIRE(opening.ok());
  CHECK(Bytes(artifact.creation_code.begin(), artifact.creation_code.begin() + 15) == *opening);
}

TEST_CASE("the embedded registry dispatches on the selectors the ABI layer encodes", "[registry]") {
  namespace registry = mlchain::eth::registry;
  const auto& runtime = mlchain::eth::registry_artifact().runtime_code;
  const registry::Word any{};
  const mlchain::codec::Address nobody{};
  for (const auto& calldata : {registry::push_calldata("r", "b", any, any),
                               registry::grant_calldata("r", nobody),
                               registry::revoke_calldata("r", nobody),
                               registry::head_of_calldata("r", "b"),
                               registry::owner_of_calldata("r"),
                               registry::is_writer_calldata("r", nobody),
                               registry::branches_of_calldata("r"),
                               registry::publish_encryption_key_calldata(nobody, {}, {}),
                               registry::encryption_key_of_calldata(nobody),
                               registry::set_private_calldata("r", true),
                               registry::is_private_calldata("r"),
                               registry::grant_access_calldata("r", nobody, {}, {}),
                               registry::revoke_access_calldata("r", nobody),
                               registry::readers_of_calldata("r"),
                               registry::has_access_calldata("r", nobody),
                               registry::shred_calldata("r", {}),
                               registry::shredded_at_calldata("r", any),
                               registry::add_signer_calldata("r", nobody),
                               registry::remove_signer_calldata("r", nobody),
                               registry::signers_of_calldata("r"),
                               registry::signer_intervals_of_calldata("r", nobody),
                               registry::signer_authorized_at_calldata("r", nobody, 1)}) {
    REQUIRE(calldata.ok());
    // The dispatcher compares the call's selector with `PUSH4 <selector>` (0x63) for each function.
    const Bytes push4{0x63, (*calldata)[0], (*calldata)[1], (*calldata)[2], (*calldata)[3]};
    INFO("selector " << mlchain::codec::to_hex(ByteView(*calldata).first(4)));
    CHECK(contains(runtime, push4));
  }
}

TEST_CASE("the embedded governance contract is the pinned compiler's paris build, EAS's carry no compiler",
          "[registry]") {
  const auto& governance = mlchain::eth::governance_artifact();
  CHECK(governance.compiler_version == "0.8.28+commit.7893614a.Emscripten.clang");
  CHECK(governance.evm_version == "paris");
  const Bytes tail{0x64, 0x73, 0x6f, 0x6c, 0x63, 0x43, 0x00, 0x08, 0x1c, 0x00, 0x33};
  REQUIRE(governance.runtime_code.size() > tail.size());
  CHECK(std::equal(tail.begin(), tail.end(), governance.runtime_code.end() - static_cast<std::ptrdiff_t>(tail.size())));
  // EAS's artifacts record no compiler; tests/interop/eas_artifacts.sh compares their bytes with the package.
  for (const auto* artifact : {&mlchain::eth::eas_artifact(), &mlchain::eth::schema_registry_artifact()}) {
    CHECK(artifact->compiler_version.empty());
    CHECK(artifact->creation_code.size() > artifact->runtime_code.size());
    CHECK_FALSE(artifact->runtime_code.empty());
  }
}

TEST_CASE("the embedded catalogue is the pinned compiler's build and dispatches on the ABI layer's selectors",
          "[registry][catalogue]") {
  namespace catalogue = mlchain::eth::catalogue;
  const auto& artifact = mlchain::eth::catalogue_artifact();
  CHECK(artifact.compiler_version == "0.8.28+commit.7893614a.Emscripten.clang");
  CHECK(artifact.evm_version == "paris");
  const Bytes tail{0x64, 0x73, 0x6f, 0x6c, 0x63, 0x43, 0x00, 0x08, 0x1c, 0x00, 0x33};
  REQUIRE(artifact.runtime_code.size() > tail.size());
  CHECK(std::equal(tail.begin(), tail.end(), artifact.runtime_code.end() - static_cast<std::ptrdiff_t>(tail.size())));

  // The artifact's methodIdentifiers, as solc wrote them into contracts/MlchainCatalogue.json: one
  // `"signature": "selector"` pair per line.
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/../../contracts/MlchainCatalogue.json");
  REQUIRE(in);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto start = json.find("\"methodIdentifiers\": {");
  REQUIRE(start != std::string::npos);
  const auto end = json.find('}', start);
  const std::string identifiers = json.substr(start, end - start);
  std::map<std::string, std::string> selectors;
  const std::regex pair("\"([^\"]+\\))\": \"([0-9a-f]{8})\"");
  for (auto it = std::sregex_iterator(identifiers.begin(), identifiers.end(), pair); it != std::sregex_iterator(); ++it)
    selectors[(*it)[1]] = (*it)[2];
  REQUIRE(selectors.size() == 13);

  const mlchain::codec::Address nobody{};
  const std::vector<std::pair<std::string, mlchain::Result<Bytes>>> calls{
      {"publish(string,string,(bytes,string,string[],bool,uint256,uint64,address[],uint16[]))",
       catalogue::publish_calldata("n", "r", catalogue::Terms{})},
      {"unlist(string)", catalogue::unlist_calldata("n")},
      {"buy(string)", catalogue::buy_calldata("n")},
      {"withdraw()", catalogue::withdraw_calldata()},
      {"listingOf(string)", catalogue::listing_of_calldata("n")},
      {"accessOf(string,address)", catalogue::access_of_calldata("n", nobody)},
      {"balanceOf(address)", catalogue::balance_of_calldata(nobody)},
      {"registry()", catalogue::registry_calldata()},
  };
  for (const auto& [signature, calldata] : calls) {
    INFO(signature);
    REQUIRE(calldata.ok());
    REQUIRE(selectors.count(signature) == 1);
    CHECK(mlchain::codec::to_hex(ByteView(*calldata).first(4)) == selectors[signature]);
    const Bytes push4{0x63, (*calldata)[0], (*calldata)[1], (*calldata)[2], (*calldata)[3]};
    CHECK(contains(artifact.runtime_code, push4));
  }
}
