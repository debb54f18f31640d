#pragma once
// `mlchain key encryption show|publish [NAME] [REMOTE | --rpc URL --registry ADDR]`: a key's encryption key
// (keys/encryption_key.hpp), and its publication on a registry, bound to the signing address by an EIP-712
// signature the registry checks (docs/format.md §7.1), so a grantor finds it from the chain alone.
#include <optional>
#include <string>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/transactor.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::workflow {

struct EncryptionKeyOptions {
  std::optional<std::string> key;     // the signing key whose encryption key it is (workflow/signer_for.hpp)
  std::optional<std::string> remote;  // a remote of `repository` naming the registry
  std::string rpc;                    // with `registry`, outside a repository or instead of a remote
  std::string registry;
  chain::ChainOptions chain;
};

struct EncryptionKeyReport {
  codec::Address account;
  Bytes encryption_key;  // 33 bytes, compressed
  // With a registry:
  std::optional<codec::Address> registry;
  std::optional<Bytes> published;         // what the registry holds for the account (nothing: none)
  std::optional<chain::Settled> settled;  // publish: the transaction, unless it was published already
};

// `repository` may be null (outside one).
Result<EncryptionKeyReport> show_encryption_key(repo::Repository* repository, const EncryptionKeyOptions& options);
Result<EncryptionKeyReport> publish_encryption_key(repo::Repository* repository, const EncryptionKeyOptions& options);

}  // namespace mlchain::workflow
