// Prints the contract bytecode the library embeds (mlchain/eth/contract_artifacts.hpp), which no command
// prints, for tests/interop/eas_artifacts.sh to compare with the artifacts it was built from.
//
//   artifact_tool registry|governance|schema_registry|eas creation|runtime    prints "0x…" and a newline

#include <iostream>
#include <map>
#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/contract_artifacts.hpp"

int main(int argc, char** argv) {
  using Accessor = const mlchain::eth::ContractArtifact& (*)();
  const std::map<std::string, Accessor> artifacts{{"registry", mlchain::eth::registry_artifact},
                                                  {"governance", mlchain::eth::governance_artifact},
                                                  {"schema_registry", mlchain::eth::schema_registry_artifact},
                                                  {"eas", mlchain::eth::eas_artifact}};
  const std::string field = argc == 3 ? argv[2] : "";
  const auto found = argc == 3 ? artifacts.find(argv[1]) : artifacts.end();
  if (found == artifacts.end() || (field != "creation" && field != "runtime")) {
    std::cerr << "usage: artifact_tool registry|governance|schema_registry|eas creation|runtime\n";
    return 2;
  }
  const auto& artifact = found->second();
  std::cout << "0x" << mlchain::codec::to_hex(field == "creation" ? artifact.creation_code : artifact.runtime_code)
            << '\n';
  return 0;
}
