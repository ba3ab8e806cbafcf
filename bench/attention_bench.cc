// The vision transformers' self-attention layers (nets/transformer_layers.h's MultiHeadSelfAttention: qkv Linear,
// attention, proj Linear) at their token counts and head counts, with the attention by nets/fused_attention.h vs by
// oneDNN's batched products and softmax (DEPTHSTYLE_FUSED_ATTENTION=0), same weights and input, alternating.
//
//   build/bench/attention_bench [--repeats 7] [--threads 2] [--passes 8]
//
// Times are process CPU seconds per layer (the steadier figure on a shared machine) and wall seconds, the minimum over
// repeats of `--passes` layer calls; GFLOP/s count the layer's multiply-adds x 2 (MultiHeadSelfAttention::flops:
// the two linear layers and the two attention products); the ratio is oneDNN / fused (> 1: fused faster). The header
// says which of the fused kernels run (AVX-512, or AVX2 on a CPU without AVX-512 or with DNNL_MAX_CPU_ISA=AVX2, or
// with DEPTHSTYLE_FUSED_ATTENTION=avx2 as set by the caller); without AVX2/FMA both columns time oneDNN's path.
#include <ATen/ATen.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "core/error.h"
#include "nets/fused_attention.h"
#include "nets/transformer_layers.h"
#include "support/test_support.h"
#include "tensor/runtime.h"

namespace depthstyle {
namespace {

struct Shape {
  const char* network;
  std::int64_t tokens, channels, heads;
};

struct Times {
  double cpu = 1e30, wall = 1e30;
};

int run(int argc, char** argv) {
  int repeats = 7, threads = 2, passes = 8;
  BenchOptions options(
      "attention_bench: the vision transformers' self-attention layers, fused kernels vs oneDNN's path");
  options.value("repeats", repeats, "timings per layer and path; the minimum is reported")
      .threads(threads)
      .value("passes", passes, "layer calls per timing");
  options.parse(argc, argv);
  threads = set_thread_count(threads);
  const std::vector<Shape> shapes = {
      {"DPT-Hybrid 384", 577, 768, 12},
      {"DPT-Large 384", 577, 1024, 16},
      {"DPT-BEiT-L 512 (no bias)", 1025, 1024, 16},
      {"Depth Anything V2 S 518", 1370, 384, 6},
      {"Depth Anything V2 B 518", 1370, 768, 12},
      {"Depth Anything V2 L 518", 1370, 1024, 16},
  };
  // The caller's choice of kernels ("avx2"), restored before each fused pass.
  const char* caller_switch = std::getenv("DEPTHSTYLE_FUSED_ATTENTION");
  const std::string fused_switch = caller_switch != nullptr ? caller_switch : "";
  const char* kernels = !fused_attention_available(64)     ? "NOT available (both columns oneDNN)"
                        : fused_attention_uses_avx512() ? "AVX-512"
                                                        : "AVX2";
  std::printf("attention_bench: %d threads, %d layer calls per pass, min of %d alternating passes, fused kernels %s, "
              "load %s\n%s\n",
              threads, passes, repeats, kernels, load_average().c_str(), testing::cpu_features().c_str());
  std::printf("%-26s %-16s  %9s %9s  %8s %8s  %6s %6s\n", "layer", "tokens x C / heads", "oneDNN", "fused",
              "GFLOP/s", "GFLOP/s", "CPU", "wall");
  at::manual_seed(0);
  for (const Shape& s : shapes) {
    const double scale = 1.0 / std::sqrt(static_cast<double>(s.channels));
    const MultiHeadSelfAttention layer(at::randn({3 * s.channels, s.channels}) * scale,
                                       at::randn({3 * s.channels}) * 0.1, at::randn({s.channels, s.channels}) * scale,
                                       at::randn({s.channels}) * 0.1, s.heads);
    const at::Tensor input = at::randn({s.tokens, s.channels});
    const auto pass = [&](bool fused, Times& best) {
      setenv("DEPTHSTYLE_FUSED_ATTENTION", fused ? fused_switch.c_str() : "0", 1);
      const double cpu = cpu_seconds(), wall = wall_seconds();
      for (int call = 0; call < passes; ++call) layer(input);
      best.cpu = std::min(best.cpu, (cpu_seconds() - cpu) / passes);
      best.wall = std::min(best.wall, (wall_seconds() - wall) / passes);
    };
    Times warm_up, onednn_times, fused_times;
    pass(false, warm_up), pass(true, warm_up);
    for (int repeat = 0; repeat < repeats; ++repeat) {
      pass(false, onednn_times);
      pass(true, fused_times);
    }
    setenv("DEPTHSTYLE_FUSED_ATTENTION", fused_switch.c_str(), 1);
    const double flops = layer.flops(s.tokens);
    const std::string shape =
        std::to_string(s.tokens) + "x" + std::to_string(s.channels) + "/" + std::to_string(s.heads);
    std::printf("%-26s %-16s  %6.2f ms %6.2f ms  %8.0f %8.0f  %5.2fx %5.2fx\n", s.network, shape.c_str(),
                onednn_times.cpu * 1e3, fused_times.cpu * 1e3, flops / onednn_times.wall / 1e9,
                flops / fused_times.wall / 1e9, onednn_times.cpu / fused_times.cpu,
                onednn_times.wall / fused_times.wall);
  }
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
