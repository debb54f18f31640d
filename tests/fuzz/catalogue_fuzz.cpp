// The catalogue's answers and events, its refusals, listing names and ether amounts: nothing crashes the
// strict decoders, what they accept keeps the contract's guarantees, and an amount printed in ether parses
// back to the same wei. The first byte picks the decoder; for an event, the next byte the number of topics.

#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/ether_amount.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "round_trip.hpp"

using namespace mlchain;
namespace cat = eth::catalogue;

namespace {

// What every decoded listing or event must satisfy whatever the node sent: the rules the contract enforces.
void require_valid_terms(const cat::Terms& terms) {
  fuzz::require(cat::check_terms(terms).ok(), "decoded terms pass the contract's rules");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto in = fuzz::input(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      if (const auto listing = cat::decode_listing_of(in); listing && listing->owner != codec::Address{}) {
        fuzz::require(cat::check_listing_name(listing->name).ok(), "a decoded listing's name is valid");
        require_valid_terms(listing->terms);
      }
      (void)cat::decode_access_of(in);
      if (const auto balance = cat::decode_balance_of(in))
        fuzz::require(!(balance->earned < balance->balance), "a balance never exceeds what was earned");
      (void)cat::decode_registry(in);
      break;
    case 1:
    case 2: {
      if (in.empty()) break;
      const std::size_t topics = in[0] % 5;
      if (in.size() < 1 + topics * 32) break;
      std::vector<cat::Word> words(topics);
      for (std::size_t i = 0; i < topics; ++i) std::copy_n(in.subspan(1 + i * 32, 32).begin(), 32, words[i].begin());
      const auto event = cat::decode_event(words, in.subspan(1 + topics * 32));
      if (!event) break;
      if (const auto* published = std::get_if<cat::Published>(&*event)) {
        fuzz::require(published->name_id == cat::name_id(published->name), "a name id is its name's hash");
        require_valid_terms(published->terms);
      }
      if (const auto* updated = std::get_if<cat::Updated>(&*event)) require_valid_terms(updated->terms);
      break;
    }
    case 3:
      (void)cat::decode_refusal(in);
      break;
    default: {
      const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
      (void)cat::check_listing_name(text);
      if (const auto wei = codec::parse_ether_amount(text)) {
        const auto again = codec::parse_ether_amount(codec::format_ether(*wei) + "ether");
        fuzz::require(again.ok() && *again == *wei, "an amount printed in ether parses back to the same wei");
      }
    }
  }
  return 0;
}
