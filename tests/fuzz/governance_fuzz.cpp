// The governance's and EAS's answers, the ledger's events and `mlchain evaluate --out` files: whatever the
// strict decoders accept decodes again to the same values once re-encoded; nothing crashes them.
// The first byte picks the decoder; for an event, the next byte the number of topics (0 to 4).

#include <span>
#include <string_view>
#include <vector>

#include "mlchain/chain/governance.hpp"
#include "mlchain/eth/eas_abi.hpp"
#include "mlchain/eth/governance_abi.hpp"
#include "round_trip.hpp"

using namespace mlchain;
namespace gov = eth::governance;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto in = fuzz::input(data + 1, size - 1);
  switch (data[0] % 9) {
    case 0:
      if (const auto evaluation = gov::decode_evaluation(in)) {
        const auto encoded = gov::encode_evaluation(*evaluation);
        fuzz::require(encoded.ok(), "a decoded evaluation encodes");
        fuzz::require_same(in, *encoded, "evaluation data");
      }
      break;
    case 1:
      (void)gov::decode_check(in);
      break;
    case 2:
      if (const auto policy = gov::decode_stage_policy(in)) {
        // Rules print as text the policy flags parse back.
        for (const auto& rule : policy->requirements) {
          const auto again = gov::parse_rule(gov::rule_text(rule));
          fuzz::require(again.ok() && again->metric == rule.metric && again->value == rule.value, "rule text");
        }
      }
      break;
    case 3:
      (void)gov::decode_round_of(in);
      (void)gov::decode_holder_of(in);
      break;
    case 4:
      (void)eth::eas::decode_get_attestation(in);
      (void)eth::eas::decode_uids(in);
      break;
    case 5:
    case 6: {
      if (in.empty()) break;
      const std::size_t topics = in[0] % 5;
      if (in.size() < 1 + topics * 32) break;
      std::vector<gov::Word> words(topics);
      for (std::size_t i = 0; i < topics; ++i) std::copy_n(in.subspan(1 + i * 32, 32).begin(), 32, words[i].begin());
      const auto rest = in.subspan(1 + topics * 32);
      (void)gov::decode_event(words, rest);
      (void)eth::eas::decode_attested(words, rest);
      break;
    }
    case 7:
      (void)gov::decode_refusal(in);
      (void)eth::eas::describe_error(in);
      break;
    default: {
      const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
      if (const auto evaluation = chain::parse_evaluation_file(text)) {
        const auto again = chain::parse_evaluation_file(chain::evaluation_file(*evaluation));
        fuzz::require(again.ok() && again->attestation.request.data == evaluation->attestation.request.data,
                      "an evaluation file written back reads the same");
      }
    }
  }
  return 0;
}
