#pragma once
// Sealing a private model's contents for IPFS and opening them again (docs/format.md §8): each content is
// encrypted once under a fresh file key into an age payload (the nonce and the STREAM chunks, no header),
// a UnixFS file under unixfs-v1-2025 whose blocks we build while we encrypt and send to the node as a CAR
// (it re-hashes every block); each recipient gets an age header that opens it, in
// access pages (privacy/records.hpp) on the node, each pinned by itself beside the ciphertexts they name.
#include <functional>
#include <optional>
#include <vector>

#include "mlchain/crypto/ecies.hpp"
#include "mlchain/ipfs/node.hpp"
#include "mlchain/privacy/owner_keys.hpp"
#include "mlchain/privacy/records.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::privacy {

// The profile every ciphertext is imported under.
const unixfs::Profile& cipher_profile();

struct Sealed {
  codec::Cid cipher;
  bool fresh = false;  // sealed and uploaded now (false: the record's ciphertext was on the node already)
};

// The ciphertext of the stored content `plain`: the one its record names when the node still holds it,
// else a new file key, the payload encrypted and uploaded in one pass (nothing written to disk), and only
// once the node stored every block the record stored. `on_bytes` counts plaintext bytes sealed.
Result<Sealed> seal_content(repo::Repository& repository, ipfs::Node& node, const OwnerKeys& keys,
                            const codec::Cid& plain, const ipfs::ProgressCallback& on_bytes = {});

// The age header that opens a content for `recipient`: one mlchain.dev/ecies-secp256k1 stanza and the MAC.
Result<Bytes> header_for(const crypto::PublicKey& recipient, const crypto::SecretBytes& file_key);

// The access pages that open `files` (plaintext CIDs the owner holds records of) of `commit` for
// `recipient`, put on the node and pinned each by itself (the ciphertexts they name carry their own pins).
// Returns the first page's CID, the one a grant names.
Result<codec::Cid> publish_access(ipfs::Node& node, const OwnerKeys& keys, const codec::Cid& commit,
                                  const crypto::PublicKey& recipient, const std::vector<codec::Cid>& files);

// Every page of the access set starting at `first`, read from the node (each block re-hashed). corrupt
// for a page that does not decode, names another commit or recipient, or a chain of pages with a loop.
Result<std::vector<AccessPage>> read_access(ipfs::Node& node, const codec::Cid& first);

// Streams the plaintext of `file` to `on_bytes`: the header's stanza unwrapped with `identity`, its MAC
// checked, the payload read from the node and decrypted chunk by chunk. access_denied when the header
// was not made for `identity`; corrupt when the payload does not authenticate (the caller still checks
// the plaintext against `file.plain`).
Status open_content(ipfs::Node& node, const crypto::PrivateKey& identity, const SealedFile& file,
                    const std::function<Status(ByteView)>& on_bytes);

}  // namespace mlchain::privacy
