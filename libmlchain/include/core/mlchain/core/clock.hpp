#pragma once
// Time as the waiting logic reads it (the transactor's wait for a receipt and its re-broadcast backoff,
// the RPC client's retry backoff): behind an interface, as LevelDB's Env puts it, so tests drive that
// logic on a clock they advance themselves and run in milliseconds, not minutes.

#include <chrono>

namespace mlchain::core {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  // Monotonic: deadlines and timeouts are measured on it.
  virtual TimePoint now() = 0;
  // Blocks the calling thread for `duration` (as this clock counts it).
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

// std::chrono::steady_clock and std::this_thread::sleep_for; one instance, safe from any thread.
Clock& real_clock();

}  // namespace mlchain::core
