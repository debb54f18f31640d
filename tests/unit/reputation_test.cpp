#include <catch2/catch.hpp>

#include <vector>

#include "mlchain/catalogue/reputation.hpp"

using namespace mlchain;
using namespace mlchain::catalogue;

namespace {
codec::Address address(std::uint8_t last) {
  codec::Address result;
  result.bytes.back() = last;
  return result;
}

Attestation attested(std::uint8_t evaluator, std::uint64_t round, std::uint64_t time,
                     std::vector<std::pair<std::string, codec::I256>> metrics) {
  return Attestation{address(evaluator), round, time, std::move(metrics)};
}

const MetricSpread& spread_of(const Reputation& reputation, std::string_view metric) {
  for (const MetricSpread& spread : reputation.metrics) {
    if (spread.metric == metric) return spread;
  }
  FAIL("no metric " << metric);
  throw;  // unreachable: FAIL throws
}
}  // namespace

TEST_CASE("reputation counts each evaluator once, by its latest attestation", "[reputation]") {
  const std::vector<codec::Address> evaluators{address(1), address(2)};
  // Evaluator 1's later attestation comes first in the input: time decides, not order.
  const std::vector<Attestation> attestations{
      attested(1, 3, 200, {{"accuracy", 900}}),
      attested(1, 3, 100, {{"accuracy", 100}}),
      attested(2, 3, 150, {{"accuracy", 950}}),
  };
  const Reputation reputation = reputation_of(attestations, 3, evaluators);
  CHECK(reputation.evaluators == 2);
  REQUIRE(reputation.metrics.size() == 1);
  CHECK(reputation.metrics[0].metric == "accuracy");
  CHECK(reputation.metrics[0].low == codec::I256(900));
  CHECK(reputation.metrics[0].high == codec::I256(950));
  CHECK(reputation.metrics[0].evaluators == 2);
}

TEST_CASE("reputation leaves out other rounds and addresses outside the evaluator set", "[reputation]") {
  const std::vector<codec::Address> evaluators{address(1), address(2)};
  const std::vector<Attestation> attestations{
      attested(1, 2, 500, {{"accuracy", 10}}),   // an earlier round, even though later in time
      attested(1, 3, 100, {{"accuracy", 700}}),
      attested(9, 3, 300, {{"accuracy", -5}}),   // not an evaluator of the round
      attested(2, 4, 300, {{"accuracy", 99}}),   // a round that is not the current one
  };
  const Reputation reputation = reputation_of(attestations, 3, evaluators);
  CHECK(reputation.evaluators == 1);
  REQUIRE(reputation.metrics.size() == 1);
  CHECK(reputation.metrics[0].low == codec::I256(700));
  CHECK(reputation.metrics[0].high == codec::I256(700));
  CHECK(reputation.metrics[0].evaluators == 1);
}

TEST_CASE("reputation spreads each metric over the evaluators that reported it", "[reputation]") {
  const std::vector<codec::Address> evaluators{address(1), address(2), address(3)};
  const std::vector<Attestation> attestations{
      attested(1, 1, 10, {{"loss", -20}, {"accuracy", 800}}),
      attested(2, 1, 10, {{"accuracy", 600}}),
      attested(3, 1, 10, {{"loss", 40}, {"accuracy", 700}, {"drift", 3}}),
  };
  const Reputation reputation = reputation_of(attestations, 1, evaluators);
  CHECK(reputation.evaluators == 3);
  REQUIRE(reputation.metrics.size() == 3);
  // Sorted by metric name.
  CHECK(reputation.metrics[0].metric == "accuracy");
  CHECK(reputation.metrics[1].metric == "drift");
  CHECK(reputation.metrics[2].metric == "loss");
  const MetricSpread& accuracy = spread_of(reputation, "accuracy");
  CHECK(accuracy.low == codec::I256(600));
  CHECK(accuracy.high == codec::I256(800));
  CHECK(accuracy.evaluators == 3);
  const MetricSpread& loss = spread_of(reputation, "loss");
  CHECK(loss.low == codec::I256(-20));
  CHECK(loss.high == codec::I256(40));
  CHECK(loss.evaluators == 2);
  const MetricSpread& drift = spread_of(reputation, "drift");
  CHECK(drift.low == codec::I256(3));
  CHECK(drift.high == codec::I256(3));
  CHECK(drift.evaluators == 1);
}

TEST_CASE("reputation of nothing counted is zero evaluators and no metrics", "[reputation]") {
  const std::vector<codec::Address> evaluators{address(1)};
  CHECK(reputation_of({}, 1, evaluators).evaluators == 0);
  const std::vector<Attestation> stale{attested(1, 1, 10, {{"accuracy", 1}})};
  const Reputation reputation = reputation_of(stale, 2, evaluators);
  CHECK(reputation.evaluators == 0);
  CHECK(reputation.metrics.empty());
}
