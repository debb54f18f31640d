#pragma once
// The private-model transactions of the registry (docs/format.md §7.1): an account publishing its
// encryption key, the owner making a repository private, the owner or a writer granting a reader the keys
// of anchored versions, revoking it from future versions, and recording shredded versions. Journaled and
// settled like a push (chain/transactor.hpp, purpose "access"): each is estimated first, so a refusal is
// explained before anything is signed, and a rerun after an interruption finishes the journaled
// transaction instead of signing a second one.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/journal.hpp"

namespace mlchain::chain {

struct KeyPublication {
  std::optional<Settled> settled;  // nothing: the chain already held this key for the signer, nothing was signed
  bool resumed = false;            // an earlier, interrupted publication finished from the journal
};

// Publishes `compressed_key` (33 bytes, 02 or 03 first) as the signer's encryption key on the registry at
// `registry` through `rpc_url`: signs the EIP-712 EncryptionKey digest over the account's current nonce and
// sends publishEncryptionKey. `chain_id`, when given, must be the node's. invalid_argument for a key that
// is not a compressed point; not_found / corrupt when no registry (or another contract) is at the address.
Result<KeyPublication> publish_encryption_key(Journal& journal, const std::string& rpc_url,
                                              const codec::Address& registry, std::optional<std::uint64_t> chain_id,
                                              core::Signer& signer, ByteView compressed_key,
                                              const ChainOptions& options);

struct AccessSent {
  Settled settled;
  bool resumed = false;  // the same transaction, sent by an earlier run that was interrupted, finished now
};

// The owner marks the remote's repository private (or public again).
Result<AccessSent> set_private(repo::Repository& repository, const ChainRemote& remote, bool is_private,
                               core::Signer& signer, const ChainOptions& options);

// One version granted: the commit and the access block holding its file keys wrapped for the grantee.
struct VersionGrant {
  codec::Cid commit;
  codec::Cid keys;
};

// The owner or a writer makes `grantee` a reader of the remote's repository and records one access block
// per version (none: future versions only). The remote's journaled pushes are settled first, so a version
// pushed just before is anchored when the grant is estimated.
Result<AccessSent> grant_access(repo::Repository& repository, const ChainRemote& remote, const codec::Address& grantee,
                                const std::vector<VersionGrant>& versions, core::Signer& signer,
                                const ChainOptions& options);

// The owner or a writer stops wrapping future versions for `grantee`.
Result<AccessSent> revoke_access(repo::Repository& repository, const ChainRemote& remote, const codec::Address& grantee,
                                 core::Signer& signer, const ChainOptions& options);

// The owner or a writer records that the owner's file keys of `commits` are destroyed (each must be
// anchored in the repository; one recorded already keeps its first block).
Result<AccessSent> record_shredding(repo::Repository& repository, const ChainRemote& remote,
                                    const std::vector<codec::Cid>& commits, core::Signer& signer,
                                    const ChainOptions& options);

// Why a private-model call reverted: as explain_registry_revert, except that NotWriter is access_denied
// naming who may grant, revoke and shred.
Error explain_access_revert(ByteView revert_data, std::string_view repo);

}  // namespace mlchain::chain
