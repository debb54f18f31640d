#include "mlchain/repo/commit_signature.hpp"

#include "mlchain/codec/eip191.hpp"
#include "mlchain/crypto/secp256k1.hpp"

namespace mlchain::repo {

Result<CommitSignatureCheck> check_commit_signature(const core::Commit& commit) {
  if (!commit.signature) return make_error(ErrorKind::bad_signature, "the commit carries no signature");
  MLCHAIN_TRY(auto unsigned_block, core::encode_unsigned(commit));
  CommitSignatureCheck check;
  check.digest = core::signing_digest(unsigned_block);
  auto signer = crypto::recover_address(codec::personal_message_digest(check.digest), *commit.signature);
  if (signer) {
    check.signer = *signer;
    check.good = *signer == commit.author;
  }
  return check;
}

}  // namespace mlchain::repo
