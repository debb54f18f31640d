#pragma once
// `mlchain info NAME`: everything the chain says about one listing, read live (docs/architecture.md
// "Catalogue"): the listing, its repository's branch heads in the registry, each stage holder of the
// repository's governance with its reputation (reputation.hpp), and the listing owner's record as an author.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/catalogue/reputation.hpp"
#include "mlchain/catalogue/universe.hpp"
#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/codec/cid.hpp"

namespace mlchain::catalogue {

struct BranchHead {
  std::string branch;
  codec::Cid head;
};

struct StageHolder {
  std::string stage;
  std::optional<codec::Cid> holder;  // nothing: the stage has no holder yet
  std::uint64_t since_block = 0;
  Reputation reputation;  // of the holder, in the current round
};

struct GovernanceSummary {
  codec::Address governance;
  std::uint64_t round = 0;
  std::vector<codec::Address> evaluators;  // the current round's
  std::uint8_t quorum = 0;
  std::vector<StageHolder> stages;
};

// Counted from events, so unlisting takes nothing away: listings the author ever published (Published events
// with the author as owner) and promotions in the governance of those listings' repositories.
struct AuthorRecord {
  codec::Address author;
  std::size_t published = 0;
  std::size_t promotions = 0;
};

struct ListingInfo {
  std::uint64_t chain_id = 0;
  codec::Address catalogue;
  codec::Address registry;
  std::string clone_url;  // the listing's repository: mlchain://<chain id>@<registry>/<repo>
  eth::catalogue::Listing listing;
  std::vector<BranchHead> branches;             // in the registry's order
  std::optional<GovernanceSummary> governance;  // nothing: the repository has no governance
  AuthorRecord author;
};

// not_found naming the listing when the catalogue has none called `name`.
// The reputation of `holder` in the client's governance at `round`: reputation_of over the Evaluated
// attestations of the holder's ledger (each read back from EAS).
Result<Reputation> holder_reputation(chain::GovernanceClient& client, const codec::Cid& holder,
                                     const eth::governance::Round& round);

Result<ListingInfo> listing_info(const Universe& universe, std::string_view name);

// What `mlchain clone NAME` clones: the listing's repository as a chain remote (its clone URL is
// chain::clone_url of it: mlchain://<chain id>@<registry>/<repo>), with the listing, which may be unlisted
// (it still clones: its history stays). not_found naming the listing when there is none.
struct ResolvedListing {
  chain::ChainRemote repository;
  eth::catalogue::Listing listing;
};
Result<ResolvedListing> resolve_listing(const Universe& universe, std::string_view name);

}  // namespace mlchain::catalogue
