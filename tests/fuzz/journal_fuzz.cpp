// Transaction journal entries (.mlchain/journal/<hash>.json): whatever a crash or a hostile hand leaves in
// the file, decoding either refuses it or gives an entry whose own encoding decodes back to the same bytes.

#include "mlchain/chain/journal.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decoded = chain::decode_journal_entry(fuzz::input(data, size));
  if (!decoded) return 0;
  const Bytes encoded = chain::encode_journal_entry(*decoded);
  auto again = chain::decode_journal_entry(encoded);
  fuzz::require(again.ok(), "a decoded journal entry re-encodes to something it refuses");
  fuzz::require_same(encoded, chain::encode_journal_entry(*again), "journal entry");
  return 0;
}
