#pragma once
// The file keys of a private model, as its owner keeps them (docs/format.md §8.3): one record per plaintext
// content in .mlchain/private/keys/<plaintext CID>, itself an age file sealed to the owner's encryption key,
// so a copy of the repository's directory alone opens nothing. A content keeps its key and ciphertext across
// versions (a grantee who lost access already holds those bytes); `mlchain shred` destroys records.
#include <filesystem>
#include <optional>

#include "mlchain/codec/cid.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/crypto/secret.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::privacy {

struct ContentSeal {
  codec::Cid cipher;
  crypto::SecretBytes key;  // the age file key
};

class OwnerKeys {
 public:
  // `identity` is the owner's encryption key (keys/encryption_key.hpp).
  OwnerKeys(const repo::Repository& repository, const crypto::PrivateKey& identity);

  // Nothing when no record exists; corrupt when one exists and does not open with the owner's key (another
  // identity's repository, or a damaged record) or names another content.
  Result<std::optional<ContentSeal>> find(const codec::Cid& plain) const;
  // Written atomically, mode 0600, replacing an older record of the same content.
  Status store(const codec::Cid& plain, const ContentSeal& seal) const;
  // Overwrites the record's bytes, flushes, then removes it; a missing record is no error.
  Status destroy(const codec::Cid& plain) const;

 private:
  std::filesystem::path path_of(const codec::Cid& plain) const;
  std::filesystem::path directory_;
  const crypto::PrivateKey& identity_;
};

}  // namespace mlchain::privacy
