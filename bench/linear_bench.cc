// The vision transformers' linear layers (nets/transformer_layers.h) at their token counts: one oneDNN matmul call
// over all output columns vs calls of kLinearColumnsPerCall columns, same weights and input, alternating. The last
// column says which of the two Linear takes on this CPU at that row count (linear_columns_per_call(rows): slices where
// oneDNN runs AVX-512 kernels, below kLinearOneCallFromRows rows); DNNL_MAX_CPU_ISA=AVX2 times oneDNN's AVX2 kernels
// on an AVX-512 machine.
//
//   build/bench/linear_bench [--repeats 7] [--threads 2] [--layers 24]
//
// Each timed pass runs `--layers` layers of the shape, each with its own weights, one after another on the same
// input: as in a network of that many blocks, every layer's weights come from memory, not from the cache the previous
// pass left them in (24 layers of 1024 x 4096 float32 weights are 400 MB, more than this machine's 300 MB L3).
// Times are process CPU seconds of one pass over the layers (the steadier figure on a shared machine) and wall
// seconds, the minimum over repeats; GFLOP/s count 2 x rows x in x out per layer; the ratio is one call / slices
// (> 1: slices faster).
#include <ATen/ATen.h>

#include <cstdio>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "core/error.h"
#include "nets/transformer_layers.h"
#include "support/test_support.h"
#include "tensor/runtime.h"

namespace depthstyle {
namespace {

struct Shape {
  const char* where;
  std::int64_t rows, in, out;
  Linear::Activation activation;
};

struct Times {
  double cpu = 1e30, wall = 1e30;
};

int run(int argc, char** argv) {
  int repeats = 7, threads = 2, layers = 24;
  BenchOptions options("linear_bench: the vision transformers' linear layers, one oneDNN call vs slices of columns");
  options.value("repeats", repeats, "timed passes per shape and way; the minimum is reported")
      .threads(threads)
      .value("layers", layers, "layers of the shape per pass, each with its own weights (as in a network)");
  options.parse(argc, argv);
  if (repeats < 1 || layers < 1) throw UsageError("need --repeats >= 1 and --layers >= 1");
  threads = set_thread_count(threads);
  using Activation = Linear::Activation;
  const std::vector<Shape> shapes = {
      {"DPT-Large 384 qkv", 577, 1024, 3072, Activation::kNone},
      {"DPT-Large 384 proj", 577, 1024, 1024, Activation::kNone},
      {"DPT-Large 384 fc1+GELU", 577, 1024, 4096, Activation::kGelu},
      {"DPT-Large 384 fc2", 577, 4096, 1024, Activation::kNone},
      {"DPT-Hybrid 384 fc1+GELU", 577, 768, 3072, Activation::kGelu},
      {"DPT-Hybrid 384 fc2", 577, 3072, 768, Activation::kNone},
      {"BEiT-L 512 fc1+GELU", 1025, 1024, 4096, Activation::kGelu},
      {"DA V2 S 518 qkv", 1370, 384, 1152, Activation::kNone},
      {"DA V2 S 518 fc1+GELU", 1370, 384, 1536, Activation::kGelu},
      {"DA V2 S 518 fc2", 1370, 1536, 384, Activation::kNone},
      {"DA V2 B 518 fc1+GELU", 1370, 768, 3072, Activation::kGelu},
  };
  std::printf("linear_bench: %d threads, %d layers per pass, min of %d alternating passes, slices of %ld columns, "
              "load %s\n%s\n",
              threads, layers, repeats, static_cast<long>(kLinearColumnsPerCall), load_average().c_str(),
              testing::cpu_features().c_str());
  std::printf("%-26s %-17s  %9s %9s  %8s %8s  %6s %6s  %s\n", "layer", "rows x in -> out", "one call", "slices",
              "GFLOP/s", "GFLOP/s", "CPU", "wall", "Linear takes");
  at::manual_seed(0);
  for (const Shape& s : shapes) {
    const at::Tensor input = at::randn({s.rows, s.in});
    std::vector<Linear> one_call, sliced;
    for (int layer = 0; layer < layers; ++layer) {
      const at::Tensor weight = at::randn({s.out, s.in}) / std::sqrt(static_cast<double>(s.in));
      const at::Tensor bias = at::randn({s.out}) * 0.1;
      one_call.emplace_back(weight, bias, s.activation, at::Tensor(), s.out);
      sliced.emplace_back(weight, bias, s.activation, at::Tensor(), kLinearColumnsPerCall);
    }
    const auto pass = [&](const std::vector<Linear>& stack, Times& best) {
      const double cpu = cpu_seconds(), wall = wall_seconds();
      for (const Linear& layer : stack) layer(input);
      best.cpu = std::min(best.cpu, cpu_seconds() - cpu);
      best.wall = std::min(best.wall, wall_seconds() - wall);
    };
    Times warm_up, one_call_times, sliced_times;
    pass(one_call, warm_up), pass(sliced, warm_up);
    for (int repeat = 0; repeat < repeats; ++repeat) {
      pass(one_call, one_call_times);
      pass(sliced, sliced_times);
    }
    const double flops = layers * one_call.front().flops(s.rows);
    const std::string shape =
        std::to_string(s.rows) + "x" + std::to_string(s.in) + "->" + std::to_string(s.out);
    const bool linear_slices = linear_columns_per_call(s.rows) == kLinearColumnsPerCall;
    std::printf("%-26s %-17s  %7.2f ms %7.2f ms  %8.0f %8.0f  %5.2fx %5.2fx  %s\n", s.where, shape.c_str(),
                one_call_times.cpu / layers * 1e3, sliced_times.cpu / layers * 1e3, flops / one_call_times.wall / 1e9,
                flops / sliced_times.wall / 1e9, one_call_times.cpu / sliced_times.cpu,
                one_call_times.wall / sliced_times.wall, linear_slices ? "slices" : "one call");
  }
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
