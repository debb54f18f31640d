#include "mlchain/workflow/encryption_key.hpp"

#include "mlchain/chain/access_admin.hpp"
#include "mlchain/chain/registry_admin.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/keys/encryption_key.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::workflow {
namespace {

struct RegistryTarget {
  std::string rpc;
  codec::Address registry;
  std::optional<std::uint64_t> chain_id;
};

// --rpc and --registry, else the named remote's chain, else origin's when it has one; nothing when no
// registry is named at all (show only).
Result<std::optional<RegistryTarget>> registry_target(repo::Repository* repository,
                                                      const EncryptionKeyOptions& options) {
  if (!options.rpc.empty() || !options.registry.empty()) {
    if (options.rpc.empty() || options.registry.empty())
      return make_error(ErrorKind::invalid_argument, "--rpc URL and --registry ADDR go together");
    MLCHAIN_TRY_STATUS(remote::check_remote_url("--rpc", options.rpc));
    auto address = codec::parse_address(options.registry);
    if (!address)
      return make_error(ErrorKind::invalid_argument,
                        "--registry '" + options.registry + "': " + address.error().message);
    return std::optional<RegistryTarget>(RegistryTarget{options.rpc, *address, std::nullopt});
  }
  if (repository == nullptr) {
    if (options.remote)
      return make_error(ErrorKind::not_found, "remote '" + *options.remote + "': not in a repository");
    return std::optional<RegistryTarget>{};
  }
  if (!options.remote) {
    auto origin = remote::find_remote(*repository, std::string(remote::default_remote));
    if (!origin || !chain::has_chain(*origin)) return std::optional<RegistryTarget>{};
  }
  MLCHAIN_TRY(const auto chain_remote,
              chain::find_chain_remote(*repository, options.remote.value_or(std::string(remote::default_remote))));
  return std::optional<RegistryTarget>(RegistryTarget{chain_remote.rpc, chain_remote.registry, chain_remote.chain_id});
}

// The signer's encryption key, and what `target`'s registry holds for it.
Result<EncryptionKeyReport> report_for(core::Signer& signer, const std::optional<RegistryTarget>& target) {
  MLCHAIN_TRY(const auto identity, keys::derive_encryption_key(signer));
  const auto compressed = crypto::PublicKey::of(identity).compressed();
  EncryptionKeyReport report{.account = signer.address(),
                             .encryption_key = Bytes(compressed.begin(), compressed.end()),
                             .registry = std::nullopt,
                             .published = std::nullopt,
                             .settled = std::nullopt};
  if (!target) return report;
  eth::RpcClient rpc(eth::rpc_options_for(target->rpc));
  chain::RegistryClient registry(rpc, target->registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  report.registry = target->registry;
  MLCHAIN_TRY(const auto published, registry.encryption_key_of(report.account));
  if (published) report.published = published->key;
  return report;
}

}  // namespace

Result<EncryptionKeyReport> show_encryption_key(repo::Repository* repository, const EncryptionKeyOptions& options) {
  MLCHAIN_TRY(const auto target, registry_target(repository, options));
  MLCHAIN_TRY(auto signer, signer_for(repository, options.key));
  return report_for(*signer.signer, target);
}

Result<EncryptionKeyReport> publish_encryption_key(repo::Repository* repository, const EncryptionKeyOptions& options) {
  MLCHAIN_TRY(const auto target, registry_target(repository, options));
  if (!target)
    return make_error(ErrorKind::invalid_argument,
                      "name the registry to publish on: a remote with a chain, or --rpc URL --registry ADDR");
  // One signer for the derivation and the transaction: a keystore asks for its passphrase once.
  MLCHAIN_TRY(auto signer, signer_for(repository, options.key));
  MLCHAIN_TRY(auto report, report_for(*signer.signer, target));
  if (report.published == report.encryption_key) return report;
  MLCHAIN_TRY(auto journal, chain::deploy_journal(repository));
  MLCHAIN_TRY(auto publication, chain::publish_encryption_key(journal, target->rpc, target->registry, target->chain_id,
                                                              *signer.signer, report.encryption_key, options.chain));
  report.settled = std::move(publication.settled);
  report.published = report.encryption_key;
  return report;
}

}  // namespace mlchain::workflow
