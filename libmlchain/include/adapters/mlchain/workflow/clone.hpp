#pragma once
// `mlchain clone SOURCE [DIR]` as one call, for both forms of SOURCE:
//   - a commit CID with --ipfs URL or --gateway URL: a repository holding the commit and its history,
//     verified, checked out on branch main, with remote origin pointing at the node (remote::clone);
//   - mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH] with --rpc URL and --ipfs URL: the branch's head from
//     the registry, then the same from IPFS, origin completed with the chain settings and every branch
//     tracked as origin/* (chain::clone_from_chain).
// A failed clone leaves no directory behind.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "mlchain/chain/sync.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/remote/fetch.hpp"

namespace mlchain::workflow {

struct CloneOptions {
  std::string source;                 // a commit CID, or an mlchain:// clone URL
  std::filesystem::path directory;    // empty: the CID, or the repository's name
  std::string ipfs;                   // Kubo RPC API URL
  std::string gateway;                // trustless gateway URL (a CID source only)
  std::string rpc;                    // chain JSON-RPC URL (an mlchain:// source only)
  std::optional<std::string> branch;  // an mlchain:// source's branch to check out
  std::optional<std::uint64_t> depth;
  remote::FetchProgress progress;  // a CID source
};

struct CloneReport {
  // A CID source:
  std::optional<codec::Cid> commit;
  std::optional<remote::CloneOutcome> cloned;
  // An mlchain:// source:
  std::optional<chain::CloneTarget> target;
  std::optional<chain::ChainCloneOutcome> chain_cloned;
};

Result<CloneReport> clone(const CloneOptions& options);

// A CID source cloned from `node`; options.ipfs or options.gateway is what remote origin records.
Result<CloneReport> clone(const CloneOptions& options, ipfs::Node& node);

}  // namespace mlchain::workflow
