#pragma once
// The chain side of fetch and clone: heads from the registry, objects from IPFS. cmd_fetch and
// cmd_clone hand over to these when no CID is named or the source is an mlchain:// URL.

#include <cstdint>
#include <optional>
#include <string>

#include "mlchain/remote/remotes.hpp"

namespace mlchain::cli {

struct Context;

// `mlchain fetch [REMOTE]`: every branch of the remote's repository; prints one line per branch.
void fetch_chain_branches(repo::Repository& repository, const remote::Remote& remote,
                          std::optional<std::uint64_t> depth, Context& context);

struct ChainCloneArguments {
  std::string url;        // mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH]
  std::string directory;  // empty: the repository's name
  std::string rpc;
  std::string ipfs;
  std::optional<std::string> branch;
  std::optional<std::uint64_t> depth;
};
void clone_chain_repository(const ChainCloneArguments& arguments, Context& context);

}  // namespace mlchain::cli
