#include "mlchain/catalogue/universe.hpp"

#include "../chain/node_answer.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/remote/remotes.hpp"

namespace mlchain::catalogue {
namespace {

namespace abi = eth::catalogue;

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

Result<Universe> from_flags(const UniverseFlags& flags) {
  if (flags.rpc.has_value() != flags.universe.has_value())
    return make_error(ErrorKind::invalid_argument, std::string(flags.rpc ? "--rpc" : "--universe") + " needs " +
                                                       (flags.rpc ? "--universe ADDR" : "--rpc URL") +
                                                       " as well: together they name a catalogue");
  MLCHAIN_TRY_STATUS(remote::check_remote_url("--rpc", *flags.rpc));
  auto address = codec::parse_address(*flags.universe);
  if (!address) return make_error(ErrorKind::invalid_argument, "--universe: " + address.error().message);
  Universe universe;
  universe.rpc = *flags.rpc;
  universe.catalogue = *address;
  return universe;
}

}  // namespace

Result<Universe> find_universe(const repo::Repository* repository, const UniverseFlags& flags) {
  if (flags.rpc || flags.universe) return from_flags(flags);
  if (repository == nullptr)
    return make_error(ErrorKind::invalid_argument,
                      "outside a repository, name the catalogue with --rpc URL --universe ADDR");
  const std::string name = flags.remote.value_or(remote::default_remote);
  MLCHAIN_TRY(const auto configured, remote::find_remote(*repository, name));
  MLCHAIN_TRY(auto chain_remote, chain::chain_remote_of(configured));
  Universe universe;
  universe.rpc = chain_remote.rpc;
  universe.chain_id = chain_remote.chain_id;
  universe.confirmations = chain_remote.confirmations;
  if (configured.universe) {
    auto address = codec::parse_address(*configured.universe);
    if (!address)
      return make_error(ErrorKind::invalid_input, "remote '" + name + "': universe " + address.error().message);
    universe.catalogue = *address;
  } else {
    // No setting: the catalogue the repository's owner named in the registry, so a clone finds it too.
    eth::RpcClient rpc(eth::rpc_options_for(chain_remote.rpc));
    chain::RegistryClient registry(rpc, chain_remote.registry);
    MLCHAIN_TRY(const auto named, registry.catalogue_of(chain_remote.repo));
    if (!named)
      return make_error(ErrorKind::not_found, "remote '" + name + "' has no universe setting and repository '" +
                                                  chain_remote.repo + "' names no catalogue in registry " +
                                                  address_text(chain_remote.registry) +
                                                  ": run 'mlchain universe deploy' or pass --universe ADDR");
    universe.catalogue = *named;
  }
  universe.remote = std::move(chain_remote);
  return universe;
}

Result<Bytes> CatalogueClient::view(const Result<Bytes>& calldata, std::string_view what) {
  if (!calldata) return calldata.error();
  MLCHAIN_TRY(auto reply, rpc_.call(eth::CallRequest{std::nullopt, catalogue_, *calldata, std::nullopt, std::nullopt}));
  if (const auto* refusal = std::get_if<eth::RpcError>(&reply)) {
    if (refusal->kind() == eth::RpcError::Kind::execution_reverted) {
      if (auto known = abi::decode_refusal(refusal->revert_data)) return make_error(known->kind, known->message);
    }
    return make_error(ErrorKind::remote_unavailable, std::string(what) + " on catalogue " + address_text(catalogue_) +
                                                         " at " + rpc_.display_url() + ": " + refusal->describe());
  }
  auto data = std::get<Bytes>(std::move(reply));
  // Every view answers at least one word: nothing at all means no contract there (a mistyped address).
  if (data.empty()) {
    MLCHAIN_TRY(const Bytes code, rpc_.code(catalogue_));
    if (code.empty())
      return make_error(ErrorKind::not_found, "no contract at " + address_text(catalogue_) + " on " +
                                                  rpc_.display_url() + ": is the universe address right?");
    return make_error(ErrorKind::invalid_input, "the contract at " + address_text(catalogue_) + " on " +
                                                    rpc_.display_url() + " is not an mlchain catalogue");
  }
  return data;
}

Result<eth::catalogue::Listing> CatalogueClient::listing(std::string_view name) {
  MLCHAIN_TRY_STATUS(abi::check_listing_name(name));
  MLCHAIN_TRY(const Bytes data, view(abi::listing_of_calldata(name), "listingOf"));
  MLCHAIN_TRY(auto listing, chain::from_node(abi::decode_listing_of(data), rpc_, "listingOf"));
  if (listing.owner == codec::Address{})
    return make_error(ErrorKind::not_found,
                      "no listing named '" + std::string(name) + "' in catalogue " + address_text(catalogue_));
  return listing;
}

Result<std::uint64_t> CatalogueClient::access_of(std::string_view name, const codec::Address& who) {
  MLCHAIN_TRY(const Bytes data, view(abi::access_of_calldata(name, who), "accessOf"));
  return chain::from_node(abi::decode_access_of(data), rpc_, "accessOf");
}

Result<eth::catalogue::Balance> CatalogueClient::balance_of(const codec::Address& payee) {
  MLCHAIN_TRY(const Bytes data, view(abi::balance_of_calldata(payee), "balanceOf"));
  return chain::from_node(abi::decode_balance_of(data), rpc_, "balanceOf");
}

Result<codec::Address> CatalogueClient::registry() {
  MLCHAIN_TRY(const Bytes data, view(abi::registry_calldata(), "registry"));
  return chain::from_node(abi::decode_registry(data), rpc_, "registry");
}

}  // namespace mlchain::catalogue
