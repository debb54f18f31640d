#pragma once
// Who signed a commit: the address recovered from its signature over the EIP-191 digest of the sha2-256
// of its unsigned block (docs/format.md), compared with the author it claims.

#include <optional>

#include "mlchain/core/commit.hpp"

namespace mlchain::repo {

struct CommitSignatureCheck {
  codec::Sha256Digest digest{};          // sha2-256 of the unsigned block: what was signed
  std::optional<codec::Address> signer;  // recovered; nothing when no key can have made the signature
  bool good = false;                     // the signer is the commit's author
};

Result<CommitSignatureCheck> check_commit_signature(const core::Commit& commit);

}  // namespace mlchain::repo
