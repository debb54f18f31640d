#pragma once
// `mlchain push [REMOTE] [BRANCH]` as one call: plan → upload → pin → anchor (a chain remote) or record
// the remote-tracking ref (an IPFS-only remote). The rule it keeps (docs/architecture.md): a chain
// remote's refs/remotes/<remote>/<branch> moves only once the chain holds the head; an IPFS-only
// remote's moves once the node has pinned it. Resuming a push cut off midway is pushing again: the plan
// leaves out what the node holds already. A chain push killed after broadcasting is finished from the
// journal by the next push, or replaced with raised fees by speed_up_push.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/privacy/private_push.hpp"
#include "mlchain/remote/push.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::workflow {

struct PushOptions {
  std::string remote = remote::default_remote;
  std::string branch;              // empty: the branch HEAD is on
  std::optional<std::string> key;  // signs the chain transaction (workflow/signer_for.hpp)
  chain::ChainOptions chain;
  remote::UploadProgress progress;
  // Called once the node has pinned the head of a push to a chain remote, before the transaction is
  // signed: from then on the objects are on the node whatever the chain answers.
  std::function<void(const codec::Cid& head)> pinned_before_anchoring;
};

// What the chain step did: journaled pushes finished, this push's transaction, or nothing to do.
struct PushAnchoring {
  chain::ChainRemote chain;
  chain::AnchorReport report;
  std::optional<privacy::OpenedVersion> opened;  // a private remote's: the readers the new head was wrapped for
};

struct PushReport {
  remote::Remote remote;
  std::string branch;
  codec::Cid head;
  std::string node_url;
  remote::PushPlan plan;  // what was uploaded (blocks, files, file_bytes) and what was there already
  std::optional<privacy::SealedUpload> sealed;  // a private remote's upload instead of `plan`
  std::optional<PushAnchoring> anchoring;       // a chain remote's
};

// The chain step of a push, a seam so the workflow runs against a fake chain. Called only once every
// object of `head` is pinned; it moves the remote-tracking ref when the chain holds the head.
using AnchorStep = std::function<Result<PushAnchoring>(repo::Repository& repository, const std::string& branch,
                                                       const codec::Cid& head)>;

// Pushes to `node` (the remote's IPFS node); for a chain remote `anchor` moves the head on the chain.
// `anchor` is not called for an IPFS-only remote and may be empty then.
Result<PushReport> push_branch(repo::Repository& repository, const remote::Remote& target, ipfs::Node& node,
                               const PushOptions& options, const AnchorStep& anchor);

// The same against the remote named in `options`: its IPFS node, and for a chain remote its registry,
// signed with the key signer_for picks.
Result<PushReport> push_branch(repo::Repository& repository, const PushOptions& options);

struct SpeedUpReport {
  remote::Remote remote;
  PushAnchoring anchoring;
};

// `push --speed-up`: replaces the remote's stuck push transaction (same nonce, raised fees) and waits for
// one of them; the tracking ref moves when it is mined. not_found when the journal holds no open push.
Result<SpeedUpReport> speed_up_push(repo::Repository& repository, const PushOptions& options);

}  // namespace mlchain::workflow
