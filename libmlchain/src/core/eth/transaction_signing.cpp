#include "mlchain/core/transaction_signing.hpp"

namespace mlchain::core {

Result<codec::SignedTransaction> sign_transaction(const codec::Transaction& transaction, Signer& signer) {
  MLCHAIN_TRY(const codec::Keccak256Digest digest, codec::signing_hash(transaction));
  MLCHAIN_TRY(const codec::RecoverableSignature signature, signer.sign_digest(digest));
  return codec::attach_signature(transaction, signature);
}

}  // namespace mlchain::core
