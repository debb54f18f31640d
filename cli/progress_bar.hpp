#pragma once
// A one-line progress bar on stderr (bytes, rate, time left), drawn only when stderr is a terminal and at
// most ten times a second: pipes and logs get nothing.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace mlchain::cli {

class ProgressBar {
 public:
  ProgressBar(std::ostream& err, std::string label);
  ~ProgressBar();  // clears the line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(std::uint64_t done, std::uint64_t total);

 private:
  std::ostream& err_;
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace mlchain::cli
