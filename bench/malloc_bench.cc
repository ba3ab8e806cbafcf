// Measures what tune_malloc_for_large_tensors() buys: VGG-19 up to relu4_1 (the AdaIN encoder's shape, random
// weights) on a 512x512 input, timed in two child processes of this same run, one with glibc's default allocator
// settings and one tuned as depthstyle tunes itself at start-up. Prints both medians and their ratio.
//
//   build/bench/malloc_bench [--side 512] [--repeats 5] [--threads 0]
#include <ATen/ATen.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "core/error.h"
#include "core/process.h"
#include "tensor/runtime.h"
#include "core/text.h"

namespace {

struct Options {
  int side = 512;
  int repeats = 5;
  int threads = 0;
  std::string child_mode;  // "", "default" or "tuned"
};

Options parse(int argc, char** argv) {
  Options options;
  depthstyle::BenchOptions command_line(
      "malloc_bench: VGG-19 to relu4_1 with glibc's default malloc vs depthstyle's tuning");
  command_line.value("side", options.side, "input side, pixels")
      .value("repeats", options.repeats, "timed runs in each child process; the median is reported")
      .threads(options.threads)
      .value("child", options.child_mode, "internal: time in this process with malloc 'default' or 'tuned'");
  command_line.parse(argc, argv);
  if (options.side < 16 || options.repeats < 1) throw depthstyle::UsageError("need --side >= 16 and --repeats >= 1");
  if (!options.child_mode.empty() && options.child_mode != "default" && options.child_mode != "tuned") {
    throw depthstyle::UsageError("--child takes default or tuned, not '" + options.child_mode + "'");
  }
  return options;
}

// VGG-19 conv layers up to relu4_1 (input channels, output channels), with a max-pool after the marked ones.
struct Layer {
  int in, out;
  bool pool_after;
};
const std::vector<Layer> kVggToRelu41 = {{3, 64, false},    {64, 64, true},    {64, 128, false}, {128, 128, true},
                                         {128, 256, false}, {256, 256, false}, {256, 256, false}, {256, 256, true},
                                         {256, 512, false}};

double median_seconds(const Options& options) {
  at::manual_seed(0);
  std::vector<std::pair<at::Tensor, at::Tensor>> weights;
  for (const Layer& layer : kVggToRelu41) {
    weights.emplace_back(at::randn({layer.out, layer.in, 3, 3}) * 0.05, at::zeros({layer.out}));
  }
  const at::Tensor input = at::rand({1, 3, options.side, options.side});
  const auto forward = [&] {
    at::NoGradGuard no_grad;
    at::Tensor x = input;
    for (std::size_t i = 0; i < kVggToRelu41.size(); ++i) {
      x = at::relu(at::conv2d(at::reflection_pad2d(x, {1, 1, 1, 1}), weights[i].first, weights[i].second));
      if (kVggToRelu41[i].pool_after) x = at::max_pool2d(x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
    }
    return x;
  };
  forward();  // warm-up: oneDNN primitive creation
  std::vector<double> seconds;
  for (int i = 0; i < options.repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    forward();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

double run_child(const char* self, const Options& options, const std::string& mode) {
  const depthstyle::ProcessResult result = depthstyle::run_process(
      {self, "--child", mode, "--side", std::to_string(options.side), "--repeats", std::to_string(options.repeats),
       "--threads", std::to_string(options.threads)});
  if (result.exit_code != 0) {
    std::fprintf(stderr, "child (%s) failed:\n%s\n", mode.c_str(), result.output.c_str());
    std::exit(1);
  }
  return std::atof(result.output.c_str());
}

// Not bench_main: the child timing glibc's default malloc must not tune it.
int run(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (!options.child_mode.empty()) {
    if (options.child_mode == "tuned") depthstyle::tune_malloc_for_large_tensors();
    depthstyle::set_thread_count(options.threads);
    std::printf("%.6f\n", median_seconds(options));
    return 0;
  }
  std::printf("VGG-19 to relu4_1, %dx%d input, %d threads, median of %d runs after one warm-up\n", options.side,
              options.side, depthstyle::set_thread_count(options.threads), options.repeats);
  const double default_seconds = run_child(argv[0], options, "default");
  const double tuned_seconds = run_child(argv[0], options, "tuned");
  std::printf("  glibc default malloc : %.3f s\n", default_seconds);
  std::printf("  tuned (depthstyle)   : %.3f s\n", tuned_seconds);
  std::printf("  speed-up             : %.2fx\n", default_seconds / tuned_seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::run_benchmark(argc, argv, run); }
