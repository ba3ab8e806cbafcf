// Progress reporting for long work.
//
// On a terminal: one line redrawn in place with count, rate and ETA. Elsewhere (pipes, log files): a plain line at
// most every 10% or 30 s. Silent when quiet mode is on (--quiet, or the CI environment variable is set).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace depthstyle {

void set_progress_quiet(bool quiet);
bool progress_quiet();

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total);
  ~ProgressBar();  // finishes the line if the caller did not
  void advance(std::size_t steps = 1);
  void finish();

 private:
  void draw(bool final);

  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool terminal_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::size_t last_reported_tenth_ = 0;
};

}  // namespace depthstyle
