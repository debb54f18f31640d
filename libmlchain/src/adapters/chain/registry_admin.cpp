#include "mlchain/chain/registry_admin.hpp"

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/contract_artifacts.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "mlchain/keys/key_directory.hpp"

namespace mlchain::chain {
namespace {

Error deploy_refused(ByteView revert_data) {
  return make_error(ErrorKind::internal,
                    "the registry's creation code reverted (revert data " +
                        (revert_data.empty() ? std::string("empty") : codec::to_0x_hex(revert_data)) + ")");
}

Result<Deployed> deployed_from(Settled settled, bool resumed) {
  if (!settled.receipt.contract_address)
    return make_error(ErrorKind::remote_unavailable, "the receipt of deploy transaction " +
                                                         codec::to_0x_hex(settled.entry.hash()) + " names no contract");
  Deployed deployed{*settled.receipt.contract_address, std::move(settled), resumed};
  return deployed;
}

}  // namespace

Result<Journal> deploy_journal(const repo::Repository* repository) {
  if (repository != nullptr) return journal_of(*repository);
  MLCHAIN_TRY(auto home, keys::mlchain_home());
  return Journal(home / "journal");
}

Result<Deployed> deploy_registry(Journal& journal, const std::string& rpc_url, std::optional<std::uint64_t> chain_id,
                                 core::Signer& signer, const ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(rpc_url));
  ChainSettings settings;
  settings.chain_id = chain_id;
  settings.confirmations = std::max<std::uint64_t>(1, options.confirmations.value_or(1));
  settings.receipt_timeout = options.receipt_timeout;
  Transactor transactor(rpc, journal, settings, deploy_refused);
  MLCHAIN_TRY(const std::uint64_t node_chain, transactor.check_chain());

  MLCHAIN_TRY(const auto entries, journal.entries());
  std::vector<JournalEntry> deploys;
  for (const auto& entry : entries)
    if (entry.purpose == Purpose::deploy && entry.rpc == rpc.display_url() && entry.transaction.chain_id == node_chain)
      deploys.push_back(entry);
  if (const auto open = open_transactions(deploys); !open.empty()) {
    MLCHAIN_TRY(auto settled, transactor.settle(open.front()));
    return deployed_from(std::move(settled), true);
  }

  Intent intent;
  intent.entry.purpose = Purpose::deploy;
  intent.entry.rpc = rpc.display_url();
  const ByteView code = eth::registry_artifact().creation_code;
  intent.data.assign(code.begin(), code.end());
  MLCHAIN_TRY(const JournalEntry sent, transactor.submit(std::move(intent), signer));
  MLCHAIN_TRY(auto settled, transactor.settle(OpenTransaction{{sent}}));
  return deployed_from(std::move(settled), false);
}

namespace {

// One registry transaction about `address` in the remote's repository (a writer or a commit signer), sent
// after the remote's earlier journaled transactions (pushes, grants, signer changes), in the order they were
// signed, and settled.
Result<Settled> send_registry_change(repo::Repository& repository, const ChainRemote& remote, Purpose purpose,
                                     std::string action, const codec::Address& address, Result<Bytes> calldata,
                                     core::Signer& key, const ChainOptions& options) {
  Journal journal = journal_of(repository);
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  RegistryClient registry_client(rpc, remote.registry);
  Transactor transactor(rpc, journal, settings_for(remote, options),
                        [repo = remote.repo](ByteView data) { return explain_registry_revert(data, repo, {}); });
  if (auto chain = transactor.check_chain(); !chain) return std::move(chain).error();
  MLCHAIN_TRY_STATUS(registry_client.check_deployed());
  if (auto finished = finish_journal(repository, remote, transactor, journal); !finished)
    return std::move(finished).error();

  Intent intent;
  intent.entry.purpose = purpose;
  intent.entry.remote = remote.name;
  intent.entry.rpc = rpc.display_url();
  intent.entry.repo = remote.repo;
  intent.entry.writer = address;
  intent.entry.action = std::move(action);
  intent.to = remote.registry;
  MLCHAIN_TRY(intent.data, std::move(calldata));
  MLCHAIN_TRY(const JournalEntry sent, transactor.submit(std::move(intent), key));
  return transactor.settle(OpenTransaction{{sent}});
}

}  // namespace

Result<Settled> change_writer(repo::Repository& repository, const ChainRemote& remote, const codec::Address& writer,
                              WriterChange change, core::Signer& signer, const ChainOptions& options) {
  const bool grant = change == WriterChange::grant;
  return send_registry_change(
      repository, remote, grant ? Purpose::grant : Purpose::revoke, {}, writer,
      grant ? eth::registry::grant_calldata(remote.repo, writer) : eth::registry::revoke_calldata(remote.repo, writer),
      signer, options);
}

Result<Settled> change_signer(repo::Repository& repository, const ChainRemote& remote, const codec::Address& signer,
                              SignerChange change, core::Signer& key, const ChainOptions& options) {
  const bool add = change == SignerChange::add;
  // The first addSigner creates the repository, under the same name rule as a first push.
  if (add) MLCHAIN_TRY_STATUS(eth::registry::check_repository_name(remote.repo));
  return send_registry_change(repository, remote, Purpose::signer, add ? "add" : "remove", signer,
                              add ? eth::registry::add_signer_calldata(remote.repo, signer)
                                  : eth::registry::remove_signer_calldata(remote.repo, signer),
                              key, options);
}

}  // namespace mlchain::chain
