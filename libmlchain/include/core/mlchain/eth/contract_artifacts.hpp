#pragma once
// The contracts mlchain deploys and talks to, built into the library from the committed artifacts, so
// deploying them needs no compiler and checking one needs no network beyond the chain:
// - the registry, the governance contract and the catalogue as the pinned solc compiled contracts/*.sol
//   (contracts/MlchainRegistry.json, contracts/MlchainGovernance.json, contracts/MlchainCatalogue.json);
// - EAS's SchemaRegistry and EAS exactly as the pinned npm package ships them (contracts/eas/*.json).

#include <string_view>

#include "mlchain/bytes.hpp"

namespace mlchain::eth {

struct ContractArtifact {
  // What a deployment sends as its data, followed by the ABI-encoded constructor arguments if any:
  // EAS takes (address schemaRegistry), the governance contract (address eas, address registry), the
  // catalogue (address registry).
  ByteView creation_code;
  // The compiled runtime code. eth_getCode at a deployment answers exactly these bytes for contracts
  // without immutables (the registry, SchemaRegistry); EAS, the governance contract and the catalogue fill their
  // immutables in at deployment, so their code on chain differs in those places.
  ByteView runtime_code;
  std::string_view compiler_version;  // "0.8.28+commit.7893614a.Emscripten.clang"; "" for EAS's artifacts
  std::string_view evm_version;       // "paris"; "" for EAS's artifacts
};

const ContractArtifact& registry_artifact();
const ContractArtifact& governance_artifact();
const ContractArtifact& catalogue_artifact();
const ContractArtifact& schema_registry_artifact();
const ContractArtifact& eas_artifact();

}  // namespace mlchain::eth
