#pragma once
// Which catalogue (Model Universe) a command talks to, and the catalogue's transactions (docs/architecture.md
// "Catalogue", docs/format.md "Catalogue"). Inside a repository the chain remote names it: its `universe`
// setting (written by `mlchain universe deploy`), else the catalogue the repository's owner set in the
// registry. Outside one, `--rpc URL --universe ADDR` name it. Transactions are journaled and settled like a
// push: in the repository's journal, or $MLCHAIN_HOME/journal outside one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "mlchain/eth/rpc_client.hpp"

namespace mlchain::catalogue {

struct Universe {
  std::string rpc;                         // the JSON-RPC URL
  codec::Address catalogue;
  std::optional<std::uint64_t> chain_id;   // the remote's; nothing outside a repository: the node's
  std::uint64_t confirmations = 1;
  std::optional<chain::ChainRemote> remote;  // set when found from a repository's remote
};

struct UniverseFlags {
  std::optional<std::string> remote;    // REMOTE (default origin)
  std::optional<std::string> rpc;       // --rpc URL
  std::optional<std::string> universe;  // --universe ADDR
};
// `--rpc` and `--universe` together win; one without the other is a usage error. Otherwise the
// repository's remote (not_found naming the remote when it has no universe setting and the registry names
// no catalogue for its repository: "mlchain universe deploy" or "--universe ADDR"). Without a repository
// and without the flags: invalid_argument naming both flags.
Result<Universe> find_universe(const repo::Repository* repository, const UniverseFlags& flags);

// The catalogue's views.
class CatalogueClient {
 public:
  CatalogueClient(eth::RpcClient& rpc, codec::Address catalogue) : rpc_(rpc), catalogue_(catalogue) {}
  // not_found naming the listing when the catalogue has none by that name.
  Result<eth::catalogue::Listing> listing(std::string_view name);
  Result<std::uint64_t> access_of(std::string_view name, const codec::Address& who);
  Result<eth::catalogue::Balance> balance_of(const codec::Address& payee);
  // The registry the catalogue serves (its immutable).
  Result<codec::Address> registry();
  eth::RpcClient& rpc() { return rpc_; }
  const codec::Address& address() const { return catalogue_; }

 private:
  // One eth_call: the contract's refusals explained, an empty answer checked for a missing contract.
  Result<Bytes> view(const Result<Bytes>& calldata, std::string_view what);
  eth::RpcClient& rpc_;
  codec::Address catalogue_;
};

}  // namespace mlchain::catalogue
