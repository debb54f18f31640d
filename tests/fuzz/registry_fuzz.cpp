// The registry's answers (docs/format.md §7.1): views, events and revert data. Nothing crashes the strict
// decoders, and commit signers' intervals they accept keep what the contract guarantees (ordered, disjoint,
// only the last one open), which `verify --chain --authorized` relies on.
// The first byte picks the decoder; for an event, the next byte the number of topics (0 to 4).

#include <vector>

#include "mlchain/core/signer_authorization.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "round_trip.hpp"

using namespace mlchain;
namespace registry = eth::registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto in = fuzz::input(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      if (const auto intervals = registry::decode_signer_intervals_of(in)) {
        for (std::size_t i = 0; i < intervals->size(); ++i) {
          const auto& interval = (*intervals)[i];
          fuzz::require(!interval.until_block || *interval.until_block >= interval.from_block,
                        "an interval ends before it starts");
          if (i + 1 < intervals->size())
            fuzz::require(interval.until_block && *interval.until_block <= (*intervals)[i + 1].from_block,
                          "intervals overlap or an open one is not the last");
          // An interval authorises its first block unless it is empty, and never its end.
          if (interval.until_block) {
            const std::vector<core::SignerInterval> one{interval};
            fuzz::require(!core::authorized_at(one, *interval.until_block), "an interval counts its end block");
          }
        }
      }
      break;
    case 1:
      (void)registry::decode_signers_of(in);
      (void)registry::decode_signer_authorized_at(in);
      (void)registry::decode_readers_of(in);
      (void)registry::decode_branches_of(in);
      break;
    case 2: {
      if (in.empty()) break;
      const std::size_t topics = in[0] % 5;
      if (in.size() < 1 + topics * 32) break;
      std::vector<registry::Word> words(topics);
      for (std::size_t i = 0; i < topics; ++i) std::copy_n(in.subspan(1 + i * 32, 32).begin(), 32, words[i].begin());
      (void)registry::decode_event(words, in.subspan(1 + topics * 32));
      break;
    }
    case 3:
      if (const auto error = registry::decode_error(in); error && *error) (void)registry::describe(**error);
      break;
  }
  return 0;
}
