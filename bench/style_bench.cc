// Speed and memory of the vgg backbone against the PyTorch eager baseline a user would otherwise run (the public
// AdaIN port's stylization, bench/pytorch_stylize_baseline.py, with malloc tuned the same way and the same threads).
// Both load the same seeded random weights in the published layout and stylize the same pixels.
//
//   build/bench/style_bench [--side 512] [--repeats 3] [--rounds 2] [--threads 0] [--large 3000x2000]
//
// Prints (a) one stylization (content and style side x side) depthstyle fp32 vs PyTorch eager fp32: wall-clock
// median and minimum, process CPU time, their ratios, and the largest output difference; the same for depthstyle
// with its direct convs (DEPTHSTYLE_WINOGRAD=0, nets/winograd_conv.h) to show what Winograd buys; (c) GFLOP/s on
// the conv stack (every conv's FLOPs counted, as direct convs) and peak RSS (VmHWM of a child process doing one
// stylization) at side x side and at --large (0 = skip); (d) bf16 vs PyTorch eager fp32 with PSNR against
// depthstyle fp32 (without native bf16 kernels, bf16 runs as float32 arithmetic: see nets/layer_stack.h). Timings
// alternate between the programs for --rounds rounds, so a machine busy with other work slows all alike; CPU time
// is the steadier figure there. (b), the grid of betas with feature reuse, belongs to style_grid_bench.
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/process.h"
#include "core/text.h"
#include "tensor/runtime.h"
#include "io/npy.h"
#include "tensor/tensor_image.h"
#include "style_workload.h"

namespace {

using depthstyle::concat;
using depthstyle::cpu_seconds;
using depthstyle::median;
using depthstyle::minimum;
using depthstyle::stylize;
using depthstyle::Timing;
using depthstyle::wall_seconds;
namespace fs = std::filesystem;

using ImageSize = depthstyle::WidthHeight;

std::string size_text(const ImageSize& size) { return depthstyle::width_x_height_text(size); }

struct Options {
  int side = 512;
  int repeats = 3;
  int rounds = 2;
  int threads = 0;
  ImageSize large{3000, 2000};
  fs::path weights_dir;  // default: vgg_weights beside this binary
  // Child mode: one stylization of `content` (style side x side) in `precision`; prints seconds and peak RSS.
  bool child_rss = false;
  ImageSize content;
  std::string precision = "fp32";
};

Options parse(int argc, char** argv) {
  Options options;
  std::string weights_dir = depthstyle::beside_binary(argv[0], "vgg_weights").string();
  depthstyle::BenchOptions command_line(
      "style_bench: one AdaIN stylization (vgg backbone) vs PyTorch eager, direct convs and bf16; GFLOP/s, peak RSS");
  command_line.value("side", options.side, "content and style side, pixels")
      .value("repeats", options.repeats, "stylizations timed per program and round")
      .value("rounds", options.rounds, "alternating rounds of the programs")
      .threads(options.threads)
      .size("large", options.large, "a large content, WIDTHxHEIGHT, whose peak RSS is measured too (0: none)")
      .value("weights-dir", weights_dir, "the seeded random weight files (written on first use)")
      .flag("child-rss", options.child_rss, "internal: one stylization of --content in this process; prints its RSS")
      .size("content", options.content, "internal, with --child-rss: the content's size, WIDTHxHEIGHT")
      .value("precision", options.precision, "internal, with --child-rss: fp32 or bf16");
  command_line.parse(argc, argv);
  options.weights_dir = fs::absolute(weights_dir);
  if (options.side < 16 || options.repeats < 1 || options.rounds < 1) {
    throw depthstyle::UsageError("need --side >= 16, --repeats >= 1, --rounds >= 1");
  }
  return options;
}

// VmHWM, this process's own peak: ru_maxrss would start at the parent's peak in a posix_spawn'ed child (Linux
// carries the maximum across execve).
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  throw depthstyle::Error("no VmHWM in /proc/self/status");
}

std::unique_ptr<depthstyle::Backbone> make_backbone(const Options& options, depthstyle::Precision precision) {
  return depthstyle::make_vgg_bench_backbone(options.weights_dir, precision);
}

Timing time_stylize(depthstyle::Backbone& backbone, const at::Tensor& content, const at::Tensor& style, int repeats,
                    at::Tensor* output) {
  Timing timing;
  for (int i = 0; i < repeats; ++i) {
    const double wall_start = wall_seconds(), cpu_start = cpu_seconds();
    *output = stylize(backbone, content, style);
    timing.cpu.push_back(cpu_seconds() - cpu_start);
    timing.wall.push_back(wall_seconds() - wall_start);
  }
  return timing;
}

// A 1x3xHxW image the baseline wrote as a (3H, W) float32 .npy.
at::Tensor read_image_npy(const fs::path& path) {
  const at::Tensor flat = depthstyle::tensor_from_image(depthstyle::parse_npy(depthstyle::read_file(path), path));
  return flat.reshape({1, 3, flat.size(2) / 3, flat.size(3)});
}

struct BaselineRun {
  Timing timing;
  long peak_rss_kib = 0;
};

// Runs the PyTorch baseline (`repeats` timed runs after a warm-up); it writes content.npy, style.npy and output.npy
// into `work_dir`.
BaselineRun run_baseline(const Options& options, const fs::path& work_dir, const ImageSize& content, int style_side,
                         int repeats, int threads) {
  const depthstyle::ProcessResult result = depthstyle::run_process(
      {"env", "GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184", "/usr/bin/python3",
       std::string(DEPTHSTYLE_SOURCE_DIR) + "/bench/pytorch_stylize_baseline.py", "--weights-dir",
       options.weights_dir.string(), "--work-dir", work_dir.string(), "--content", size_text(content), "--style",
       concat(style_side, "x", style_side), "--repeats", std::to_string(repeats), "--threads",
       std::to_string(threads)});
  const std::size_t json_start = result.output.rfind('{');
  if (result.exit_code != 0 || json_start == std::string::npos) {
    throw depthstyle::Error("PyTorch baseline failed:\n" + result.output);
  }
  const nlohmann::json report = nlohmann::json::parse(result.output.substr(json_start));
  return {{report["seconds"].get<std::vector<double>>(), report["cpu_seconds"].get<std::vector<double>>()},
          report["max_rss_kib"].get<long>()};
}

double psnr(const at::Tensor& actual, const at::Tensor& reference) {
  return 10 * std::log10(1.0 / (actual - reference).pow(2).mean().item<double>());
}

int child_rss(const Options& options) {
  at::manual_seed(0);
  const at::Tensor content = at::rand({1, 3, options.content.height, options.content.width});
  const at::Tensor style = at::rand({1, 3, options.side, options.side});
  const std::unique_ptr<depthstyle::Backbone> backbone =
      make_backbone(options, depthstyle::precision_from_string(options.precision));
  const long loaded_kib = peak_rss_kib();
  at::Tensor output;
  const Timing timing = time_stylize(*backbone, content, style, 1, &output);
  std::printf("%.3f %.3f %ld %ld\n", timing.wall[0], timing.cpu[0], loaded_kib, peak_rss_kib());
  return 0;
}

void print_memory(const char* self, const Options& options, const ImageSize& content, const std::string& precision) {
  const depthstyle::ProcessResult result = depthstyle::run_process(
      {self, "--child-rss", "--content", size_text(content), "--side", std::to_string(options.side), "--precision",
       precision, "--threads", std::to_string(options.threads), "--weights-dir", options.weights_dir.string()});
  double wall = 0, cpu = 0;
  long loaded_kib = 0, peak_kib = 0;
  const std::size_t last_line = result.output.rfind('\n', result.output.size() - 2);
  if (result.exit_code != 0 ||
      std::sscanf(result.output.c_str() + (last_line == std::string::npos ? 0 : last_line + 1), "%lf %lf %ld %ld",
                  &wall, &cpu, &loaded_kib, &peak_kib) != 4) {
    throw depthstyle::Error("memory measurement failed:\n" + result.output);
  }
  std::printf("  %s content %s, style %dx%d: peak RSS %.0f MiB (%.0f MiB before stylizing), %.2f s, %.1f GFLOP/s\n",
              precision.c_str(), size_text(content).c_str(), options.side, options.side, peak_kib / 1024.0,
              loaded_kib / 1024.0, wall,
              depthstyle::stylization_flops(content.height, content.width, options.side) / wall / 1e9);
}


int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results appear as they are measured, also when redirected
  const Options options = parse(argc, argv);
  const int threads = depthstyle::set_thread_count(options.threads);
  if (options.child_rss) return child_rss(options);

  depthstyle::write_vgg_bench_weights(options.weights_dir);
  const fs::path work_dir = options.weights_dir.parent_path() / "style_bench_work";
  const int side = options.side;
  const bool bf16_native = depthstyle::bf16_is_native();
  std::printf("style_bench: %d threads; bf16 kernels %s; seeded random weights in %s\n", threads,
              bf16_native ? "native (AVX-512)" : "NOT native (no AVX-512: bf16 values in float32 arithmetic)",
              options.weights_dir.c_str());

  // (a) one stylization, fp32, and (d) bf16 at the same size, alternating between the programs.
  const std::unique_ptr<depthstyle::Backbone> fp32 = make_backbone(options, depthstyle::Precision::kFloat32);
  setenv("DEPTHSTYLE_WINOGRAD", "0", 1);  // read when the networks are built
  const std::unique_ptr<depthstyle::Backbone> direct = make_backbone(options, depthstyle::Precision::kFloat32);
  unsetenv("DEPTHSTYLE_WINOGRAD");
  const std::unique_ptr<depthstyle::Backbone> bf16 = make_backbone(options, depthstyle::Precision::kBFloat16);
  Timing baseline, ours, ours_direct, ours_bf16;
  at::Tensor output, direct_output, bf16_output, content, style;
  for (int round = 0; round < options.rounds; ++round) {
    baseline.append(run_baseline(options, work_dir, {side, side}, side, options.repeats, threads).timing);
    if (round == 0) {
      content = read_image_npy(work_dir / "content.npy");
      style = read_image_npy(work_dir / "style.npy");
      for (depthstyle::Backbone* backbone : {fp32.get(), direct.get(), bf16.get()}) {
        stylize(*backbone, content, style);  // warm-up, as the baseline has
      }
    }
    ours.append(time_stylize(*fp32, content, style, options.repeats, &output));
    ours_direct.append(time_stylize(*direct, content, style, options.repeats, &direct_output));
    ours_bf16.append(time_stylize(*bf16, content, style, options.repeats, &bf16_output));
  }
  const at::Tensor pytorch_output = read_image_npy(work_dir / "output.npy").clamp(0, 1);
  const auto largest_difference = [&](const at::Tensor& image) {
    return (image - pytorch_output).abs().max().item<double>();
  };
  std::printf("\n(a) one stylization, content and style %dx%d, fp32, %zu runs each after a warm-up\n", side, side,
              ours.wall.size());
  std::printf("                        wall median   wall min   CPU median   speed-up: wall median, min, CPU\n");
  const auto print_row = [&](const char* name, const Timing& timing) {
    std::printf("  %-22s %7.3f s  %7.3f s    %7.3f s     %5.2fx  %5.2fx  %5.2fx\n", name, median(timing.wall),
                minimum(timing.wall), median(timing.cpu), median(baseline.wall) / median(timing.wall),
                minimum(baseline.wall) / minimum(timing.wall), median(baseline.cpu) / median(timing.cpu));
  };
  print_row("PyTorch eager", baseline);
  print_row("depthstyle (Winograd)", ours);
  print_row("depthstyle direct convs", ours_direct);
  std::printf("  goal >= 1.2x; Winograd vs direct convs: %.2fx wall median, %.2fx CPU median\n",
              median(ours_direct.wall) / median(ours.wall), median(ours_direct.cpu) / median(ours.cpu));
  std::printf("  largest |depthstyle - PyTorch| over the clamped output: %.3g with Winograd, %.3g direct "
              "(goal <= 1e-4)\n", largest_difference(output), largest_difference(direct_output));

  // (c) conv throughput and memory.
  const double flops = depthstyle::stylization_flops(side, side, side);
  std::printf("\n(c) conv stack: %.1f GFLOP per stylization (every conv of both encoder passes and the decoder)\n",
              flops / 1e9);
  std::printf("  depthstyle fp32 %.1f GFLOP/s, PyTorch eager %.1f GFLOP/s (wall minimum; the whole stylization)\n",
              flops / minimum(ours.wall) / 1e9, flops / minimum(baseline.wall) / 1e9);
  std::vector<std::pair<ImageSize, std::string>> memory_runs = {{{side, side}, "fp32"}};
  if (options.large.height > 0) memory_runs.push_back({options.large, "fp32"});
  memory_runs.push_back({{side, side}, "bf16"});
  if (options.large.height > 0) memory_runs.push_back({options.large, "bf16"});
  for (const auto& [content_size, precision] : memory_runs) print_memory(argv[0], options, content_size, precision);
  if (options.large.height > 0) {
    const BaselineRun large = run_baseline(options, work_dir / "large", options.large, side, 0, threads);
    std::printf("  PyTorch eager fp32 content %s, style %dx%d: peak RSS %.0f MiB\n", size_text(options.large).c_str(),
                side, side, large.peak_rss_kib / 1024.0);
  }

  // (d) bf16 against PyTorch eager fp32, from the rounds of (a).
  std::printf("\n(d) bf16, content and style %dx%d, %s\n", side, side,
              bf16_native ? "oneDNN's bf16 kernels" : "bf16 values in float32 arithmetic (no bf16 kernels here)");
  print_row("depthstyle bf16", ours_bf16);
  std::printf("  goal >= 2x; PSNR vs depthstyle fp32 %.1f dB (goal >= 40 dB); largest |bf16 - PyTorch fp32| %.3g\n",
              psnr(bf16_output, output), largest_difference(bf16_output));
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, run); }
