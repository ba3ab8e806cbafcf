// Each distinct 3x3 conv of a 512 px stylization (VGG encoder to relu4_1 and the AdaIN decoder), Winograd F(4x4,
// 3x3) (nets/winograd_conv.h) vs at::conv2d (oneDNN's direct kernels) on the same random input and weights,
// alternating, with the largest difference relative to the largest output value.
//
//   build/bench/winograd_conv_bench [--side 512] [--repeats 5] [--threads 0]
//
// Times are process CPU seconds (minimum over repeats), the steadier figure on a machine shared with other work;
// GFLOP/s counts a direct convolution's multiply-adds for both, so the ratio is the speed-up.
#include <ATen/ATen.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "core/error.h"
#include "tensor/runtime.h"
#include "nets/winograd_conv.h"

namespace {

using depthstyle::cpu_seconds;

struct Shape {
  const char* layers;
  std::int64_t in_channels, out_channels, divisor;  // the conv's output is side / divisor square
  int count;                                        // how many convs of a stylization have this shape
};

int run(int argc, char** argv) {
  int side = 512, repeats = 5, threads = 0;
  depthstyle::BenchOptions options(
      "winograd_conv_bench: each distinct 3x3 conv of a stylization, Winograd vs at::conv2d");
  options.value("side", side, "the stylization's content and style side, pixels (a multiple of 8)")
      .value("repeats", repeats, "timings per conv and path; the minimum is reported")
      .threads(threads);
  options.parse(argc, argv);
  if (side < 8 || side % 8 != 0 || repeats < 1) {
    throw depthstyle::UsageError("need --side a multiple of 8 and --repeats >= 1");
  }
  threads = depthstyle::set_thread_count(threads);
  if (!depthstyle::WinogradConv3x3::available()) throw depthstyle::Error("this CPU lacks AVX2/FMA");
  // Encoder passes count twice (content and style).
  const std::vector<Shape> shapes = {
      {"conv1_2 / decoder last 64", 64, 64, 1, 3},   {"conv2_1", 64, 128, 2, 2},
      {"conv2_2 / decoder", 128, 128, 2, 3},         {"decoder 128->64", 128, 64, 2, 1},
      {"conv3_1", 128, 256, 4, 2},                   {"conv3_2..4 / decoder", 256, 256, 4, 9},
      {"decoder 256->128", 256, 128, 4, 1},          {"conv4_1", 256, 512, 8, 2},
      {"decoder first", 512, 256, 8, 1},
  };
  std::printf("winograd_conv_bench: side %d, %d threads, CPU seconds (min of %d)\n", side, threads, repeats);
  std::printf("%-28s %5s %5s %5s  %9s %9s  %7s %7s  %6s  %9s\n", "layer", "in", "out", "size", "direct ms",
              "wino ms", "direct", "wino", "ratio", "rel diff");
  double direct_total = 0, winograd_total = 0;
  at::manual_seed(0);
  for (const Shape& shape : shapes) {
    const std::int64_t size = side / shape.divisor;
    const at::Tensor input = at::randn({1, shape.in_channels, size + 2, size + 2}).relu_();
    const at::Tensor weight = at::randn({shape.out_channels, shape.in_channels, 3, 3}) *
                              std::sqrt(2.0 / static_cast<double>(9 * shape.in_channels));
    const at::Tensor bias = at::rand({shape.out_channels}) * 0.2 - 0.1;
    const depthstyle::WinogradConv3x3 winograd(weight, bias);
    at::Tensor direct_output = at::conv2d(input, weight, bias), winograd_output = winograd.forward(input);
    double direct_best = 1e30, winograd_best = 1e30;
    for (int repeat = 0; repeat < repeats; ++repeat) {
      double start = cpu_seconds();
      direct_output = at::conv2d(input, weight, bias);
      direct_best = std::min(direct_best, cpu_seconds() - start);
      start = cpu_seconds();
      winograd_output = winograd.forward(input);
      winograd_best = std::min(winograd_best, cpu_seconds() - start);
    }
    const double difference =
        ((winograd_output - direct_output).abs().max() / direct_output.abs().max()).item<double>();
    const double flops = 2.0 * static_cast<double>(size * size * shape.out_channels * shape.in_channels * 9);
    std::printf("%-28s %5ld %5ld %5ld  %9.2f %9.2f  %7.1f %7.1f  %5.2fx  %9.2g\n", shape.layers, shape.in_channels,
                shape.out_channels, size, direct_best * 1e3, winograd_best * 1e3, flops / direct_best / 1e9,
                flops / winograd_best / 1e9, direct_best / winograd_best, difference);
    direct_total += shape.count * direct_best;
    winograd_total += shape.count * winograd_best;
  }
  std::printf("a stylization's 3x3 convs with >3 channels (CPU s): direct %.3f, Winograd %.3f, ratio %.2fx\n",
              direct_total, winograd_total, direct_total / winograd_total);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, run); }
