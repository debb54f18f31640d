#include "mlchain/catalogue/reputation.hpp"

#include <algorithm>
#include <map>

namespace mlchain::catalogue {

Reputation reputation_of(std::span<const Attestation> attestations, std::uint64_t current_round,
                         std::span<const codec::Address> current_evaluators) {
  // The governance contract keeps one evaluation per evaluator and round, the latest replacing the earlier:
  // so does this count (a later attestation with the same time, later in the input, replaces too).
  std::map<codec::Address, const Attestation*> latest;
  for (const Attestation& attestation : attestations) {
    if (attestation.round != current_round) continue;
    if (std::find(current_evaluators.begin(), current_evaluators.end(), attestation.evaluator) ==
        current_evaluators.end()) {
      continue;
    }
    auto [slot, inserted] = latest.try_emplace(attestation.evaluator, &attestation);
    if (!inserted && slot->second->time <= attestation.time) slot->second = &attestation;
  }

  std::map<std::string, MetricSpread> spreads;
  for (const auto& [evaluator, attestation] : latest) {
    for (const auto& [metric, value] : attestation->metrics) {
      auto [slot, inserted] = spreads.try_emplace(metric, MetricSpread{metric, value, value, 0});
      MetricSpread& spread = slot->second;
      if (!inserted) {
        spread.low = std::min(spread.low, value);
        spread.high = std::max(spread.high, value);
      }
      ++spread.evaluators;
    }
  }

  Reputation reputation;
  reputation.evaluators = latest.size();
  reputation.metrics.reserve(spreads.size());
  for (auto& [metric, spread] : spreads) reputation.metrics.push_back(std::move(spread));
  return reputation;
}

}  // namespace mlchain::catalogue
