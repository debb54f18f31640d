#include "mlchain/core/signer_authorization.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace mlchain::core {

bool authorized_at(std::span<const SignerInterval> intervals, std::uint64_t block) {
  return std::any_of(intervals.begin(), intervals.end(), [block](const SignerInterval& interval) {
    return interval.from_block <= block && (!interval.until_block || block < *interval.until_block);
  });
}

SignerCoverage first_anchorings(std::span<const AnchoredHead> anchors, const codec::Cid& target,
                                const CommitLookup& lookup) {
  SignerCoverage coverage;
  std::map<codec::Cid, std::pair<std::uint64_t, CommitLinks>> covered;
  std::set<codec::Cid> missing;
  for (const auto& anchor : anchors) {
    std::vector<codec::Cid> pending{anchor.head};
    while (!pending.empty()) {
      const codec::Cid cid = std::move(pending.back());
      pending.pop_back();
      if (covered.contains(cid) || missing.contains(cid)) continue;
      auto links = lookup(cid);
      if (!links) {
        missing.insert(cid);
        coverage.unreadable.push_back(AnchoredHead{cid, anchor.block});
        continue;
      }
      pending.insert(pending.end(), links->parents.begin(), links->parents.end());
      covered.emplace(cid, std::make_pair(anchor.block, std::move(*links)));
    }
    if (covered.contains(target)) {
      coverage.anchored = true;
      break;
    }
  }
  if (!coverage.anchored) return coverage;

  std::set<codec::Cid> seen;
  std::vector<codec::Cid> pending{target};
  while (!pending.empty()) {
    const codec::Cid cid = std::move(pending.back());
    pending.pop_back();
    if (!seen.insert(cid).second) continue;
    const auto found = covered.find(cid);
    if (found == covered.end()) continue;  // unreadable: listed above
    const auto& [block, links] = found->second;
    coverage.commits.push_back(FirstAnchoring{cid, links.signer, block});
    pending.insert(pending.end(), links.parents.begin(), links.parents.end());
  }
  std::sort(coverage.commits.begin(), coverage.commits.end(), [](const FirstAnchoring& a, const FirstAnchoring& b) {
    return std::tie(a.block, a.commit) < std::tie(b.block, b.commit);
  });
  return coverage;
}

std::vector<FirstAnchoring> unauthorized_commits(std::span<const FirstAnchoring> commits,
                                                 const SignerIntervals& signers) {
  std::vector<FirstAnchoring> refused;
  for (const auto& commit : commits) {
    const auto intervals = commit.signer ? signers.find(*commit.signer) : signers.end();
    if (intervals == signers.end() || !authorized_at(intervals->second, commit.block)) refused.push_back(commit);
  }
  return refused;
}

}  // namespace mlchain::core
