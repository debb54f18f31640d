#pragma once
// The owner's side of a private model (docs/format.md §8), one call per command:
//   mlchain access grant [REMOTE] ADDR [--versions all|REV…]   wraps versions' keys for ADDR, records the grant
//   mlchain access revoke [REMOTE] ADDR                       the next versions are not wrapped for ADDR
//   mlchain access list [REMOTE]                              who holds what, from the chain
//   mlchain shred REV…                                        destroys the owner's keys of versions, unpins
//                                                             their ciphertext, records the shredding
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::workflow {

struct AccessOptions {
  std::string remote;  // empty: origin
  std::optional<std::string> key;
  chain::ChainOptions chain;
};

struct GrantedVersion {
  codec::Cid version;
  codec::Cid access;  // the first access page
  std::uint64_t files = 0;
};

struct GrantReport {
  chain::ChainRemote chain;
  codec::Address grantee;
  std::vector<GrantedVersion> versions;
  std::vector<codec::Cid> shredded;  // asked for (with "all") but shredded: nothing to wrap
  chain::Settled settled;
};

// `versions` empty or {"all"}: every version the chain anchored. not_found when the grantee has published
// no encryption key, or a revision was never a head on the chain.
Result<GrantReport> grant_access(repo::Repository& repository, const codec::Address& grantee,
                                 const std::vector<std::string>& versions, const AccessOptions& options);

struct RevokeReport {
  chain::ChainRemote chain;
  codec::Address grantee;
  bool held_access = false;  // false: it had none (the revocation is still recorded)
  chain::Settled settled;
};
Result<RevokeReport> revoke_access(repo::Repository& repository, const codec::Address& grantee,
                                   const AccessOptions& options);

struct ReaderAccess {
  codec::Address reader;
  bool current = false;                     // granted and not revoked since: the next versions are wrapped for it
  std::optional<Bytes> encryption_key;      // published on the registry (33 bytes)
  bool unusable_key = false;                // it published a key that is no point on the curve: nothing opens for it
  std::vector<codec::Cid> versions;         // granted versions, in grant order, each once
  std::optional<std::uint64_t> revoked_at;  // block of the latest revocation
};

struct AccessList {
  chain::ChainRemote chain;
  bool is_private = false;
  std::vector<ReaderAccess> readers;
  std::vector<codec::Cid> shredded;
};
Result<AccessList> list_access(repo::Repository& repository, const std::string& remote);

struct ShredReport {
  chain::ChainRemote chain;
  std::vector<codec::Cid> versions;
  std::uint64_t keys_destroyed = 0;
  std::vector<codec::Cid> unpinned;       // ciphertexts and access pages
  std::vector<codec::Cid> kept;           // contents another version still holds: their keys stay
  std::optional<chain::Settled> settled;  // nothing: the chain recorded every version already
};
Result<ShredReport> shred(repo::Repository& repository, const std::vector<std::string>& revisions,
                          const AccessOptions& options);

}  // namespace mlchain::workflow
