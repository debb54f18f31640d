#include "mlchain/eth/transaction_sender.hpp"

#include "mlchain/crypto/secp256k1.hpp"

namespace mlchain::eth {

Result<codec::Address> recover_sender(const codec::SignedTransaction& transaction) {
  MLCHAIN_TRY(const codec::Keccak256Digest digest, codec::signing_hash(transaction.transaction));
  return crypto::recover_address(digest, transaction.signature());
}

}  // namespace mlchain::eth
