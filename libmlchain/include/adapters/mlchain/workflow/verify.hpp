#pragma once
// `mlchain verify` as one call: the checks of repo/verify.hpp on a revision of the repository, or on a
// commit CID read from an IPFS node outside any repository (remote/remote_verify.hpp), and, when asked,
// whether the commit is anchored on a remote's chain (chain/anchoring.hpp). The command line only parses
// its flags into a VerifyRequest and prints the VerifyReport (man/mlchain-verify.1).
//
// As in repo/verify.hpp, whatever does not hold is a problem in the report, not an error; a commit the
// chain does not anchor is the problem `not-anchored`.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/chain/deployments.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/core/signer_authorization.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/verify.hpp"

namespace mlchain::workflow {

struct ChainCheck {
  std::string remote = remote::default_remote;  // whose chain is asked (its rpc, registry and repo)
  std::uint64_t min_confirmations = 1;          // of the anchoring block, itself included
  // --stage S: the commit must hold S now on the repository's governance (a not-stage-holder problem if not).
  std::optional<std::string> stage;
  // --deployed-to ENV: the latest standing deployment attestation for ENV by an authorised attester (the
  // `attesters`, or the repository's writers when none are named) must be of the commit (a not-deployed
  // problem if not); found on `eas`, or as chain/deployments.hpp finds it.
  std::optional<std::string> deployed_to;
  std::vector<codec::Address> attesters;
  std::optional<codec::Address> eas;
  // --authorized: every commit of the history must be signed by a key the repository authorised on chain at
  // the block that first anchored it (unauthorized-signer problems if not; missing-object for a commit an
  // earlier head update names that is not stored, since its first anchoring is then unknown).
  bool authorized = false;
};

struct VerifyRequest {
  std::string revision = "HEAD";                   // a revision, or with a node source a full commit CID
  std::vector<codec::Address> signers;             // empty: any author whose signature holds
  std::optional<std::filesystem::path> directory;  // nothing: the work tree (required with a node source)
  // Where the commit comes from: nothing set is the repository found from `start`. `ipfs` or `gateway`
  // (not both) is a node to read the commit and its tree from, and `node` one the caller already holds.
  remote::NodeAddress source;
  ipfs::Node* node = nullptr;
  std::optional<ChainCheck> chain;
  std::filesystem::path start;  // where the repository is looked for; empty: the current directory
  // Called as the stored file contents are re-hashed: bytes done and in all.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

// The push that anchors the commit: the earliest head update on the chain whose head is the commit or a
// descendant of it.
struct Anchoring {
  std::string repo;  // the repository's name in the registry
  codec::Address registry;
  std::uint64_t chain_id = 0;
  std::string branch;
  std::optional<codec::Cid> old_head;  // nothing: the branch's first push
  codec::Cid new_head;
  codec::Address pusher;
  std::uint64_t block = 0;
  std::uint64_t time = 0;  // the block's timestamp: seconds since the epoch
  std::array<std::uint8_t, 32> transaction{};
  std::uint64_t confirmations = 0;
};

// What the governance says about the stage asked for.
struct StageCheck {
  std::string stage;
  std::optional<codec::Cid> holder;  // nothing: no commit holds the stage
  std::uint64_t since_block = 0;
  std::vector<std::array<std::uint8_t, 32>> attestations;  // the evaluation UIDs the promotion rests on
  codec::Address governance;
};

// What --authorized checked: the commits of the history, each with its first anchoring block and signer,
// and those whose signer was not authorised then.
struct SignerAuthorization {
  std::size_t registered_signers = 0;  // ever added to the repository; 0: nothing is authorised
  std::vector<core::FirstAnchoring> commits;
  std::vector<core::FirstAnchoring> unauthorized;
};

struct VerifyReport : repo::VerifyReport {
  std::optional<Anchoring> anchoring;                         // set when the chain was asked and anchors the commit
  std::optional<StageCheck> stage;                            // set when a stage was asked
  std::optional<chain::CurrentDeployment> deployment;         // set when an environment was asked
  std::optional<SignerAuthorization> signers = std::nullopt;  // set when --authorized was asked
};

// Errors only when verification cannot start or the chain cannot be asked: invalid_argument (both ipfs
// and gateway, a node source without a directory or a commit CID, a remote without chain settings),
// not_found (no repository, an unknown revision or remote, a commit the node lacks), corrupt (a block the
// node served does not hash to its CID), remote_unavailable, and those of repo::verify and
// remote::verify_remote. The chain is asked only when a commit could be read.
Result<VerifyReport> verify(const VerifyRequest& request);

}  // namespace mlchain::workflow
