#pragma once
// A core::Clock that moves only when told: sleep_for advances it at once and records the sleep, so the
// waiting logic above it (receipt waits, timeouts, backoff) runs in no real time and its waits can be
// read back. Single-threaded.

#include <chrono>
#include <vector>

#include "mlchain/core/clock.hpp"

namespace mlchain::testing {

class ManualClock final : public core::Clock {
 public:
  TimePoint now() override { return now_; }
  void sleep_for(std::chrono::milliseconds duration) override {
    sleeps_.push_back(duration);
    now_ += duration;
  }

  // Time passing without a sleep (the work between two sleeps, say).
  void advance(std::chrono::milliseconds duration) { now_ += duration; }
  // Every sleep asked for, in order.
  const std::vector<std::chrono::milliseconds>& sleeps() const { return sleeps_; }
  std::chrono::milliseconds slept() const {
    std::chrono::milliseconds total{0};
    for (const auto sleep : sleeps_) total += sleep;
    return total;
  }

 private:
  TimePoint now_{};
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace mlchain::testing
