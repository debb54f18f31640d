#pragma once
// Push to a private remote (docs/format.md §8): the node receives the commit and tree blocks (public,
// signed) and only ciphertext of every file; no plaintext byte of a file leaves the machine. After the
// chain anchors the head, every current reader of the repository gets access pages for the new version.
#include <cstdint>
#include <string>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/privacy/owner_keys.hpp"
#include "mlchain/remote/push.hpp"

namespace mlchain::privacy {

struct SealedUpload {
  std::uint64_t commits = 0;
  std::uint64_t blocks = 0;  // commit and tree blocks uploaded (the node lacked them)
  std::uint64_t blocks_present = 0;
  std::uint64_t files = 0;         // contents in the history, each sealed once
  std::uint64_t files_sealed = 0;  // encrypted and uploaded by this push
  std::uint64_t file_bytes = 0;    // plaintext bytes of those
};

// Seals and uploads every content of `head`'s history the node lacks as ciphertext, uploads the commit and
// tree blocks, and pins them (blocks directly, ciphertexts recursively).
Result<SealedUpload> upload_sealed(repo::Repository& repository, ipfs::Node& node, const OwnerKeys& keys,
                                   const codec::Cid& head, const remote::UploadProgress& progress = {});

// Every distinct head the chain anchored in the repository, oldest first: where files_opened_with stops.
Result<std::vector<codec::Cid>> anchored_heads(chain::RegistryClient& registry, const std::string& repo);

// The plaintext contents a version's access pages open: its own files, and those of its ancestors that were
// never a head on the chain (pushed with it, so granted with it).
Result<std::vector<codec::Cid>> files_opened_with(repo::Repository& repository, const codec::Cid& version,
                                                  const std::vector<codec::Cid>& anchored_heads);

// Marks the remote's repository private on the registry when it exists, is not marked yet and `signer` is
// its owner (only the owner may): true when it sent the transaction. A private push calls it before it
// uploads, so no clone of a private repository ever sees it public while its versions are on the node.
Result<bool> mark_private(repo::Repository& repository, const chain::ChainRemote& remote, core::Signer& signer,
                          const chain::ChainOptions& options);

struct ReaderWrap {
  codec::Address reader;
  std::optional<codec::Cid> access;  // nothing: the reader has published no encryption key
};

struct OpenedVersion {
  bool marked_private = false;  // this push told the registry the repository is private
  bool not_owner = false;       // the repository is not marked private and the signer cannot (not the owner)
  std::vector<ReaderWrap> readers;
  std::vector<chain::Settled> transactions;  // one grantAccess per reader wrapped for
};

// After the chain anchored `head`: marks the repository private on the registry if it is not yet, then
// wraps the version for every reader that holds access (grantAccess, one transaction per reader).
Result<OpenedVersion> open_to_readers(repo::Repository& repository, const chain::ChainRemote& remote, ipfs::Node& node,
                                      const OwnerKeys& keys, const codec::Cid& head, core::Signer& signer,
                                      const chain::ChainOptions& options);

}  // namespace mlchain::privacy
