#pragma once
// Which keys may sign a repository's commits, and when (docs/format.md §7.1, "Commit signers"): the owner
// authorises a signer on chain for intervals of blocks, and a commit counts as authorised when the key that
// signed it was authorised at the block that first anchored it, that is the first head update (oldest first)
// whose head is the commit or a descendant of it. A key removed today so cannot forge yesterday's history,
// and a commit it signs after its removal is first anchored past the removal and fails. Pure: the intervals
// come from the registry, the commits from whatever store the caller reads.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"

namespace mlchain::core {

// A signer counts at block b when from_block <= b < until_block: the block of its addition counts, the block
// of its removal does not (a head anchored in the same block as the removal is not authorised by it).
struct SignerInterval {
  std::uint64_t from_block = 0;
  std::optional<std::uint64_t> until_block;  // nothing: not removed (yet)

  bool operator==(const SignerInterval&) const = default;
};

bool authorized_at(std::span<const SignerInterval> intervals, std::uint64_t block);

// Each signer ever added with its intervals, oldest first; a repository that never added one is empty.
using SignerIntervals = std::map<codec::Address, std::vector<SignerInterval>>;

// One head update of the repository: the head it set and the block it is in.
struct AnchoredHead {
  codec::Cid head;
  std::uint64_t block = 0;
};

// What the check needs of a commit: the key that signed it (nothing when its signature recovers to no
// key or not to its author) and its parents.
struct CommitLinks {
  std::optional<codec::Address> signer;
  std::vector<codec::Cid> parents;
};
// Nothing: the commit is not stored.
using CommitLookup = std::function<std::optional<CommitLinks>(const codec::Cid&)>;

struct FirstAnchoring {
  codec::Cid commit;
  std::optional<codec::Address> signer;
  std::uint64_t block = 0;  // the block of the first head update that covered it
};

struct SignerCoverage {
  bool anchored = false;  // some head update covers the target
  // The target's history (itself included), each commit once, by first anchoring block then CID.
  std::vector<FirstAnchoring> commits;
  // Commits the lookup lacks, reached from head updates up to the one that covered the target, each with
  // the block of the update that reached it: without them a commit's first anchoring is unknown.
  std::vector<AnchoredHead> unreadable;
};

// `anchors` oldest first (block, then position in the block). Walks each head's history down to what an
// earlier update already covered, and stops at the first update that covers `target`: later ones cannot
// anchor any of its history first.
SignerCoverage first_anchorings(std::span<const AnchoredHead> anchors, const codec::Cid& target,
                                const CommitLookup& lookup);

// The commits whose signer was not authorised at their first anchoring block (a commit without a signer
// never is), in the order given.
std::vector<FirstAnchoring> unauthorized_commits(std::span<const FirstAnchoring> commits,
                                                 const SignerIntervals& signers);

}  // namespace mlchain::core
