#include "mlchain/catalogue/transactions.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "mlchain/chain/access_admin.hpp"
#include "mlchain/chain/registry_admin.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/remotes.hpp"

namespace mlchain::catalogue {
namespace {

namespace abi = eth::catalogue;
namespace stdfs = std::filesystem;

constexpr std::string_view card_file = "README.md";

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

// Why a catalogue (or, for setCatalogue, registry) call reverted, as the error to report.
Error explain_revert(ByteView revert_data, std::string_view repo) {
  if (auto refusal = abi::decode_refusal(revert_data)) return make_error(refusal->kind, refusal->message);
  if (auto registry_error = eth::registry::decode_error(revert_data); registry_error && *registry_error)
    return chain::explain_registry_revert(revert_data, repo, {});
  const auto revert = codec::abi::decode_revert(revert_data, {});
  return make_error(ErrorKind::refused_by_contract,
                    "the catalogue refused the transaction (" +
                        (revert ? revert->describe() : std::string("revert data ") + codec::to_0x_hex(revert_data)) +
                        ")");
}

// The journal, node and settings every transaction of one catalogue command shares.
class Session {
 public:
  Session(chain::Journal journal, std::string rpc_url, std::string remote, std::string repo,
          std::optional<std::uint64_t> chain_id, std::uint64_t confirmations, const chain::ChainOptions& options)
      : journal_(std::move(journal)),
        rpc_(eth::rpc_options_for(rpc_url)),
        remote_(std::move(remote)),
        repo_(std::move(repo)),
        transactor_(rpc_, journal_, settings(chain_id, confirmations, options),
                    [repo = repo_](ByteView data) { return explain_revert(data, repo); }) {}
  // The transactor holds references to the journal and the node.
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  eth::RpcClient& rpc() { return rpc_; }

  // Settles the catalogue transactions an earlier run of this scope left open, then sends this one unless
  // it is one of them (the rerun of an interrupted command). `check_new` runs only before a new one: what
  // it refuses may be exactly what the finished earlier transaction did.
  Result<Sent> send(std::string action, std::optional<codec::Address> to, Bytes data, codec::U256 value,
                    core::Signer& signer, const std::function<Status()>& check_new = {}) {
    MLCHAIN_TRY_STATUS(transactor_.check_chain());
    MLCHAIN_TRY(const auto entries, journal_.entries());
    std::vector<chain::JournalEntry> open_entries;
    for (const auto& entry : entries)
      if (entry.purpose == chain::Purpose::catalogue && entry.remote == remote_ && entry.rpc == rpc_.display_url() &&
          entry.from == signer.address())
        open_entries.push_back(entry);
    std::optional<Sent> earlier;
    for (const auto& open : chain::open_transactions(open_entries)) {
      MLCHAIN_TRY(auto settled, transactor_.settle(open));
      const auto& transaction = settled.entry.transaction;
      if (settled.entry.action == action && transaction.to == to && transaction.data == data &&
          transaction.value == value)
        earlier = Sent{std::move(settled), true};
    }
    if (earlier) return std::move(*earlier);
    if (check_new) MLCHAIN_TRY_STATUS(check_new());
    chain::Intent intent;
    intent.entry.purpose = chain::Purpose::catalogue;
    intent.entry.remote = remote_;
    intent.entry.rpc = rpc_.display_url();
    intent.entry.repo = repo_;
    intent.entry.action = std::move(action);
    intent.to = to;
    intent.data = std::move(data);
    intent.value = value;
    MLCHAIN_TRY(const chain::JournalEntry sent, transactor_.submit(std::move(intent), signer));
    MLCHAIN_TRY(auto settled, transactor_.settle(chain::OpenTransaction{{sent}}));
    return Sent{std::move(settled), false};
  }

 private:
  static chain::ChainSettings settings(std::optional<std::uint64_t> chain_id, std::uint64_t confirmations,
                                       const chain::ChainOptions& options) {
    chain::ChainSettings settings;
    settings.chain_id = chain_id;
    settings.confirmations = std::max<std::uint64_t>(1, options.confirmations.value_or(confirmations));
    settings.receipt_timeout = options.receipt_timeout;
    return settings;
  }

  chain::Journal journal_;
  eth::RpcClient rpc_;
  std::string remote_;
  std::string repo_;
  chain::Transactor transactor_;
};

Result<std::unique_ptr<Session>> session_for(repo::Repository* repository, const Universe& universe, std::string repo,
                                             const chain::ChainOptions& options) {
  MLCHAIN_TRY(auto journal, chain::deploy_journal(repository));
  return std::make_unique<Session>(std::move(journal), universe.rpc,
                                   universe.remote ? universe.remote->name : std::string(), std::move(repo),
                                   universe.chain_id, universe.confirmations, options);
}

struct HeadCommit {
  codec::Cid cid;
  core::Commit commit;
};

// The head commit of the remote's main branch on chain, read from the repository's objects; `instead`
// names the flag that makes it unnecessary.
Result<HeadCommit> head_commit(repo::Repository& repository, const chain::ChainRemote& remote,
                               std::string_view instead) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  chain::RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY(const auto on_chain, registry.head_of(remote.repo, repo::initial_branch));
  if (!on_chain)
    return make_error(ErrorKind::not_found, "repository '" + remote.repo + "' has no " + repo::initial_branch +
                                                " branch on the registry: push it first, or pass " +
                                                std::string(instead));
  auto commit = core::load_commit(repository.objects(), *on_chain);
  if (!commit && commit.error().kind == ErrorKind::not_found)
    return make_error(ErrorKind::not_found,
                      "commit " + on_chain->to_string() + " (the head of " + remote.repo + " " + repo::initial_branch +
                          " on chain) is not in this repository: " + "fetch it first, or pass " + std::string(instead));
  if (!commit) return std::move(commit).error();
  return HeadCommit{*on_chain, std::move(*commit)};
}

// The IPFS node a card file goes to: the remote's.
Result<std::string> card_node(repo::Repository* repository, const Universe& universe, const std::string& file) {
  if (repository == nullptr || !universe.remote)
    return make_error(ErrorKind::invalid_argument,
                      "--card " + file +
                          ": a file is uploaded to the remote's IPFS node, and there is no "
                          "remote outside a repository: pass the card's CID instead");
  MLCHAIN_TRY(const auto configured, remote::find_remote(*repository, universe.remote->name));
  if (!configured.ipfs)
    return make_error(ErrorKind::invalid_argument, "--card " + file + ": remote '" + configured.name +
                                                       "' has no IPFS node to upload it to (remote.<name>.ipfs)");
  return *configured.ipfs;
}

Status upload_card(repo::Repository* repository, const Universe& universe, const Card& card) {
  MLCHAIN_TRY(const auto ipfs, card_node(repository, universe, *card.file));
  MLCHAIN_TRY(auto node, remote::open_node({.ipfs = ipfs, .gateway = std::nullopt}));
  MLCHAIN_TRY(const auto added, node->add_file(*card.file, unixfs::default_profile));
  if (added != card.cid)
    return make_error(ErrorKind::corrupt, "IPFS node " + node->url() + " stored " + *card.file + " as " +
                                              added.to_string() + ", not " + card.cid.to_string());
  return node->pin(card.cid);
}

// What the catalogue would answer `data` from `from` now: its refusal explained before anything is uploaded
// or signed.
Status simulate(eth::RpcClient& rpc, const codec::Address& from, const codec::Address& to, const Bytes& data,
                std::string_view repo) {
  MLCHAIN_TRY(auto reply, rpc.call(eth::CallRequest{from, to, data, std::nullopt, std::nullopt}));
  if (const auto* refusal = std::get_if<eth::RpcError>(&reply)) {
    if (refusal->kind() == eth::RpcError::Kind::execution_reverted) return explain_revert(refusal->revert_data, repo);
    return make_error(ErrorKind::remote_unavailable, "eth_call at " + rpc.display_url() + ": " + refusal->describe());
  }
  return {};
}

// The catalogue the remote's universe setting names, when it is one of the remote's registry.
Result<std::optional<codec::Address>> recorded_universe(repo::Repository* repository, const chain::ChainRemote& site,
                                                        eth::RpcClient& rpc) {
  if (repository == nullptr || site.name.empty()) return std::optional<codec::Address>();
  MLCHAIN_TRY(const auto configured, remote::find_remote(*repository, site.name));
  if (!configured.universe) return std::optional<codec::Address>();
  auto address = codec::parse_address(*configured.universe);
  if (!address)
    return make_error(ErrorKind::invalid_input, "remote '" + site.name + "': universe " + address.error().message);
  MLCHAIN_TRY(const Bytes code, rpc.code(*address));
  if (!abi::is_catalogue_code(code, site.registry))
    return make_error(ErrorKind::invalid_input, "remote." + site.name + ".universe " + address_text(*address) +
                                                    " is not a catalogue of registry " + address_text(site.registry) +
                                                    " on " + rpc.display_url() +
                                                    ": correct it with mlchain config set remote." + site.name +
                                                    ".universe ADDR");
  return std::optional<codec::Address>(*address);
}

}  // namespace

Result<Card> find_card(repo::Repository* repository, const Universe& universe, const std::optional<std::string>& card) {
  if (card) {
    std::error_code error;
    if (stdfs::exists(*card, error)) {
      MLCHAIN_TRY_STATUS(card_node(repository, universe, *card));
      MLCHAIN_TRY(const auto imported, fs::cid_of_path(*card, unixfs::default_profile));
      if (imported.kind != unixfs::NodeKind::file)
        return make_error(ErrorKind::invalid_argument, "--card " + *card + " is not a file");
      return Card{imported.cid, *card};
    }
    auto cid = codec::Cid::parse(*card);
    if (!cid) return make_error(ErrorKind::invalid_argument, "--card '" + *card + "' is neither a file nor a CID");
    return Card{*cid, std::nullopt};
  }
  if (repository == nullptr || !universe.remote)
    return make_error(ErrorKind::invalid_argument,
                      "no card: outside a repository pass --card CID (the model card's CID)");
  MLCHAIN_TRY(const auto head, head_commit(*repository, *universe.remote, "--card"));
  MLCHAIN_TRY(const auto files, core::list_files(repository->objects(), head.commit.tree));
  for (const auto& file : files)
    if (file.path == card_file && file.kind == unixfs::NodeKind::file) return Card{file.cid, std::nullopt};
  return make_error(ErrorKind::invalid_argument, "no card: commit " + head.cid.to_string() + " (the head of " +
                                                     universe.remote->repo + " " + repo::initial_branch +
                                                     ") has no README.md; pass --card PATH or --card CID");
}

Result<std::optional<std::string>> head_license(repo::Repository* repository, const Universe& universe) {
  if (repository == nullptr || !universe.remote) return std::optional<std::string>();
  MLCHAIN_TRY(const auto head, head_commit(*repository, *universe.remote, "--license"));
  return head.commit.meta.license;
}

Result<CatalogueDeployment> deploy_catalogue(repo::Repository* repository, const chain::ChainRemote& site,
                                             core::Signer& signer, const chain::ChainOptions& options) {
  MLCHAIN_TRY(auto journal, chain::deploy_journal(repository));
  Session session(std::move(journal), site.rpc, site.name, site.repo, site.chain_id, site.confirmations, options);
  chain::RegistryClient registry(session.rpc(), site.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());

  CatalogueDeployment deployment;
  deployment.registry = site.registry;
  MLCHAIN_TRY(const auto recorded, recorded_universe(repository, site, session.rpc()));
  if (recorded) {
    deployment.catalogue = *recorded;
    deployment.recorded_already = true;
  } else {
    MLCHAIN_TRY(Bytes code, abi::deployment(site.registry));
    MLCHAIN_TRY(auto deployed, session.send("deploy-catalogue", std::nullopt, std::move(code), {}, signer));
    if (!deployed.settled.receipt.contract_address)
      return make_error(ErrorKind::remote_unavailable, "the receipt of the catalogue deployment " +
                                                           codec::to_0x_hex(deployed.settled.receipt.transaction_hash) +
                                                           " names no contract");
    deployment.catalogue = *deployed.settled.receipt.contract_address;
    deployment.transactions.push_back(std::move(deployed));
    // Recorded before anything else can fail: the catalogue exists now, whatever happens to setCatalogue.
    if (repository != nullptr && !site.name.empty())
      MLCHAIN_TRY_STATUS(
          remote::set_remote_setting(*repository, site.name, "universe", address_text(deployment.catalogue)));
  }
  if (site.repo.empty()) return deployment;

  MLCHAIN_TRY(const auto owner, registry.owner_of(site.repo));
  if (!owner) {
    deployment.registry_unchanged = "repository '" + site.repo + "' does not exist on the registry yet (push it, " +
                                    "then its owner runs 'mlchain universe deploy' again or sets it there)";
    return deployment;
  }
  if (*owner != signer.address()) {
    deployment.registry_unchanged = address_text(signer.address()) + " does not own '" + site.repo + "' (its owner " +
                                    address_text(*owner) + " names its catalogue in the registry)";
    return deployment;
  }
  MLCHAIN_TRY(const auto named, registry.catalogue_of(site.repo));
  if (named == deployment.catalogue) return deployment;
  MLCHAIN_TRY(Bytes set_call, eth::registry::set_catalogue_calldata(site.repo, deployment.catalogue));
  MLCHAIN_TRY(auto set, session.send("set-catalogue", site.registry, std::move(set_call), {}, signer));
  deployment.transactions.push_back(std::move(set));
  return deployment;
}

Result<Published> publish(repo::Repository* repository, const Universe& universe, std::string_view name,
                          std::string_view repo, eth::catalogue::Terms terms, const Card& card, core::Signer& signer,
                          const chain::ChainOptions& options) {
  terms.card = card.cid;
  MLCHAIN_TRY_STATUS(abi::check_listing_name(name));
  MLCHAIN_TRY_STATUS(abi::check_terms(terms));
  MLCHAIN_TRY(auto session, session_for(repository, universe, std::string(repo), options));
  CatalogueClient client(session->rpc(), universe.catalogue);
  MLCHAIN_TRY(const auto registry_address, client.registry());
  // A listing of the remote's repository in a catalogue of another registry would name a different
  // repository that happens to have the same name.
  if (universe.remote && registry_address != universe.remote->registry)
    return make_error(ErrorKind::invalid_input, "catalogue " + address_text(universe.catalogue) + " serves registry " +
                                                    address_text(registry_address) + ", not the registry " +
                                                    address_text(universe.remote->registry) + " of remote '" +
                                                    universe.remote->name + "'");
  chain::RegistryClient registry(session->rpc(), registry_address);
  MLCHAIN_TRY(const auto owner, registry.owner_of(repo));
  if (!owner)
    return make_error(ErrorKind::not_found, "repository '" + std::string(repo) + "' does not exist on registry " +
                                                address_text(registry_address) + ": push it first");
  Published published;
  auto existing = client.listing(name);
  if (!existing && existing.error().kind != ErrorKind::not_found) return std::move(existing).error();
  published.updated = existing.ok();
  MLCHAIN_TRY(Bytes data, abi::publish_calldata(name, repo, terms));
  MLCHAIN_TRY_STATUS(simulate(session->rpc(), signer.address(), universe.catalogue, data, repo));
  if (card.file) MLCHAIN_TRY_STATUS(upload_card(repository, universe, card));
  MLCHAIN_TRY(published.sent, session->send("publish", universe.catalogue, std::move(data), {}, signer));
  // A private listing's repository is marked private on the registry too, so every later push of it seals
  // its files (docs/format.md §8) whichever remote it goes through.
  if (terms.is_private && repository != nullptr && universe.remote) {
    MLCHAIN_TRY(const bool sealed, registry.is_private(repo));
    if (!sealed) {
      if (auto marked = chain::set_private(*repository, *universe.remote, true, signer, options); !marked)
        return std::move(marked).error();
      published.marked_private = true;
    }
  }
  return published;
}

Result<Sent> unlist(repo::Repository* repository, const Universe& universe, std::string_view name, core::Signer& signer,
                    const chain::ChainOptions& options) {
  MLCHAIN_TRY_STATUS(abi::check_listing_name(name));
  MLCHAIN_TRY(auto session, session_for(repository, universe, {}, options));
  CatalogueClient client(session->rpc(), universe.catalogue);
  MLCHAIN_TRY_STATUS(client.listing(name));
  MLCHAIN_TRY(Bytes data, abi::unlist_calldata(name));
  return session->send("unlist", universe.catalogue, std::move(data), {}, signer);
}

Result<Bought> buy(repo::Repository* repository, const Universe& universe, std::string_view name, core::Signer& signer,
                   const chain::ChainOptions& options) {
  MLCHAIN_TRY_STATUS(abi::check_listing_name(name));
  MLCHAIN_TRY(auto session, session_for(repository, universe, {}, options));
  CatalogueClient client(session->rpc(), universe.catalogue);
  Bought bought;
  MLCHAIN_TRY(bought.listing, client.listing(name));
  // The contract takes an owner's payment to itself (less gas, one more purchase counted) though an owner
  // always has access: refused before signing.
  if (bought.listing.owner == signer.address())
    return make_error(ErrorKind::refused, codec::to_checksum_address(signer.address()) + " owns the listing " +
                                              std::string(name) + " and always has access: nothing to buy");
  MLCHAIN_TRY(Bytes data, abi::buy_calldata(name));
  // The contract takes a second payment for a grant without end (it changes nothing but the count):
  // refused before signing. A timed grant is extended by buying again.
  const auto no_lasting_grant = [&]() -> Status {
    MLCHAIN_TRY(const std::uint64_t until, client.access_of(name, signer.address()));
    if (until != abi::forever) return {};
    return make_error(ErrorKind::refused, codec::to_checksum_address(signer.address()) + " already has access to " +
                                              std::string(name) + " without end: nothing to buy");
  };
  // A free or unlisted listing makes eth_estimateGas revert: the contract's own refusal, before signing.
  MLCHAIN_TRY(bought.sent, session->send("buy", universe.catalogue, std::move(data), bought.listing.terms.price, signer,
                                         no_lasting_grant));
  return bought;
}

Result<Withdrawal> withdraw(repo::Repository* repository, const Universe& universe, core::Signer& signer,
                            const chain::ChainOptions& options) {
  MLCHAIN_TRY(auto session, session_for(repository, universe, {}, options));
  CatalogueClient client(session->rpc(), universe.catalogue);
  Withdrawal withdrawal;
  MLCHAIN_TRY(const auto balance, client.balance_of(signer.address()));
  withdrawal.amount = balance.balance;
  MLCHAIN_TRY(Bytes data, abi::withdraw_calldata());
  MLCHAIN_TRY(withdrawal.sent, session->send("withdraw", universe.catalogue, std::move(data), {}, signer));
  // What was paid is what the Withdrawn event of this transaction says (a rerun finishes an earlier one).
  for (const auto& log : withdrawal.sent.settled.receipt.logs) {
    if (log.address != universe.catalogue) continue;
    auto event = abi::decode_event(log.topics, log.data);
    if (!event) continue;
    if (const auto* withdrawn = std::get_if<abi::Withdrawn>(&*event)) withdrawal.amount = withdrawn->amount;
  }
  return withdrawal;
}

}  // namespace mlchain::catalogue
