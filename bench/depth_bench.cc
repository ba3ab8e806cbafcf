// Speed of the native depth networks against the PyTorch eager baseline a user would otherwise run (the reference
// modules of tests/fixtures/depth/make_native_fixtures.py with the same weight files, pixels and threads, malloc tuned
// alike: bench/pytorch_depth_baseline.py), and the throughput of a Table 1 run with all ten models.
//
//   build/bench/depth_bench [--repeats 3] [--rounds 2] [--threads 0] [--table1-images 8] [--weights-dir DIR]
//                           [--only monodepth2|midas_v1|midas_v2|midas_small|dpt_large|dpt_hybrid|
//                                   dpt_beit_large|depth_anything_vits|depth_anything_vitb|depth_anything_vitl]
//                           (part (a) for one network only) [--against-style ROUNDS]
//
// (a) Per architecture at its native input size: monodepth2 at both feed sizes (640x192, 1024x320), MiDaS v1 and
//     v2 / v2.1 large at 384x384 (their presets' largest feed: the longer side or the box is 384), MiDaS v2.1 small
//     at 256x256 (its preset's box) and 384x384 (the size a user might raise it to), DPT-Large and DPT-Hybrid at
//     384x384 (their preset's size; 250 GFLOP for the hybrid), Depth Anything V2 Small, Base and Large at 518x518 (its
//     preset's smallest feed; ViT-S at 518 is ~95 GFLOP, so PyTorch eager, whose nn.Linear runs on Debian's reference
//     BLAS, takes tens of seconds: use --repeats 1 --rounds 1 there; the DPTs alike). Wall-clock median and minimum
//     and process CPU time of one forward pass, their ratios (goal >= 1.5x), GFLOP/s, and the largest difference
//     from PyTorch's output relative to its largest value; for the conv networks a second line times the same network
//     built with direct convs (DEPTHSTYLE_WINOGRAD=0, nets/folded_conv.h) in the same rounds. Timings alternate
//     between the programs for --rounds rounds, so other work on the machine slows all alike; CPU time is the steadier
//     figure there.
// (b) `depthstyle run configs/table1.yaml` with every model native, over a synthetic DIW-format set of
//     --table1-images 512x384 images (`depthstyle data make-diw-synthetic`): wall time and images per second, each
//     image going through all ten models (plus the three weight-free baselines); then each model's seconds per image
//     in this process (its estimator on the same images: preprocessing, network, output), which add up to the run,
//     and the same with direct convs.
// (c) With --against-style ROUNDS (instead of (a) and (b)): each selected network's GFLOP/s against the style engine's,
//     in this process, alternating one stylization (style_bench's: AdaIN with the vgg backbone, content and style
//     512x512, fp32; bench/style_workload.h) and one forward pass for ROUNDS rounds after a warm-up of each. Both
//     rates count FLOPs as their benchmarks do (the style engine's as direct convs, though Winograd does a quarter of
//     the multiplies), so the ratio is issue 17's ">= 50% of style_bench's GFLOP/s"; measured side by side it does
//     not carry the 10-20% drift of two benchmarks run minutes apart. Prints both rates (from the fastest and the median
//     pass), the ratio of the fastest passes, and the median, lowest and highest of the rounds' ratios; and, as the
//     ceiling against which a network's rate can be read on any machine, each median rate over this CPU's FMA rate in
//     registers (bench/fma_rate.h, at the vector width oneDNN runs).
// The weight files (seeded random values in the published layouts, ~2 GB) are written by make_native_fixtures.py
// into --weights-dir (default: depth_weights beside this binary), or reused when already there (e.g. the tests'
// build/tests/generated_fixtures/depth_native); MiDaS v2.1 small's by make_midas_small_fixtures.py into its
// midas_small subfolder, DPT-Large's by make_dpt_fixtures.py into its dpt subfolder, DPT-Hybrid's by
// make_dpt_hybrid_fixtures.py into its dpt_hybrid subfolder (~490 MB), DPT-BEiT-L 512's by make_dpt_beit_fixtures.py
// into its dpt_beit subfolder (~1.6 GB; DPT-BEiT-L 512 runs at 512x512, its preset's box), Depth Anything V2's by
// make_depth_anything_fixtures.py --weights into its depth_anything subfolder. Inputs, outputs and the Table 1 run
// go to depth_bench_work beside this binary.
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_main.h"
#include "bench_options.h"
#include "bench_timing.h"
#include "fma_rate.h"
#include "style_workload.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/process.h"
#include "core/text.h"
#include "tensor/runtime.h"
#include "depth/depth_estimator.h"
#include "depth/monodepth2_estimator.h"
#include "tensor/checkpoint.h"
#include "io/image.h"
#include "io/npy.h"
#include "tensor/tensor_image.h"
#include "nets/depth_anything.h"
#include "nets/dpt.h"
#include "nets/midas.h"
#include "nets/midas_small.h"
#include "nets/monodepth2.h"
#include "nets/onednn_runtime.h"

namespace {

using depthstyle::concat;
using depthstyle::cpu_seconds;
using depthstyle::median;
using depthstyle::minimum;
using depthstyle::Timing;
using depthstyle::wall_seconds;
namespace fs = std::filesystem;

struct Options {
  int repeats = 3;
  int rounds = 2;
  int threads = 0;
  int table1_images = 8;
  fs::path weights_dir;
  std::string only;  // empty: every architecture
  fs::path work_dir;  // the baseline's inputs and outputs, the synthetic set and the Table 1 run
  int against_style = 0;     // rounds of part (c); 0: parts (a) and (b)
  fs::path vgg_weights_dir;  // the style engine's weights for (c): style_bench's folder
};

Options parse(int argc, char** argv) {
  Options options;
  options.weights_dir = depthstyle::beside_binary(argv[0], "depth_weights");
  options.work_dir = depthstyle::beside_binary(argv[0], "depth_bench_work");
  options.vgg_weights_dir = depthstyle::beside_binary(argv[0], "vgg_weights");
  const std::vector<std::string> models = {"monodepth2", "midas_v1",       "midas_v2",           "midas_small",
                                           "dpt_large",  "dpt_hybrid",     "dpt_beit_large",     "depth_anything_vits",
                                           "depth_anything_vitb", "depth_anything_vitl"};
  std::string weights_dir = options.weights_dir.string();
  depthstyle::BenchOptions command_line(
      "depth_bench: each native depth network's forward pass vs PyTorch eager (a), a Table 1 run (b), or with\n"
      "--against-style the networks' GFLOP/s against the style engine's (c); bench/README.md#depth_bench");
  command_line.value("repeats", options.repeats, "(a) passes timed per network and round")
      .value("rounds", options.rounds, "(a) alternating rounds of PyTorch and native passes")
      .threads(options.threads)
      .value("table1-images", options.table1_images, "(b) synthetic 512x384 images of the Table 1 run (0: no run)")
      .value("weights-dir", weights_dir, "the seeded random weight files (written on first use)")
      .value("only", options.only, "one network only, in (a) or (c): " + depthstyle::join(models, ", "))
      .value("against-style", options.against_style, "(c) rounds against the style engine instead of (a) and (b)");
  command_line.parse(argc, argv);
  options.weights_dir = fs::absolute(weights_dir);
  if (options.repeats < 1 || options.rounds < 1 || options.table1_images < 0 || options.against_style < 0) {
    throw depthstyle::UsageError("need --repeats >= 1, --rounds >= 1, --table1-images >= 0, --against-style >= 0");
  }
  if (!options.only.empty() && std::find(models.begin(), models.end(), options.only) == models.end()) {
    throw depthstyle::UsageError("--only takes one of " + depthstyle::join(models, ", ") + ", not '" + options.only +
                                 "'");
  }
  return options;
}


at::Tensor read_npy(const fs::path& path) {
  return depthstyle::tensor_from_image(depthstyle::parse_npy(depthstyle::read_file(path), path.string()));
}

struct Architecture {
  std::string label;
  std::string baseline_model;  // bench/pytorch_depth_baseline.py --model
  std::int64_t height, width;
  std::function<at::Tensor(const at::Tensor&)> forward;
  double flops;
  // The same network built with DEPTHSTYLE_WINOGRAD=0 (oneDNN's direct kernels for every conv, as before Winograd
  // reached the depth networks); empty for networks without Winograd-eligible convs worth timing twice, and in part
  // (c), which does not time it.
  std::function<at::Tensor(const at::Tensor&)> direct_forward;
};

// f() with DEPTHSTYLE_WINOGRAD=0, which FoldedConv reads when it is built: the networks' direct-conv path.
template <class F>
auto with_winograd_off(F f) {
  setenv("DEPTHSTYLE_WINOGRAD", "0", 1);
  auto result = f();
  unsetenv("DEPTHSTYLE_WINOGRAD");
  return result;
}

// make() once as configured and, when `direct_too`, once with direct convs (else a null second).
template <class Make>
auto with_direct_convs(Make make, bool direct_too) {
  auto fast = make();
  return std::pair{fast, direct_too ? with_winograd_off(make) : decltype(fast){}};
}

Timing baseline_timing(const Options& options, const Architecture& architecture, const fs::path& work_dir,
                       int threads) {
  const depthstyle::ProcessResult result = depthstyle::run_process(
      {"env", "GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184", "/usr/bin/python3",
       std::string(DEPTHSTYLE_SOURCE_DIR) + "/bench/pytorch_depth_baseline.py", "--weights-dir",
       options.weights_dir.string(), "--work-dir", work_dir.string(), "--model", architecture.baseline_model,
       "--size", concat(architecture.height, "x", architecture.width), "--repeats", std::to_string(options.repeats),
       "--threads", std::to_string(threads)});
  const std::size_t json_start = result.output.rfind('{');
  if (result.exit_code != 0 || json_start == std::string::npos) {
    throw depthstyle::Error("PyTorch baseline failed:\n" + result.output);
  }
  const nlohmann::json report = nlohmann::json::parse(result.output.substr(json_start));
  return {report["seconds"].get<std::vector<double>>(), report["cpu_seconds"].get<std::vector<double>>()};
}

Timing our_timing(const std::function<at::Tensor(const at::Tensor&)>& forward, const at::Tensor& input, int repeats,
                  at::Tensor* output) {
  Timing timing;
  for (int i = 0; i < repeats; ++i) {
    const double wall_start = wall_seconds(), cpu_start = cpu_seconds();
    *output = forward(input);
    timing.cpu.push_back(cpu_seconds() - cpu_start);
    timing.wall.push_back(wall_seconds() - wall_start);
  }
  return timing;
}

double relative_difference(const at::Tensor& output, const at::Tensor& expected) {
  return (output - expected).abs().max().item<double>() / expected.abs().max().item<double>();
}

void compare_architecture(const Options& options, const Architecture& architecture, int threads) {
  const fs::path work_dir =
      options.work_dir / concat(architecture.baseline_model, "_", architecture.width, "x", architecture.height);
  Timing baseline, ours, direct;
  at::Tensor input, output, direct_output;
  for (int round = 0; round < options.rounds; ++round) {
    baseline.append(baseline_timing(options, architecture, work_dir, threads));
    if (round == 0) {
      input = read_npy(work_dir / "input.npy").reshape({1, 3, architecture.height, architecture.width});
      architecture.forward(input);  // warm-up, as the baseline has
      if (architecture.direct_forward) architecture.direct_forward(input);
    }
    ours.append(our_timing(architecture.forward, input, options.repeats, &output));
    if (architecture.direct_forward) {
      direct.append(our_timing(architecture.direct_forward, input, options.repeats, &direct_output));
    }
  }
  const at::Tensor expected = read_npy(work_dir / "output.npy").reshape({1, 1, architecture.height, architecture.width});
  std::printf("  %-28s %5.3f / %5.3f s  %5.3f / %5.3f s  %5.2fx / %5.2fx   %5.2fx  %6.1f / %6.1f  %8.2g  %s\n",
              concat(architecture.label, " ", architecture.width, "x", architecture.height).c_str(),
              median(baseline.wall), minimum(baseline.wall), median(ours.wall), minimum(ours.wall),
              median(baseline.wall) / median(ours.wall), minimum(baseline.wall) / minimum(ours.wall),
              median(baseline.cpu) / median(ours.cpu), architecture.flops / minimum(baseline.wall) / 1e9,
              architecture.flops / minimum(ours.wall) / 1e9, relative_difference(output, expected),
              depthstyle::load_average().c_str());
  if (architecture.direct_forward) {
    std::printf("  %-28s %17s %5.3f / %5.3f s  %5.2fx / %5.2fx   %5.2fx  %6s / %6.1f  %8.2g  (Winograd %.2fx / %.2fx "
                "CPU faster than these)\n",
                "  direct convs", "", median(direct.wall), minimum(direct.wall),
                median(baseline.wall) / median(direct.wall), minimum(baseline.wall) / minimum(direct.wall),
                median(baseline.cpu) / median(direct.cpu), "", architecture.flops / minimum(direct.wall) / 1e9,
                relative_difference(direct_output, expected), median(direct.wall) / median(ours.wall),
                median(direct.cpu) / median(ours.cpu));
  }
}

// Seconds per image of one estimator over `images` (built once, one warm-up image).
double seconds_per_image(const depthstyle::DepthEstimatorConfig& config, const std::vector<fs::path>& images) {
  const std::unique_ptr<depthstyle::DepthEstimator> estimator = depthstyle::make_depth_estimator(config);
  std::vector<depthstyle::DepthQuery> queries;
  for (const fs::path& image : images) {
    depthstyle::DepthQuery& query = queries.emplace_back();
    query.image_path = image;
    query.rgb = depthstyle::load_image(image).rgb;
    query.size = query.rgb.size();
  }
  estimator->estimate(queries.front());
  const double start = wall_seconds();
  for (const depthstyle::DepthQuery& query : queries) estimator->estimate(query);
  return (wall_seconds() - start) / static_cast<double>(queries.size());
}

void table1_throughput(const Options& options, int threads) {
  const fs::path work = options.work_dir / "table1";
  fs::remove_all(work);
  const depthstyle::ProcessResult made = depthstyle::run_process(
      {DEPTHSTYLE_CLI_PATH, "data", "make-diw-synthetic", "--output", (work / "set").string(), "--count",
       std::to_string(options.table1_images), "--size", "512x384"});
  if (made.exit_code != 0) throw depthstyle::Error("making the synthetic set failed:\n" + made.output);
  const std::string load_before = depthstyle::load_average();
  const double start = wall_seconds();
  const depthstyle::ProcessResult run = depthstyle::run_process(
      {DEPTHSTYLE_CLI_PATH, "run", std::string(DEPTHSTYLE_SOURCE_DIR) + "/configs/table1.yaml", "--set",
       "diw.csv=" + (work / "set/synthetic.csv").string(), "--set",
       "diw.weights_dir=" + (options.weights_dir / "weights").string(), "--set",
       "output_dir=" + (work / "runs").string(), "--threads", std::to_string(threads), "--quiet"});
  const double seconds = wall_seconds() - start;
  if (run.exit_code != 0) throw depthstyle::Error("depthstyle run failed:\n" + run.output);
  std::printf("\n(b) Table 1 run (configs/table1.yaml: all ten models native, 3 baselines), %d synthetic 512x384 "
              "images\n  %.1f s in all, models loaded and hashed once: %.3f images/s (%.2f s per image, all models); "
              "load average %s before, %s after\n",
              options.table1_images, seconds, options.table1_images / seconds, seconds / options.table1_images,
              load_before.c_str(), depthstyle::load_average().c_str());

  std::vector<fs::path> images;
  for (const auto& entry : fs::recursive_directory_iterator(work / "set/images")) {
    if (entry.path().extension() == ".png") images.push_back(entry.path());
  }
  std::sort(images.begin(), images.end());
  std::vector<depthstyle::DepthEstimatorConfig> models(1);
  models[0].name = "midas_v1";
  models[0].type = "midas";
  models[0].version = "v1";
  models[0].path = (options.weights_dir / "weights/midas/model.pt").string();
  for (const std::string& variant : depthstyle::monodepth2_variant_names()) {
    depthstyle::DepthEstimatorConfig& config = models.emplace_back();
    config.name = "md2_" + variant;
    config.type = "monodepth2";
    config.variant = variant;
    config.path = (options.weights_dir / "weights/monodepth2").string();
  }
  double total = 0, direct_total = 0;
  std::printf("  seconds per image of each model's estimator (preprocessing, network, map at the model's size), and "
              "with direct convs (DEPTHSTYLE_WINOGRAD=0), one after the other:\n");
  for (depthstyle::DepthEstimatorConfig& config : models) {
    config.preprocessing.output_size = "model";
    const double seconds_each = seconds_per_image(config, images);
    const double direct_seconds = with_winograd_off([&] { return seconds_per_image(config, images); });
    total += seconds_each;
    direct_total += direct_seconds;
    std::printf("    %-30s %.3f s   direct %.3f s\n", config.name.c_str(), seconds_each, direct_seconds);
  }
  std::printf("    %-30s %.3f s (%.3f images/s, %.3f s per model)   direct %.3f s (%.3f s per model); load %s\n", "sum",
              total, 1 / total, total / static_cast<double>(models.size()), direct_total,
              direct_total / static_cast<double>(models.size()), depthstyle::load_average().c_str());
}

// Part (c): see the top of this file.
void against_style(const Options& options, int threads, const std::vector<Architecture>& architectures) {
  constexpr std::int64_t kStyleSide = 512;  // style_bench's default --side
  depthstyle::write_vgg_bench_weights(options.vgg_weights_dir);
  const std::unique_ptr<depthstyle::Backbone> backbone =
      depthstyle::make_vgg_bench_backbone(options.vgg_weights_dir, depthstyle::Precision::kFloat32);
  at::manual_seed(0);
  const at::Tensor content = at::rand({1, 3, kStyleSide, kStyleSide});
  const at::Tensor style = at::rand({1, 3, kStyleSide, kStyleSide});
  const double style_flops = depthstyle::stylization_flops(kStyleSide, kStyleSide, kStyleSide);
  const auto seconds = [](const auto& work) {
    const double start = wall_seconds();
    work();
    return wall_seconds() - start;
  };
  const bool avx512 = depthstyle::onednn::has_avx512_kernels();
  const double fma_rate = depthstyle::fma_rate_gflops(threads, avx512);
  std::printf("\n(c) GFLOP/s against the style engine's (AdaIN, vgg backbone, %ldx%ld, fp32: %.1f GFLOP), alternating "
              "one stylization and one pass for %d rounds after a warm-up; CPU flags: %s\n"
              "  this CPU's FMA rate in registers (bench/fma_rate.h), %s, %d threads: %.1f GFLOP/s (0: no FMA here)\n",
              static_cast<long>(kStyleSide), static_cast<long>(kStyleSide), style_flops / 1e9, options.against_style,
              depthstyle::cpu_flags().c_str(), avx512 ? "512-bit" : "256-bit", threads, fma_rate);
  std::printf("  %-32s %-19s %-19s %-14s %-27s %-20s %s\n", "network, input", "style min/median", "network min/median",
              "ratio of mins", "rounds' ratio med [lo, hi]", "medians / FMA rate", "load");
  for (const Architecture& architecture : architectures) {
    at::manual_seed(0);
    const at::Tensor input = at::rand({1, 3, architecture.height, architecture.width});
    depthstyle::stylize(*backbone, content, style);  // warm-ups
    architecture.forward(input);
    std::vector<double> style_rates, network_rates, ratios;
    for (int round = 0; round < options.against_style; ++round) {
      style_rates.push_back(style_flops / seconds([&] { depthstyle::stylize(*backbone, content, style); }) / 1e9);
      network_rates.push_back(architecture.flops / seconds([&] { architecture.forward(input); }) / 1e9);
      ratios.push_back(network_rates.back() / style_rates.back());
    }
    const auto fastest = [](const std::vector<double>& rates) { return *std::max_element(rates.begin(), rates.end()); };
    std::printf("  %-32s %6.1f / %6.1f     %6.1f / %6.1f     %5.1f%%         %5.1f%% [%5.1f%%, %5.1f%%]        "
                "%4.0f%% / %4.0f%%        %s\n",
                concat(architecture.label, " ", architecture.width, "x", architecture.height).c_str(),
                fastest(style_rates), median(style_rates), fastest(network_rates), median(network_rates),
                100 * fastest(network_rates) / fastest(style_rates), 100 * median(ratios), 100 * minimum(ratios),
                100 * fastest(ratios), fma_rate > 0 ? 100 * median(style_rates) / fma_rate : 0.0,
                fma_rate > 0 ? 100 * median(network_rates) / fma_rate : 0.0, depthstyle::load_average().c_str());
  }
  std::printf("  (goal for the ViTs: >= 50%%; GFLOP/s from the pass times, FLOPs counted as each benchmark counts "
              "them; \"medians / FMA rate\": style engine / network, their median rates over the CPU's FMA rate, which "
              "the style engine passes by counting its Winograd convs as direct ones, and a network with no such "
              "shortcut cannot)\n");
}

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const Options options = parse(argc, argv);
  const int threads = depthstyle::set_thread_count(options.threads);
  for (const auto& [script, out_dir] : {std::pair{"make_native_fixtures.py", options.weights_dir},
                                        std::pair{"make_midas_small_fixtures.py", options.weights_dir / "midas_small"},
                                        std::pair{"make_dpt_fixtures.py", options.weights_dir / "dpt"},
                                        std::pair{"make_dpt_hybrid_fixtures.py", options.weights_dir / "dpt_hybrid"},
                                        std::pair{"make_dpt_beit_fixtures.py", options.weights_dir / "dpt_beit"}}) {
    const depthstyle::ProcessResult fixtures = depthstyle::run_process(
        {"/usr/bin/python3", concat(DEPTHSTYLE_SOURCE_DIR, "/tests/fixtures/depth/", script), out_dir.string()});
    if (fixtures.exit_code != 0) throw depthstyle::Error("writing the random weight files failed:\n" + fixtures.output);
  }
  for (const char* variant : {"vits", "vitb", "vitl"}) {
    // Written only when selected: vitl's file is 1.3 GB.
    if (!options.only.empty() && options.only != concat("depth_anything_", variant)) continue;
    const fs::path file = options.weights_dir / concat("depth_anything/depth_anything_v2_", variant, ".pth");
    if (fs::exists(file)) continue;
    const depthstyle::ProcessResult written = depthstyle::run_process(
        {"/usr/bin/python3", concat(DEPTHSTYLE_SOURCE_DIR, "/tests/fixtures/depth/make_depth_anything_fixtures.py"),
         "--weights", variant, file.string()});
    if (written.exit_code != 0) throw depthstyle::Error("writing the random weight files failed:\n" + written.output);
  }
  const fs::path weights = options.weights_dir / "weights";
  std::printf("depth_bench: %d threads; seeded random weights in %s; load average %s\n", threads, weights.c_str(),
              depthstyle::load_average().c_str());

  // A null network (no direct-conv twin) gives an empty function.
  const auto forward_of = [](const auto& network) {
    if (!network) return std::function<at::Tensor(const at::Tensor&)>();
    return std::function<at::Tensor(const at::Tensor&)>([network](const at::Tensor& x) { return network->forward(x); });
  };
  const bool direct_twins = options.against_style == 0;  // only parts (a) and (b) time them
  // Each model's networks are read and built only when --only selects it (DPT-Large's file alone is 1.3 GB).
  const auto wanted = [&](const std::string& model) { return options.only.empty() || options.only == model; };
  std::vector<Architecture> architectures;
  if (wanted("monodepth2")) {
    const fs::path md2 = weights / "monodepth2" / "mono_640x192";
    const depthstyle::NamedTensors encoder = depthstyle::read_checkpoint(md2 / "encoder.pth").tensors;
    const depthstyle::NamedTensors decoder = depthstyle::read_checkpoint(md2 / "depth.pth").tensors;
    const auto [network, direct] = with_direct_convs([&] {
      return std::make_shared<const depthstyle::Monodepth2Network>(encoder, "encoder.pth", decoder, "depth.pth");
    }, direct_twins);
    for (const auto& [height, width] : {std::pair<std::int64_t, std::int64_t>{192, 640}, {320, 1024}}) {
      architectures.push_back({"monodepth2", "monodepth2", height, width, forward_of(network),
                               network->flops(height, width), forward_of(direct)});
    }
  }
  // make(tensors, file name) -> shared_ptr to a network with forward() and flops(); built twice (see Architecture).
  const auto add_network = [&](const std::string& label, const std::string& model, const fs::path& file,
                               const std::vector<std::int64_t>& sides, auto make) {
    if (!wanted(model)) return;
    const depthstyle::NamedTensors tensors = depthstyle::read_checkpoint(file).tensors;
    const auto [network, direct] =
        with_direct_convs([&] { return make(tensors, file.filename().string()); }, direct_twins);
    for (const std::int64_t side : sides) {
      architectures.push_back(
          {label, model, side, side, forward_of(network), network->flops(side, side), forward_of(direct)});
    }
  };
  const auto midas = [](depthstyle::MidasVersion version) {
    return [version](const depthstyle::NamedTensors& tensors, const std::string& file) {
      return std::make_shared<const depthstyle::MidasNetwork>(version, tensors, file);
    };
  };
  const auto dpt = [](depthstyle::DptVariant variant) {
    return [variant](const depthstyle::NamedTensors& tensors, const std::string& file) {
      return std::make_shared<const depthstyle::DptNetwork>(variant, tensors, file);
    };
  };
  add_network("MiDaS v1", "midas_v1", weights / "midas/model.pt", {384}, midas(depthstyle::MidasVersion::kV1));
  add_network("MiDaS v2/v2.1 large", "midas_v2", weights / "midas/midas_v21-f6b98070.pt", {384},
              midas(depthstyle::MidasVersion::kV2));
  add_network("MiDaS v2.1 small", "midas_small", options.weights_dir / "midas_small/weights/midas/midas_v21_small_256.pt",
              {256, 384}, [](const depthstyle::NamedTensors& tensors, const std::string& file) {
                return std::make_shared<const depthstyle::MidasSmallNetwork>(tensors, file);
              });
  add_network("DPT-Large", "dpt_large", options.weights_dir / "dpt/weights/midas/dpt_large_384.pt", {384},
              dpt(depthstyle::DptVariant::kLarge));
  add_network("DPT-Hybrid", "dpt_hybrid", options.weights_dir / "dpt_hybrid/weights/midas/dpt_hybrid_384.pt", {384},
              dpt(depthstyle::DptVariant::kHybrid));
  add_network("DPT-BEiT-L 512", "dpt_beit_large", options.weights_dir / "dpt_beit/weights/midas/dpt_beit_large_512.pt",
              {512}, dpt(depthstyle::DptVariant::kBeitLarge512));
  for (const auto variant : {depthstyle::DepthAnythingVariant::kSmall, depthstyle::DepthAnythingVariant::kBase,
                             depthstyle::DepthAnythingVariant::kLarge}) {
    const std::string name = depthstyle::to_string(variant);
    if (!wanted("depth_anything_" + name)) continue;
    const std::string file = concat("depth_anything_v2_", name, ".pth");
    const auto network = std::make_shared<const depthstyle::DepthAnythingNetwork>(
        variant, depthstyle::read_checkpoint(options.weights_dir / "depth_anything" / file).tensors, file);
    architectures.push_back({"Depth Anything V2 " + name, "depth_anything_" + name, 518, 518, forward_of(network),
                             network->flops(518, 518), {}});
  }
  if (options.against_style > 0) {
    against_style(options, threads, architectures);
    return 0;
  }
  std::printf("\n(a) one forward pass, %d runs each after a warm-up, alternating with PyTorch eager in %d rounds\n",
              options.repeats * options.rounds, options.rounds);
  std::printf("  %-28s %-17s %-17s %-16s %-7s %-15s %-9s %s\n", "network, input", "PyTorch med/min", "native med/min",
              "wall speed-up", "CPU", "GFLOP/s Py/nat", "rel. diff", "load");
  for (const Architecture& architecture : architectures) compare_architecture(options, architecture, threads);
  std::printf("  (goal: speed-up >= 1.5x; rel. diff = max |native - PyTorch| / max |PyTorch|)\n");
  if (options.table1_images > 0) table1_throughput(options, threads);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, run); }
