// What feature reuse buys a parameter sweep: DA-AdaIN with 6 values of beta computed as one grid (content and style
// encoded once, AdaIN once, Algorithm 1 steps 3-5 once; per beta only steps 6-7, the blend and the decoder) vs six
// independent stylizations, each doing everything. Both start from decoded images in memory (no file I/O), use the
// same library calls (style/pair_stylization.h) and must give identical pictures. Then what a user would otherwise run:
// six `depthstyle stylize` processes (each starts LibTorch, loads the weights, reads and sizes the images and the
// depth map, encodes) vs one `depthstyle run` of a style_grid config with the same six settings, writing the same
// PNGs (checked byte for byte; the grid's figure sheets and strength-map pictures are switched off so both write the
// same files), alternating for --cli-rounds rounds. Last, in a child process, the peak resident memory of one
// DA-AdaIN stylization of a large content.
//
//   build/bench/style_grid_bench [--side 512] [--repeats 5] [--cli-rounds 3] [--threads 0] [--large 3000x2000|0]
//                                [--backbone pyramid] [--pyramid-levels 5] [--encoder F --decoder F --precision fp32]
//
// Inputs: the sample photo aloeL.jpg with its real disparity aloeGT.png, and starry_night.jpg (depthstyle data
// fetch-samples; $DEPTHSTYLE_CACHE or datasets/cache).
#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/process.h"
#include "tensor/runtime.h"
#include "core/text.h"
#include "data/sample_fetch.h"
#include "style/backbone_factory.h"
#include "style/depth_source.h"
#include "style/pair_stylization.h"

namespace depthstyle {
namespace {

constexpr std::size_t kBetaCount = 6;
const double kBetas[kBetaCount] = {0, 1, 5, 10, 20, 50};

struct Options {
  int side = 512;
  int repeats = 5;
  int cli_rounds = 3;  // 0 = skip the command-line comparison
  int threads = 0;
  cv::Size large{3000, 2000};
  BackboneConfig backbone;
  bool child_large = false;  // internal: measure one large stylization in this process
};

Options parse(int argc, char** argv) {
  Options options;
  BenchOptions command_line("style_grid_bench: DA-AdaIN with 6 betas as one grid vs six independent stylizations; the\n"
                            "same as `depthstyle` commands; the peak RSS of a large content");
  command_line.value("side", options.side, "content and style side, pixels")
      .value("repeats", options.repeats, "timings of each way; the median is reported")
      .value("cli-rounds", options.cli_rounds, "alternating rounds of the command-line comparison (0: skip it)")
      .threads(options.threads)
      .size("large", options.large, "the large content's size, WIDTHxHEIGHT (0: skip the memory measurement)")
      .value("backbone", options.backbone.type, "pyramid (weight-free) or vgg")
      .value("pyramid-levels", options.backbone.pyramid_levels, "pyramid: band-pass levels")
      .value("encoder", options.backbone.encoder, "vgg: the encoder weights (vgg_normalised.pth)")
      .value("decoder", options.backbone.decoder, "vgg: the decoder weights (decoder.pth)")
      .value("precision", options.backbone.precision, "vgg: fp32 or bf16")
      .flag("child-large", options.child_large, "internal: measure one large stylization in this process");
  command_line.parse(argc, argv);
  return options;
}

std::vector<std::string> forwarded_arguments(const Options& options) {
  return {"--threads", std::to_string(options.threads), "--backbone", options.backbone.type, "--pyramid-levels",
          std::to_string(options.backbone.pyramid_levels), "--encoder", options.backbone.encoder, "--decoder",
          options.backbone.decoder, "--precision", options.backbone.precision};
}

// The content (and its proximity map) stretched to `size`, the style at a smaller side of `style_side`.
StylizationInput sample_input(cv::Size size, int style_side) {
  const std::filesystem::path cache = default_cache_dir();
  const Image content = load_image(sample_path(cache, "aloeL.jpg"));
  DepthMapFile truth;
  truth.path = sample_path(cache, "aloeGT.png");
  truth.zero_is_unknown = true;
  SizedImage sized;
  cv::resize(content.rgb, sized.rgb, size, 0, 0, cv::INTER_AREA);
  sized.original_size = content.rgb.size();
  sized.resized_size = size;
  sized.window = cv::Rect({0, 0}, size);
  StylizationInput input;
  input.content = sized.rgb;
  input.styles = {size_image(load_image(sample_path(cache, "starry_night.jpg")), {style_side, false}).rgb};
  input.proximity = proximity_of_sized_content(read_depth_map_file(truth), sized);
  return input;
}

double seconds(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int measure_large(const Options& options) {
  const std::unique_ptr<Backbone> backbone = make_backbone(options.backbone);
  const StylizationInput input = sample_input(options.large, 512);
  const long before = peak_rss_kib();
  BlendSetting setting;
  setting.strength = {20, 0.15};
  const double elapsed = seconds([&] { stylize(*backbone, input, {setting}); });
  std::printf("%ld %ld %.3f\n", before, peak_rss_kib(), elapsed);
  return 0;
}

// The six settings as a user runs them from the shell: six `depthstyle stylize` processes vs one `depthstyle run`
// of a style_grid config. Returns false if an image differs.
bool compare_command_lines(const Options& options, int threads) {
  namespace fs = std::filesystem;
  const fs::path work = fs::absolute(fs::path(DEPTHSTYLE_CLI_PATH).parent_path() / "bench" / "style_grid_bench_work");
  fs::remove_all(work);
  fs::create_directories(work / "stylize");
  const fs::path cache = default_cache_dir();
  const std::string content = fs::absolute(sample_path(cache, "aloeL.jpg")).string();
  const std::string style = fs::absolute(sample_path(cache, "starry_night.jpg")).string();
  const std::string depth = fs::absolute(sample_path(cache, "aloeGT.png")).string();
  const BackboneConfig& backbone = options.backbone;
  const auto absolute_or_empty = [](const std::string& path) {
    return path.empty() ? path : fs::absolute(path).string();
  };
  std::string betas;
  for (const double beta : kBetas) betas += (betas.empty() ? "" : ", ") + format_number(beta);
  const fs::path config = work / "grid.yaml";
  write_file_atomically(config, concat(
      "experiment: style_grid\nname: grid\noutput_dir: ", (work / "runs").string(), "\nthreads: ", threads,
      "\ncontents:\n  - image: ", content, "\n    depth_map: ", depth,
      "\n    depth_meaning: disparity\n    depth_zero_unknown: true\nstyles:\n  - images: ", style,
      "\ngrid:\n  methods: [da-adain]\n  betas: [", betas, "]\n  epsilons: [0]\n  content_sizes: [", options.side,
      "]\n  style_sizes: [", options.side, "]\nbackbone:\n  type: ", backbone.type, "\n  pyramid_levels: ",
      backbone.pyramid_levels, "\n  encoder: \"", absolute_or_empty(backbone.encoder), "\"\n  decoder: \"",
      absolute_or_empty(backbone.decoder), "\"\n  precision: ", backbone.precision,
      "\noutput:\n  save_strength_maps: false\nfigures:\n  layout: none\n"));
  const auto stylize_output = [&](double beta) {
    return work / "stylize" / concat("beta=", format_number(beta), ".png");
  };
  const auto timed = [](const std::vector<std::string>& argv) {
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult result = run_process(argv);
    if (result.exit_code != 0) throw Error(concat(argv[1], " failed (exit ", result.exit_code, "):\n", result.output));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<double> separate_times, grid_times;
  for (int round = 0; round < options.cli_rounds; ++round) {
    double separate = 0;
    for (const double beta : kBetas) {
      separate += timed({DEPTHSTYLE_CLI_PATH, "stylize", content, style, "-o", stylize_output(beta).string(),
                         "--method", "da-adain", "--beta", format_number(beta), "--eps", "0", "--depth-map", depth,
                         "--depth-meaning", "disparity", "--depth-zero-unknown", "--content-size",
                         std::to_string(options.side), "--style-size", std::to_string(options.side), "--threads",
                         std::to_string(threads), "--backbone", backbone.type, "--pyramid-levels",
                         std::to_string(backbone.pyramid_levels), "--encoder", absolute_or_empty(backbone.encoder),
                         "--decoder", absolute_or_empty(backbone.decoder), "--precision", backbone.precision});
    }
    separate_times.push_back(separate);
    fs::remove_all(work / "runs");
    grid_times.push_back(timed({DEPTHSTYLE_CLI_PATH, "run", config.string(), "-q"}));
  }
  bool identical = true;
  for (const double beta : kBetas) {
    bool found = false;
    for (const fs::directory_entry& entry : fs::directory_iterator(work / "runs" / "style_grid" / "grid" / "images")) {
      const std::string name = entry.path().filename().string();
      if (name.find(concat(",beta=", format_number(beta), ",")) == std::string::npos) continue;
      found = true;
      identical = identical && read_file(entry.path()) == read_file(stylize_output(beta));
    }
    identical = identical && found;
  }
  const double separate = median(separate_times), grid = median(grid_times);
  std::printf("\ncommand lines, median of %d alternating rounds (process start, weights, images, depth map, PNGs):\n",
              options.cli_rounds);
  std::printf("6 x depthstyle stylize    %8.3f s\n", separate);
  std::printf("1 x depthstyle run (grid) %8.3f s\n", grid);
  std::printf("speed-up                  %8.2fx (goal >= 2.5x); PNGs byte-identical: %s\n", separate / grid,
              identical ? "yes" : "NO");
  return identical;
}

int run(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results appear as they are measured, also when redirected
  const Options options = parse(argc, argv);
  const int threads = set_thread_count(options.threads);
  if (options.child_large) return measure_large(options);

  const std::unique_ptr<Backbone> backbone = make_backbone(options.backbone);
  const cv::Mat photo = load_image(sample_path(default_cache_dir(), "aloeL.jpg")).rgb;
  const double scale = static_cast<double>(options.side) / std::min(photo.cols, photo.rows);
  const StylizationInput input =
      sample_input({static_cast<int>(std::lround(photo.cols * scale)), options.side}, options.side);
  std::vector<BlendSetting> settings;
  for (const double beta : kBetas) settings.push_back({StyleMethod::kDepthAware, 0, {beta, 0}});

  std::printf("backbone: %s\n", backbone->label().c_str());
  std::printf("content %dx%d, style %dx%d, %zu betas at eps 0, %d threads, median of %d\n", input.content.cols,
              input.content.rows, input.styles[0].cols, input.styles[0].rows, kBetaCount, threads, options.repeats);
  std::vector<Rendering> grid_out, independent_out;
  stylize(*backbone, input, {settings[0]});  // warm-up (allocator, oneDNN primitives)
  std::vector<double> grid_times, independent_times;
  for (int repeat = 0; repeat < options.repeats; ++repeat) {
    grid_times.push_back(seconds([&] { grid_out = stylize(*backbone, input, settings); }));
    independent_times.push_back(seconds([&] {
      independent_out.clear();
      for (const BlendSetting& setting : settings) independent_out.push_back(stylize(*backbone, input, {setting})[0]);
    }));
  }
  bool identical = true;
  for (std::size_t i = 0; i < kBetaCount; ++i) identical = identical && at::equal(grid_out[i].image, independent_out[i].image);
  const double grid = median(grid_times), independent = median(independent_times);
  std::printf("grid (shared encodings)   %8.3f s\n", grid);
  std::printf("6 independent             %8.3f s\n", independent);
  std::printf("speed-up                  %8.2fx (goal >= 2.5x); outputs identical: %s\n", independent / grid,
              identical ? "yes" : "NO");
  if (options.cli_rounds > 0) identical = compare_command_lines(options, threads) && identical;

  if (options.large.width == 0) return identical ? 0 : 1;
  std::vector<std::string> child = {argv[0], "--child-large", "--large",
                                    width_x_height_text({options.large.width, options.large.height})};
  for (const std::string& argument : forwarded_arguments(options)) child.push_back(argument);
  const ProcessResult large = run_process(child);
  long before = 0, after = 0;
  double elapsed = 0;
  if (large.exit_code != 0 || std::sscanf(large.output.c_str(), "%ld %ld %lf", &before, &after, &elapsed) != 3) {
    std::printf("large content: the child process failed (exit %d):\n%s\n", large.exit_code, large.output.c_str());
    return 1;
  }
  std::printf("one DA-AdaIN stylization of a %dx%d content (style 512 px): %.2f s, peak RSS %.0f MiB "
              "(%.0f MiB before stylizing: LibTorch, inputs)\n",
              options.large.width, options.large.height, elapsed, after / 1024.0, before / 1024.0);
  return identical ? 0 : 1;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
