// The main() of a benchmark: tune malloc as every depthstyle process does (so timings match the tool's), run, and
// turn an exception into a message and exit code 1.
#pragma once

#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "tensor/runtime.h"

namespace depthstyle {

// The 1-minute load average: other work on the machine makes wall times noisy, so a report states it.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string value;
  in >> value;
  return value.empty() ? "unknown" : value;
}

inline int bench_main(int argc, char** argv, int (*run)(int argc, char** argv)) {
  tune_malloc_for_large_tensors();
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
}

}  // namespace depthstyle
