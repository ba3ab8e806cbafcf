// This CPU's float32 FMA rate in registers: the ceiling that any kernel here (every one is built of FMAs) can approach
// and not pass, printed beside a benchmark's GFLOP/s so that a figure from one machine can be read on another. The
// Zen 4 (one 512-bit FMA per cycle per core) and the Xeon (two) of docs/performance.md differ by 2x here.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace depthstyle {
namespace fma_rate_detail {

// Independent accumulator chains per thread: more than FMA latency x FMA units on either CPU (4 x 2 on the Xeon).
constexpr int kChains = 12;

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#include "nets/simd_avx2.inc"
#include "fma_chains.inc"
}  // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
namespace avx512 {
#include "nets/simd_avx512.inc"
#include "fma_chains.inc"
}  // namespace avx512
#pragma GCC pop_options

}  // namespace fma_rate_detail

// GFLOP/s (an FMA counts 2) of `threads` threads each running the chains on 512-bit vectors (`avx512`) or 256-bit
// ones, the best of 3 timings of ~0.1 s each; 0 on a CPU without those instructions. Pass the width the measured
// kernels use: held to AVX2 (DNNL_MAX_CPU_ISA=AVX2), a network's peak is the 256-bit one.
inline double fma_rate_gflops(int threads, bool avx512) {
  const bool runs = avx512 ? __builtin_cpu_supports("avx512f")
                           : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!runs) return 0;
  const long steps = 25'000'000;  // x 12 chains: 0.08 s at one 512-bit FMA per cycle and 3.7 GHz
  const int lanes = avx512 ? fma_rate_detail::avx512::kLanes : fma_rate_detail::avx2::kLanes;
  double best = 0;
  for (int timing = 0; timing < 3; ++timing) {
    std::vector<float> sinks(static_cast<std::size_t>(threads));
    std::vector<std::thread> workers;
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&sinks, t, steps, avx512] {
        const float first = 1e-3f * static_cast<float>(t + 1);
        sinks[static_cast<std::size_t>(t)] =
            avx512 ? fma_rate_detail::avx512::chains(steps, first) : fma_rate_detail::avx2::chains(steps, first);
      });
    }
    for (std::thread& worker : workers) worker.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    volatile float keep = sinks[0];
    static_cast<void>(keep);
    const double flops = 2.0 * lanes * fma_rate_detail::kChains * static_cast<double>(steps) * threads;
    best = std::max(best, flops / seconds / 1e9);
  }
  return best;
}

}  // namespace depthstyle
