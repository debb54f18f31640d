#pragma once
// `mlchain clone SOURCE [DIR]` as one call, for both forms of SOURCE:
//   - a commit CID with --ipfs URL or --gateway URL: a repository holding the commit and its history,
//     verified, checked out on branch main, with remote origin pointing at the node (remote::clone);
//   - mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH] with --rpc URL and --ipfs URL: the branch's head from
//     the registry, then the same from IPFS, origin completed with the chain settings and every branch
//     tracked as origin/* (chain::clone_from_chain);
//   - a catalogue listing's name (neither a CID, nor a clone URL, nor an existing path): the listing's
//     repository, mlchain://<chain id>@<registry>/<repo>, cloned as above. The catalogue is the one the
//     default remote of the repository at `current_directory` names, or --rpc URL --universe ADDR (with
//     --ipfs URL) outside one (catalogue/universe.hpp).
// A failed clone leaves no directory behind.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "mlchain/chain/sync.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/remote/fetch.hpp"

namespace mlchain::workflow {

struct CloneOptions {
  std::string source;                 // a commit CID, an mlchain:// clone URL or a listing's name
  std::filesystem::path directory;    // empty: the CID, or the repository's name
  std::string ipfs;                   // Kubo RPC API URL
  std::string gateway;                // trustless gateway URL (a CID source only)
  std::string rpc;                    // chain JSON-RPC URL (an mlchain:// source only)
  std::optional<std::string> branch;  // an mlchain:// source's branch to check out
  std::optional<std::uint64_t> depth;
  std::optional<std::string> universe;      // a listing's catalogue (with rpc) when no repository names one
  std::filesystem::path current_directory;  // a listing's name: the repository whose remote names the catalogue
  remote::FetchProgress progress;           // a CID source
  std::optional<std::string> key;           // a private model's grantee (workflow/signer_for.hpp)
};

struct CloneReport {
  // A CID source:
  std::optional<codec::Cid> commit;
  std::optional<remote::CloneOutcome> cloned;
  // An mlchain:// source:
  std::optional<chain::CloneTarget> target;
  std::optional<chain::ChainCloneOutcome> chain_cloned;
  // A listing's name: the listing it named (which may be unlisted) and the URL it resolved to.
  std::optional<eth::catalogue::Listing> listing;
  std::optional<std::string> resolved_url;
};

Result<CloneReport> clone(const CloneOptions& options);

// A CID source cloned from `node`; options.ipfs or options.gateway is what remote origin records.
Result<CloneReport> clone(const CloneOptions& options, ipfs::Node& node);

}  // namespace mlchain::workflow
