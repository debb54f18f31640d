#pragma once
// A model's reputation, honestly computed (docs/format.md §7.9 "Reputation"): never one opaque score, but how
// many distinct evaluators of the governance's current round attested the commit, and for each metric the
// spread of what they reported. Each evaluator counts once, by its latest attestation (as the governance
// contract counts it); attestations from other rounds or by addresses outside the current set are left out.
// Pure: the caller gathers the attestations (from the chain, or from the catalogue's index).

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/i256.hpp"

namespace mlchain::catalogue {

struct Attestation {
  codec::Address evaluator;
  std::uint64_t round = 0;
  std::uint64_t time = 0;  // EAS's time (seconds); the latest per evaluator counts
  std::vector<std::pair<std::string, codec::I256>> metrics;  // fixed point, 18 decimals
};

struct MetricSpread {
  std::string metric;
  codec::I256 low;
  codec::I256 high;
  std::size_t evaluators = 0;  // how many of the counted evaluators reported this metric
};

struct Reputation {
  std::size_t evaluators = 0;          // distinct current evaluators whose latest attestation counts
  std::vector<MetricSpread> metrics;   // by metric name, sorted
};

Reputation reputation_of(std::span<const Attestation> attestations, std::uint64_t current_round,
                         std::span<const codec::Address> current_evaluators);

}  // namespace mlchain::catalogue
