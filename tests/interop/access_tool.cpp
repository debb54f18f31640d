// Reaches the registry's private-model transactions (chain/access_admin.hpp) and reads
// (chain/registry_client.hpp), which the lead's commands will drive, for tests/interop/registry_access_client.sh.
// The key comes from MLCHAIN_PRIVATE_KEY; REMOTE is a chain remote of the repository in the current directory.
//
//   access_tool publish RPC REGISTRY 0xKEY           publishes KEY; prints "published TXHASH", "resumed TXHASH"
//                                                    or "unchanged"
//   access_tool key RPC REGISTRY ADDR                prints "0xKEY NONCE", or "none"
//   access_tool private REMOTE true|false
//   access_tool grant REMOTE GRANTEE [COMMIT=KEYS…]  (CIDs); prints "granted TXHASH" or "resumed TXHASH"
//   access_tool revoke REMOTE GRANTEE
//   access_tool shred REMOTE COMMIT…
//   access_tool show REMOTE                          prints the views and the logs, one fact a line
// Errors: "access_tool: error: …" on stderr, and the exit code mlchain gives the error's kind.

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "mlchain/chain/access_admin.hpp"
#include "mlchain/chain/registry_admin.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/repo/repository.hpp"

using namespace mlchain;

namespace {

int fail(const Error& error) {
  std::cerr << "access_tool: error: " << error.message << "\n";
  return cli::exit_code(error.kind);
}

Error usage(std::string what) { return make_error(ErrorKind::invalid_argument, std::move(what)); }

Result<keys::PrivateKeySigner> environment_signer() {
  MLCHAIN_TRY(auto key, keys::private_key_from_environment());
  if (!key) return usage("set MLCHAIN_PRIVATE_KEY");
  return keys::PrivateKeySigner(std::move(*key));
}

std::string text(const codec::Address& address) { return codec::to_checksum_address(address); }

void print_sent(std::string_view verb, const chain::AccessSent& sent) {
  std::cout << (sent.resumed ? "resumed" : verb) << " " << codec::to_0x_hex(sent.settled.receipt.transaction_hash)
            << "\n";
}

Result<int> key_commands(const std::vector<std::string>& args, keys::PrivateKeySigner* signer) {
  if (args.size() != 4) return usage("expected " + args[0] + " RPC REGISTRY ARG");
  MLCHAIN_TRY(const auto registry, codec::parse_address(args[2]));
  if (args[0] == "key") {
    eth::RpcClient rpc(eth::rpc_options_for(args[1]));
    chain::RegistryClient client(rpc, registry);
    MLCHAIN_TRY(const auto account, codec::parse_address(args[3]));
    MLCHAIN_TRY(const auto published, client.encryption_key_of(account));
    if (!published) {
      std::cout << "none\n";
    } else {
      std::cout << codec::to_0x_hex(published->key) << " " << published->nonce << "\n";
    }
    return 0;
  }
  MLCHAIN_TRY(const Bytes key, codec::from_0x_hex(args[3]));
  MLCHAIN_TRY(auto journal, chain::deploy_journal(nullptr));
  MLCHAIN_TRY(const auto publication,
              chain::publish_encryption_key(journal, args[1], registry, std::nullopt, *signer, key, {}));
  if (!publication.settled) {
    std::cout << "unchanged\n";
  } else {
    std::cout << (publication.resumed ? "resumed " : "published ")
              << codec::to_0x_hex(publication.settled->receipt.transaction_hash) << "\n";
  }
  return 0;
}

Result<int> show(chain::RegistryClient& client, const std::string& repo) {
  MLCHAIN_TRY(const bool is_private, client.is_private(repo));
  std::cout << "private " << (is_private ? "true" : "false") << "\n";
  MLCHAIN_TRY(const auto readers, client.readers_of(repo));
  for (const auto& reader : readers) {
    MLCHAIN_TRY(const bool access, client.has_access(repo, reader));
    std::cout << "reader " << text(reader) << " " << (access ? "access" : "revoked") << "\n";
  }
  MLCHAIN_TRY(const auto grants, client.access_grants(repo));
  for (const auto& grant : grants)
    std::cout << "grant " << text(grant.grantee) << " " << grant.commit.to_string() << " " << grant.keys.to_string()
              << " by " << text(grant.by) << " block " << grant.block_number << "\n";
  MLCHAIN_TRY(const auto added, client.readers_added(repo));
  for (const auto& change : added) std::cout << "added " << text(change.grantee) << " by " << text(change.by) << "\n";
  MLCHAIN_TRY(const auto revoked, client.access_revocations(repo));
  for (const auto& change : revoked)
    std::cout << "revoked " << text(change.grantee) << " by " << text(change.by) << "\n";
  MLCHAIN_TRY(const auto shredded, client.shreddings(repo));
  for (const auto& shredding : shredded) {
    MLCHAIN_TRY(const auto block, client.shredded_at(repo, shredding.commit));
    std::cout << "shredded " << shredding.commit.to_string() << " by " << text(shredding.by) << " block "
              << shredding.block_number << " shreddedAt " << (block ? std::to_string(*block) : "none") << "\n";
  }
  return 0;
}

Result<int> repository_commands(const std::vector<std::string>& args, keys::PrivateKeySigner* signer) {
  if (args.size() < 2) return usage("expected " + args[0] + " REMOTE …");
  MLCHAIN_TRY(auto repository, repo::discover_repository(std::filesystem::current_path()));
  MLCHAIN_TRY(const auto remote, chain::find_chain_remote(repository, args[1]));
  const std::string& command = args[0];
  if (command == "show") {
    eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
    chain::RegistryClient client(rpc, remote.registry);
    return show(client, remote.repo);
  }
  if (command == "private") {
    if (args.size() != 3 || (args[2] != "true" && args[2] != "false"))
      return usage("expected private REMOTE true|false");
    MLCHAIN_TRY(const auto sent, chain::set_private(repository, remote, args[2] == "true", *signer, {}));
    print_sent("set", sent);
    return 0;
  }
  if (command == "shred") {
    std::vector<codec::Cid> commits;
    for (std::size_t i = 2; i < args.size(); ++i) {
      MLCHAIN_TRY(auto commit, codec::Cid::parse(args[i]));
      commits.push_back(std::move(commit));
    }
    MLCHAIN_TRY(const auto sent, chain::record_shredding(repository, remote, commits, *signer, {}));
    print_sent("shredded", sent);
    return 0;
  }
  if (args.size() < 3) return usage("expected " + command + " REMOTE GRANTEE …");
  MLCHAIN_TRY(const auto grantee, codec::parse_address(args[2]));
  if (command == "revoke") {
    MLCHAIN_TRY(const auto sent, chain::revoke_access(repository, remote, grantee, *signer, {}));
    print_sent("revoked", sent);
    return 0;
  }
  if (command != "grant") return usage("unknown command " + command);
  std::vector<chain::VersionGrant> versions;
  for (std::size_t i = 3; i < args.size(); ++i) {
    const auto equals = args[i].find('=');
    if (equals == std::string::npos) return usage("expected COMMIT=KEYS, got " + args[i]);
    MLCHAIN_TRY(auto commit, codec::Cid::parse(args[i].substr(0, equals)));
    MLCHAIN_TRY(auto keys, codec::Cid::parse(args[i].substr(equals + 1)));
    versions.push_back({std::move(commit), std::move(keys)});
  }
  MLCHAIN_TRY(const auto sent, chain::grant_access(repository, remote, grantee, versions, *signer, {}));
  print_sent("granted", sent);
  return 0;
}

Result<int> run(const std::vector<std::string>& args) {
  if (args.empty()) return usage("expected a command");
  std::optional<keys::PrivateKeySigner> signer;
  if (args[0] != "key" && args[0] != "show") {
    MLCHAIN_TRY(auto environment, environment_signer());
    signer.emplace(std::move(environment));
  }
  keys::PrivateKeySigner* signing = signer ? &*signer : nullptr;
  if (args[0] == "publish" || args[0] == "key") return key_commands(args, signing);
  return repository_commands(args, signing);
}

}  // namespace

int main(int argc, char** argv) {
  auto result = run(std::vector<std::string>(argv + 1, argv + argc));
  if (!result) return fail(result.error());
  return *result;
}
