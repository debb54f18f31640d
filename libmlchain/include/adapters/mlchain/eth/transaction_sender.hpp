#pragma once
// Who signed a transaction: ecrecover of its signing hash, as nodes compute `from`.

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/transaction.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth {

// A verification failure when no key can have made the signature.
Result<codec::Address> recover_sender(const codec::SignedTransaction& transaction);

}  // namespace mlchain::eth
