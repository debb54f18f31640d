// Raw transactions: whatever the strict decoder accepts is the transaction its fields sign to, byte for byte.

#include "mlchain/codec/transaction.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  const auto decoded = codec::decode_transaction(in);
  if (!decoded) return 0;
  fuzz::require_same(in, decoded->raw, "transaction");
  const auto again = codec::attach_signature(decoded->transaction, decoded->signature());
  fuzz::require(again.ok(), "a decoded transaction re-signs");
  fuzz::require_same(in, again->raw, "transaction re-encoded from its fields");
  fuzz::require(again->hash == codec::keccak256(in), "transaction hash");
  return 0;
}
