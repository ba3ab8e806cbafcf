// Timing helpers shared by the benchmarks that alternate a baseline and depthstyle over rounds.
#pragma once

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

namespace depthstyle {

// Wall-clock and process CPU seconds of each timed pass.
struct Timing {
  std::vector<double> wall, cpu;
  void append(const Timing& other) {
    wall.insert(wall.end(), other.wall.begin(), other.wall.end());
    cpu.insert(cpu.end(), other.cpu.begin(), other.cpu.end());
  }
};

// CPU seconds of every thread of this process: steadier than wall time on a machine shared with other work.
inline double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

inline double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The middle value; the mean of the two middle values for an even count.
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

inline double minimum(const std::vector<double>& values) { return *std::min_element(values.begin(), values.end()); }

}  // namespace depthstyle
