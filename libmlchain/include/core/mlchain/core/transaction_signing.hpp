#pragma once
// Signing a transaction through a core::Signer, so the key stays wherever the signer keeps it.

#include "mlchain/codec/transaction.hpp"
#include "mlchain/core/signer.hpp"

namespace mlchain::core {

// Signs signing_hash(transaction) with `signer` and returns the raw bytes and hash to broadcast. Fails when
// the transaction cannot be encoded (usage) or the signer fails (its error, e.g. a wrong passphrase).
Result<codec::SignedTransaction> sign_transaction(const codec::Transaction& transaction, Signer& signer);

}  // namespace mlchain::core
