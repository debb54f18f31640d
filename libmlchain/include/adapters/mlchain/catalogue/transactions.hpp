#pragma once
// The catalogue's transactions (docs/format.md "Catalogue"): deploying it, publishing and unlisting a
// listing, buying access, withdrawing earnings. Each is checked before anything is signed (the contract's
// rules, then eth_estimateGas, whose revert is explained by eth::catalogue::decode_refusal), journaled with
// purpose "catalogue" (in the repository's journal, or $MLCHAIN_HOME/journal outside one) and settled with
// the confirmations asked for. A rerun after an interruption finishes the journaled transaction instead of
// signing a second one.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/catalogue/universe.hpp"
#include "mlchain/chain/anchor.hpp"
#include "mlchain/core/signer.hpp"

namespace mlchain::catalogue {

struct Sent {
  chain::Settled settled;
  bool resumed = false;  // signed by an earlier, interrupted run and finished now
};

struct CatalogueDeployment {
  codec::Address catalogue;
  codec::Address registry;
  std::vector<Sent> transactions;  // "deploy-catalogue", then "set-catalogue" when it was sent
  bool recorded_already = false;   // the remote's universe setting named it: nothing was deployed
  // Set when the repository's catalogue in the registry was left as it was, saying why (one line).
  std::optional<std::string> registry_unchanged;
};

// Deploys the embedded catalogue for `site`'s registry. Inside a repository with a remote (`site.name`
// set) writes remote.<name>.universe, and when the signer owns `site.repo` names the catalogue in the
// registry (setCatalogue) so a clone finds it from the chain. A remote whose universe setting names a
// catalogue of its registry already keeps it: nothing is deployed, and only a registry that does not name
// it yet is set (a rerun after an interruption completes the work). Outside one, `site` carries only the
// rpc, registry and chain id (name and repo empty).
Result<CatalogueDeployment> deploy_catalogue(repo::Repository* repository, const chain::ChainRemote& site,
                                             core::Signer& signer, const chain::ChainOptions& options);

struct Published {
  Sent sent;
  bool updated = false;         // the signer's listing existed: its terms changed
  bool marked_private = false;  // a private listing made the registry mark its repository private
};
struct Card;
// Lists `repo` under `name` with `terms` and `card` (or changes the terms of the signer's listing). The
// repository must exist on the catalogue's registry and be the signer's; the catalogue must serve the
// universe remote's registry. A card file is uploaded only once an eth_call of the publish succeeds, so
// what the contract refuses leaves nothing on the node.
Result<Published> publish(repo::Repository* repository, const Universe& universe, std::string_view name,
                          std::string_view repo, eth::catalogue::Terms terms, const Card& card, core::Signer& signer,
                          const chain::ChainOptions& options);
Result<Sent> unlist(repo::Repository* repository, const Universe& universe, std::string_view name, core::Signer& signer,
                    const chain::ChainOptions& options);

struct Bought {
  Sent sent;
  eth::catalogue::Listing listing;  // as read before buying: the price paid
};
// Pays exactly the listing's price; an unknown name is not_found, a free or unlisted one refused before
// anything is signed.
Result<Bought> buy(repo::Repository* repository, const Universe& universe, std::string_view name, core::Signer& signer,
                   const chain::ChainOptions& options);

struct Withdrawal {
  Sent sent;
  codec::U256 amount;  // what the catalogue paid out
};
Result<Withdrawal> withdraw(repo::Repository* repository, const Universe& universe, core::Signer& signer,
                            const chain::ChainOptions& options);

// The card a listing names: `card` a file (its CID under the default profile; publish uploads it to and
// pins it on the remote's IPFS node, which must be configured) or a CID used as it is; without `card`,
// README.md of the commit the registry holds as the head of the remote's main branch. No card at all:
// invalid_argument naming --card.
struct Card {
  codec::Cid cid;
  std::optional<std::string> file;  // to upload
};
Result<Card> find_card(repo::Repository* repository, const Universe& universe, const std::optional<std::string>& card);
// The licence (commit --license) of that head commit; nothing when it has none, or outside a repository.
Result<std::optional<std::string>> head_license(repo::Repository* repository, const Universe& universe);

}  // namespace mlchain::catalogue
