#pragma once
// The registry contract as compiled from contracts/MlchainRegistry.sol by the pinned solc, built into the
// library from the committed artifact contracts/MlchainRegistry.json, so deploying a registry needs no
// compiler and checking one needs no network beyond the chain.

#include <string_view>

#include "mlchain/bytes.hpp"

namespace mlchain::eth {

struct RegistryArtifact {
  // What a deployment sends as its data: the constructor, which returns runtime_code.
  ByteView creation_code;
  // What eth_getCode answers at a registry's address; the contract has no immutables or constructor
  // arguments, so every deployment holds exactly these bytes.
  ByteView runtime_code;
  std::string_view compiler_version;  // "0.8.28+commit.7893614a.Emscripten.clang"
  std::string_view evm_version;       // "paris"
};

const RegistryArtifact& registry_artifact();

}  // namespace mlchain::eth
