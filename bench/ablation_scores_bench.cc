// What scoring every output costs a style grid: the same grid run by the grid runner (grid/style_grid_run.h) with
// scores.enabled false and true (and, with --score-side, true at scores.side = that), each round in fresh run
// folders, alternating, so all kinds see the same machine load.
// Both runs do everything a grid does (read and size the images, encode, depth steps, render, save PNGs, record
// units); the scored run also reads each output back and scores it (scores/grid_scores.h). Goal: at most 30% more.
//
//   build/bench/ablation_scores_bench [--side 256] [--score-side 0] [--rounds 3] [--threads 0] [--pairs 1000]
//                                     [--backbone pyramid | --backbone vgg --encoder F --decoder F]
//                                     [--score-encoder F]   (VGG taps for the scores with the pyramid backbone)
//
// The grid: aloeL.jpg with its real disparity (aloeGT.png) and starry_night.jpg at `side` px, AdaIN and DA-AdaIN
// with 6 betas x 2 epsilons (13 cells), as an ablation sweeps. Prints the wall and CPU time of each round, the
// fastest of each kind, the overhead, and where the scored run spends its time (sums of the rows' seconds_* fields).
// --score-side s: a third kind scores at a smaller side of s px (scores.side; outputs, content and style shrunk by
// area averaging), e.g. --side 512 --score-side 256: pictures at the port's default size, judged at the AdaIN
// losses' training size.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "core/error.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/scratch_folder.h"
#include "core/text.h"
#include "data/sample_fetch.h"
#include "grid/style_grid_run.h"
#include "tensor/runtime.h"

namespace depthstyle {
namespace {

struct Options {
  int side = 256;
  int score_side = 0;  // 0: no third kind
  int rounds = 3;
  int threads = 0;
  int pairs = 1000;
  BackboneConfig backbone;
  std::string score_encoder;
};

Options parse(int argc, char** argv) {
  Options options;
  BenchOptions command_line("ablation_scores_bench: what scores.enabled adds to a 13-cell style grid's run time");
  command_line.value("side", options.side, "content and style side, pixels")
      .value("score-side", options.score_side, "also time scores at this scores.side (0: no third kind)")
      .value("rounds", options.rounds, "alternating rounds; the fastest of each kind is reported")
      .threads(options.threads)
      .value("pairs", options.pairs, "scores.depth_pairs: point pairs of the depth agreement per output")
      .value("backbone", options.backbone.type, "pyramid (weight-free) or vgg")
      .value("encoder", options.backbone.encoder, "vgg: the encoder weights (vgg_normalised.pth)")
      .value("decoder", options.backbone.decoder, "vgg: the decoder weights (decoder.pth)")
      .value("score-encoder", options.score_encoder, "VGG taps for the scores with the pyramid backbone");
  command_line.parse(argc, argv);
  return options;
}

// `score_side` < 0: no scores; else scores at that scores.side.
StyleGridOptions grid_options(const Options& options, int score_side) {
  const std::filesystem::path cache = default_cache_dir();
  StyleGridOptions grid;
  StyleGridContent content;
  content.image = sample_path(cache, "aloeL.jpg").string();
  content.depth_map = sample_path(cache, "aloeGT.png").string();
  content.depth_meaning = "disparity";
  content.depth_zero_unknown = true;
  grid.contents = {content};
  StyleGridStyle style;
  style.images = {sample_path(cache, "starry_night.jpg").string()};
  grid.styles = {style};
  grid.betas = {0, 1, 5, 10, 20, 50};
  grid.epsilons = {0, 0.15};
  grid.content_sizes = {options.side};
  grid.style_sizes = {options.side};
  grid.backbone = options.backbone;
  grid.figures.layout = "none";
  grid.scores.enabled = score_side >= 0;
  grid.scores.side = std::max(0, score_side);
  grid.scores.depth_pairs = options.pairs;
  grid.scores.vgg_encoder = options.score_encoder;
  complete_style_grid(grid);
  const std::vector<std::string> problems = style_grid_problems(grid);
  if (!problems.empty()) throw UsageError(join(problems, "\n"));
  return grid;
}

struct Measured {
  double wall = 0;
  double cpu = 0;
  StyleGridResults results;
};

constexpr int kNoScores = -1;

Measured run_grid(const Options& options, int score_side, const std::filesystem::path& root, int round, int threads) {
  CommonOptions common;
  common.experiment = "style_grid";
  common.name = concat(score_side < 0 ? "plain" : concat("scored-at-", score_side), "-", round);
  common.threads = threads;
  RunStart start;
  start.output_root = root;
  start.experiment = common.experiment;
  start.name = common.name;
  start.threads = threads;
  RunRecord record(start);
  RunContext context{record, common, {}};
  const auto wall = std::chrono::steady_clock::now();
  const std::clock_t cpu = std::clock();
  Measured measured;
  measured.results = run_style_grid_cells(grid_options(options, score_side), context);
  measured.cpu = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  measured.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  record.finish("succeeded");
  return measured;
}

double sum_of(const std::vector<nlohmann::json>& rows, const char* field) {
  double sum = 0;
  for (const nlohmann::json& row : rows) sum += row.value(field, 0.0);
  return sum;
}

int run(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const int threads = set_thread_count(options.threads);
  set_stderr_log_level(LogLevel::kError);
  set_progress_quiet(true);
  const ScratchFolder scratch("ablation-scores-bench");
  const std::filesystem::path& root = scratch.path();
  const std::string also = options.score_side > 0 ? concat(", also scored at side ", options.score_side) : "";
  std::printf("backbone %s, content and style %d px, 13 cells, %d threads, %d depth pairs%s%s; load average %s\n",
              options.backbone.type.c_str(), options.side, threads, options.pairs,
              options.score_encoder.empty() ? "" : ", VGG score encoder", also.c_str(), load_average().c_str());
  run_grid(options, kNoScores, root, 0, threads);  // warm-up: page cache, allocator, oneDNN primitives
  struct Kind {
    std::string name;
    int score_side;
    std::vector<double> wall, cpu;
    Measured last;
  };
  std::vector<Kind> kinds = {{"grid", kNoScores, {}, {}, {}}, {"with scores", 0, {}, {}, {}}};
  if (options.score_side > 0) {
    kinds.push_back({concat("with scores at side ", options.score_side), options.score_side, {}, {}, {}});
  }
  for (int round = 1; round <= options.rounds; ++round) {
    std::printf("round %d:", round);
    for (Kind& kind : kinds) {
      kind.last = run_grid(options, kind.score_side, root, round, threads);
      kind.wall.push_back(kind.last.wall);
      kind.cpu.push_back(kind.last.cpu);
      std::printf(" %s %.3f s wall / %.3f s CPU;", kind.name.c_str(), kind.last.wall, kind.last.cpu);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("load average at the end %s\n", load_average().c_str());
  const auto best = [](const std::vector<double>& values) { return *std::min_element(values.begin(), values.end()); };
  const Kind& plain = kinds.front();
  std::printf("fastest: grid %.3f s wall / %.3f s CPU\n", best(plain.wall), best(plain.cpu));
  for (std::size_t i = 1; i < kinds.size(); ++i) {
    const Kind& kind = kinds[i];
    std::printf("%s: fastest %.3f s wall / %.3f s CPU; scores add %.0f%% (wall), %.0f%% (CPU); goal <= 30%%\n",
                kind.name.c_str(), best(kind.wall), best(kind.cpu), 100 * (best(kind.wall) / best(plain.wall) - 1),
                100 * (best(kind.cpu) / best(plain.cpu) - 1));
    std::vector<nlohmann::json> rows;
    for (const GridRecord& record : kind.last.results.records) rows.push_back(to_json(record));
    std::printf("  last run, wall sums over its cells: shared per pair %.3f s (once), cells %.3f s, scores %.3f s "
                "(scores / cells %.2f)\n",
                rows.empty() ? 0.0 : rows.front().value("seconds_pair", 0.0), sum_of(rows, "seconds_cell"),
                sum_of(rows, "seconds_scores"), sum_of(rows, "seconds_scores") / sum_of(rows, "seconds_cell"));
  }
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
