// The bilinear resizes of the depth decoders: bilinear_resize (nets/vector_kernels.h) vs at::upsample_bilinear2d on
// the same random map, alternating call by call in one process, with whether the outputs are bit-for-bit equal.
//
//   build/bench/bilinear_resize_bench [--repeats 21] [--threads 2]
//
// Times are wall milliseconds of one call (output allocation included, as in the networks), the median over the
// alternating repeats; GB/s counts the bytes read once and written once (input + output); the ratio is ATen / ours
// (> 1: ours faster).
#include <ATen/ATen.h>

#include <cstdio>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "core/error.h"
#include "nets/vector_kernels.h"
#include "support/test_support.h"
#include "tensor/runtime.h"

namespace depthstyle {
namespace {

struct Shape {
  const char* where;
  std::int64_t channels, height, width, out_height, out_width;
  bool align_corners;
  c10::optional<double> scale;  // F.interpolate's scale_factor; none: sizes only
};

int run(int argc, char** argv) {
  int repeats = 21, threads = 2;
  BenchOptions options("bilinear_resize_bench: the depth decoders' bilinear resizes vs at::upsample_bilinear2d");
  options.value("repeats", repeats, "timings per resize; the median is reported")
      .threads(threads);
  options.parse(argc, argv);
  threads = set_thread_count(threads);
  if (!cpu_has_avx2_fma()) throw Error("this CPU lacks AVX2/FMA: bilinear_resize would only call ATen");
  const std::vector<Shape> shapes = {
      {"MiDaS v2 head x2", 128, 192, 192, 384, 384, false, 2.0},
      {"MiDaS v2 fusion 1/4 x2", 256, 96, 96, 192, 192, true, 2.0},
      {"MiDaS v2 fusion 1/8 x2", 256, 48, 48, 96, 96, true, 2.0},
      {"DPT-Large fusion 1/16", 256, 24, 24, 48, 48, true, c10::nullopt},
      {"Depth Anything S fusion 1/4", 64, 74, 74, 148, 148, true, c10::nullopt},
      {"Depth Anything S head", 32, 296, 296, 518, 518, true, c10::nullopt},
  };
  std::printf("bilinear_resize_bench: %d threads, wall ms (median of %d alternating calls), load %s\n%s\n", threads,
              repeats, load_average().c_str(), testing::cpu_features().c_str());
  std::printf("%-28s %-22s %6s  %8s %8s  %7s %7s  %6s  %s\n", "resize", "map", "align", "ATen ms", "ours ms",
              "ATen", "ours", "ratio", "bit-equal");
  at::manual_seed(0);
  for (const Shape& s : shapes) {
    const at::Tensor input = at::randn({1, s.channels, s.height, s.width});
    const auto aten = [&] {
      return at::upsample_bilinear2d(input, {s.out_height, s.out_width}, s.align_corners, s.scale, s.scale);
    };
    const auto ours = [&] {
      return bilinear_resize(input, s.out_height, s.out_width, s.align_corners, s.scale, s.scale);
    };
    const bool equal = at::equal(aten().view(at::kInt), ours().view(at::kInt));  // also the warm-up
    std::vector<double> aten_times, our_times;
    for (int repeat = 0; repeat < repeats; ++repeat) {
      double start = wall_seconds();
      aten();
      aten_times.push_back(wall_seconds() - start);
      start = wall_seconds();
      ours();
      our_times.push_back(wall_seconds() - start);
    }
    const double bytes = 4.0 * static_cast<double>(s.channels) *
                         static_cast<double>(s.height * s.width + s.out_height * s.out_width);
    const double aten_time = median(aten_times), our_time = median(our_times);
    const std::string map = std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
                            std::to_string(s.width) + "->" + std::to_string(s.out_height) + "x" +
                            std::to_string(s.out_width);
    std::printf("%-28s %-22s %6s  %8.3f %8.3f  %5.1f GB/s %5.1f GB/s  %5.2fx  %s\n", s.where, map.c_str(),
                s.align_corners ? "true" : "false", aten_time * 1e3, our_time * 1e3, bytes / aten_time / 1e9,
                bytes / our_time / 1e9, aten_time / our_time, equal ? "yes" : "NO");
  }
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
