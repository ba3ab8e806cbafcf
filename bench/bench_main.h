// What every benchmark's main() does (bench_main, run_benchmark), where it keeps the files it reuses (beside_binary)
// and what it prints beside its figures (load_average, cpu_flags). Files it does not keep go in a ScratchFolder
// (core/scratch_folder.h).
#pragma once

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.h"
#include "tensor/runtime.h"

namespace depthstyle {

// The 1-minute load average: other work on the machine makes wall times noisy, so a report states it.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string value;
  in >> value;
  return value.empty() ? "unknown" : value;
}

// The vector-unit flags that decide which kernels run (and so every speed figure), as /proc/cpuinfo names them:
// the subset of avx2, fma, avx512f, avx512bw, avx512_bf16, amx_bf16 this CPU has.
inline std::string cpu_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line) && line.rfind("flags", 0) != 0) {
  }
  std::istringstream words(line.substr(line.find(':') == std::string::npos ? line.size() : line.find(':') + 1));
  std::string present, word;
  const auto wanted = [](const std::string& flag) {
    for (const char* name : {"avx2", "fma", "avx512f", "avx512bw", "avx512_bf16", "amx_bf16"}) {
      if (flag == name) return true;
    }
    return false;
  };
  while (words >> word) {
    if (wanted(word)) present += (present.empty() ? "" : ", ") + word;
  }
  return present.empty() ? "none of avx2, fma, avx512f" : present;
}

// A folder or file beside the benchmark's binary (argv[0]), absolute and without "./" or "..": where the benchmarks keep
// the weight files they make once and reuse (e.g. build/bench/depth_weights).
inline std::filesystem::path beside_binary(const char* argv0, const std::string& name) {
  return std::filesystem::absolute(std::filesystem::path(argv0).parent_path() / name).lexically_normal();
}

// Runs a benchmark's `run`, turning an exception into a message on stderr and exit code 1, or 2 for a usage error (the
// command line: bench_options.h), as the depthstyle tool does. For benchmarks that must not tune malloc (malloc_bench)
// or do not link LibTorch.
inline int run_benchmark(int argc, char** argv, int (*run)(int argc, char** argv)) {
  try {
    return run(argc, argv);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
}

// The main() of a benchmark of LibTorch code: malloc tuned as every depthstyle process tunes it, then run_benchmark.
inline int bench_main(int argc, char** argv, int (*run)(int argc, char** argv)) {
  tune_malloc_for_large_tensors();
  return run_benchmark(argc, argv, run);
}

}  // namespace depthstyle
