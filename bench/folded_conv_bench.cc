// The depth networks' dense 3x3 stride-1 convs (nets/folded_conv.h) one by one, as FoldedConv runs them: through
// WinogradConv3x3 (reorders from and to oneDNN's blocked layout included when the network keeps its activations
// there) vs oneDNN's direct kernels (DEPTHSTYLE_WINOGRAD=0 at construction), same input and weights, alternating.
// This is what FoldedConv's choice between the two is based on.
//
//   build/bench/folded_conv_bench [--repeats 5] [--threads 0]
//
// For an NCHW input a third column runs oneDNN's direct kernel on a blocked copy (to_mkldnn, conv, to_dense).
// Times are process CPU seconds, the minimum over repeats (the steadier figure on a shared machine); GFLOP/s count a
// direct conv's multiply-adds; the ratios are direct / Winograd and blocked / Winograd (> 1: Winograd faster).
#include <ATen/ATen.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "core/error.h"
#include "nets/folded_conv.h"
#include "tensor/runtime.h"

namespace {

using depthstyle::cpu_seconds;

struct Shape {
  const char* where;
  std::int64_t in_channels, out_channels, height, width;
  bool blocked;  // the network's activations are in oneDNN's blocked layout here (the encoders, MiDaS' refinenets)
};

depthstyle::FoldedConv make_conv(const at::Tensor& weight, const at::Tensor& bias, bool winograd) {
  if (!winograd) setenv("DEPTHSTYLE_WINOGRAD", "0", 1);
  depthstyle::FoldedConv conv(weight, bias, {1, 1, 1});
  unsetenv("DEPTHSTYLE_WINOGRAD");
  return conv;
}

int run(int argc, char** argv) {
  int repeats = 5, threads = 0;
  depthstyle::BenchOptions options(
      "folded_conv_bench: the depth networks' dense 3x3 convs, Winograd vs oneDNN's direct");
  options.value("repeats", repeats, "timings per conv and path; the minimum is reported")
      .threads(threads);
  options.parse(argc, argv);
  threads = depthstyle::set_thread_count(threads);
  if (!depthstyle::WinogradConv3x3::available()) throw depthstyle::Error("this CPU lacks AVX2/FMA");
  const std::vector<Shape> shapes = {
      {"md2 640x192 layer1", 64, 64, 48, 160, true},      {"md2 640x192 layer2", 128, 128, 24, 80, true},
      {"md2 640x192 layer3", 256, 256, 12, 40, true},     {"md2 640x192 layer4", 512, 512, 6, 20, true},
      {"md2 640x192 upconv(4,0)", 512, 256, 6, 20, false}, {"md2 640x192 upconv(4,1)", 512, 256, 12, 40, false},
      {"md2 640x192 upconv(3,1)", 256, 128, 24, 80, false}, {"md2 640x192 upconv(2,1)", 128, 64, 48, 160, false},
      {"md2 640x192 upconv(1,0)", 64, 32, 48, 160, false}, {"md2 640x192 upconv(1,1)", 96, 32, 96, 320, false},
      {"md2 640x192 upconv(0,0)", 32, 16, 96, 320, false}, {"md2 640x192 upconv(0,1)", 16, 16, 192, 640, false},
      {"md2 1024x320 layer4", 512, 512, 10, 32, true},    {"md2 1024x320 upconv(4,0)", 512, 256, 10, 32, false},
      {"DA V2 S 518 layer1_rn", 48, 64, 148, 148, false}, {"DA V2 S 518 layer4_rn", 384, 64, 19, 19, false},
      {"DA V2 S 518 refinenet 1/4", 64, 64, 148, 148, false}, {"DA V2 S 518 refinenet 1/32", 64, 64, 19, 19, false},
      {"DA V2 S 518 output_conv1", 64, 32, 296, 296, false}, {"DA V2 S 518 output_conv2", 32, 32, 518, 518, false},
      {"R50 384 layer1 conv2", 64, 64, 96, 96, true},      {"R50 384 layer2 conv2", 128, 128, 48, 48, true},
      {"R50 384 layer3 conv2", 256, 256, 24, 24, true},    {"R50 384 layer4 conv2", 512, 512, 12, 12, true},
      {"MiDaS 384 layer1_rn", 256, 256, 96, 96, true},     {"MiDaS 384 layer2_rn", 512, 256, 48, 48, true},
      {"MiDaS 384 layer3_rn", 1024, 256, 24, 24, true},    {"MiDaS 384 layer4_rn", 2048, 256, 12, 12, true},
      {"MiDaS 384 refinenet 1/4", 256, 256, 96, 96, true}, {"MiDaS 384 refinenet 1/8", 256, 256, 48, 48, true},
      {"MiDaS 384 refinenet 1/16", 256, 256, 24, 24, true}, {"MiDaS 384 refinenet 1/32", 256, 256, 12, 12, true},
      {"MiDaS 384 head conv 0", 256, 128, 192, 192, false}, {"MiDaS 384 head conv 2", 128, 32, 384, 384, false},
  };
  std::printf("folded_conv_bench: %d threads, CPU seconds (min of %d)\n", threads, repeats);
  std::printf("%-28s %5s %5s %9s %7s  %9s %9s %9s  %7s %7s %7s  %6s %6s  %s\n", "conv", "in", "out", "size", "layout",
              "direct ms", "blk ms", "wino ms", "direct", "blocked", "wino", "d/w", "b/w", "FoldedConv takes");
  at::manual_seed(0);
  for (const Shape& shape : shapes) {
    at::Tensor input = at::randn({1, shape.in_channels, shape.height, shape.width}).relu_();
    if (shape.blocked) input = input.to_mkldnn();
    const at::Tensor weight = at::randn({shape.out_channels, shape.in_channels, 3, 3}) *
                              std::sqrt(2.0 / static_cast<double>(9 * shape.in_channels));
    const at::Tensor bias = at::rand({shape.out_channels}) * 0.2 - 0.1;
    const depthstyle::FoldedConv direct = make_conv(weight, bias, false), chosen = make_conv(weight, bias, true);
    // FoldedConv's Winograd path whether or not winograd_pays() chooses it for this size: the same calls.
    const depthstyle::WinogradConv3x3 winograd_conv(weight, bias);
    const auto winograd = [&](const at::Tensor& x) {
      const at::Tensor output = winograd_conv.forward(x.is_mkldnn() ? x.to_dense() : x, 1);
      return x.is_mkldnn() ? output.to_mkldnn() : output;
    };
    // For an NCHW input, also oneDNN's direct kernel on a blocked copy, the result reordered back.
    const auto reordered = [&] { return shape.blocked ? direct(input) : direct(input.to_mkldnn()).to_dense(); };
    direct(input), winograd(input), reordered(), chosen(input);  // warm-up
    double direct_best = 1e30, winograd_best = 1e30, reordered_best = 1e30;
    for (int repeat = 0; repeat < repeats; ++repeat) {
      double start = cpu_seconds();
      direct(input);
      direct_best = std::min(direct_best, cpu_seconds() - start);
      start = cpu_seconds();
      winograd(input);
      winograd_best = std::min(winograd_best, cpu_seconds() - start);
      start = cpu_seconds();
      reordered();
      reordered_best = std::min(reordered_best, cpu_seconds() - start);
    }
    const double flops = direct.flops(shape.height, shape.width);
    std::printf("%-28s %5ld %5ld %4ldx%-4ld %7s  %9.2f %9.2f %9.2f  %7.1f %7.1f %7.1f  %5.2fx %5.2fx  %s\n",
                shape.where, shape.in_channels, shape.out_channels, shape.width, shape.height,
                shape.blocked ? "blocked" : "NCHW", direct_best * 1e3, reordered_best * 1e3, winograd_best * 1e3,
                flops / direct_best / 1e9, flops / reordered_best / 1e9, flops / winograd_best / 1e9,
                direct_best / winograd_best, reordered_best / winograd_best,
                chosen.uses_winograd(shape.height, shape.width) ? "Winograd" : "direct");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, run); }
