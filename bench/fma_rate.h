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

// Twelve independent accumulator chains (more than latency x issue width on either CPU), nothing in the loop but the
// FMAs; returns their sum so the loop is not dropped.
constexpr int kChains = 12;

__attribute__((target("avx512f"))) inline float chains_avx512(long steps, float start) {
  __m512 sums[kChains];
  for (int i = 0; i < kChains; ++i) sums[i] = _mm512_set1_ps(start + 1e-3f * static_cast<float>(i));
  const __m512 scale = _mm512_set1_ps(0.999999f), offset = _mm512_set1_ps(1e-7f);
  for (long step = 0; step < steps; ++step) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) sums[i] = _mm512_fmadd_ps(sums[i], scale, offset);
  }
  // Stored and added one by one: GCC 12's _mm512_reduce_add_ps warns of an uninitialised value (GCC bug 105593).
  alignas(64) float lanes[16];
  float total = 0;
  for (int i = 0; i < kChains; ++i) {
    _mm512_store_ps(lanes, sums[i]);
    for (float lane : lanes) total += lane;
  }
  return total;
}

__attribute__((target("avx2,fma"))) inline float chains_avx2(long steps, float start) {
  __m256 sums[kChains];
  for (int i = 0; i < kChains; ++i) sums[i] = _mm256_set1_ps(start + 1e-3f * static_cast<float>(i));
  const __m256 scale = _mm256_set1_ps(0.999999f), offset = _mm256_set1_ps(1e-7f);
  for (long step = 0; step < steps; ++step) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) sums[i] = _mm256_fmadd_ps(sums[i], scale, offset);
  }
  alignas(32) float lanes[8];
  float total = 0;
  for (int i = 0; i < kChains; ++i) {
    _mm256_store_ps(lanes, sums[i]);
    for (float lane : lanes) total += lane;
  }
  return total;
}

}  // namespace fma_rate_detail

// GFLOP/s (an FMA counts 2) of `threads` threads each running the chains on 512-bit vectors (`avx512`) or 256-bit
// ones, the best of 3 timings of ~0.1 s each; 0 on a CPU without those instructions. Pass the width the measured
// kernels use: held to AVX2 (DNNL_MAX_CPU_ISA=AVX2), a network's peak is the 256-bit one.
inline double fma_rate_gflops(int threads, bool avx512) {
  const bool runs = avx512 ? __builtin_cpu_supports("avx512f")
                           : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!runs) return 0;
  const long steps = 25'000'000;  // x 12 chains: 0.08 s at one 512-bit FMA per cycle and 3.7 GHz
  const int lanes = avx512 ? 16 : 8;
  double best = 0;
  for (int timing = 0; timing < 3; ++timing) {
    std::vector<float> sinks(static_cast<std::size_t>(threads));
    std::vector<std::thread> workers;
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&sinks, t, steps, avx512] {
        const float first = 1e-3f * static_cast<float>(t + 1);
        sinks[static_cast<std::size_t>(t)] = avx512 ? fma_rate_detail::chains_avx512(steps, first)
                                                    : fma_rate_detail::chains_avx2(steps, first);
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
