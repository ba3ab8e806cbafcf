// What scoring every output costs a style grid: the same grid run by the grid runner (grid/style_grid_run.h) with
// scores.enabled false and true, each round in fresh run folders, alternating, so both see the same machine load.
// Both runs do everything a grid does (read and size the images, encode, depth steps, render, save PNGs, record
// units); the scored run also reads each output back and scores it (scores/grid_scores.h). Goal: at most 30% more.
//
//   build/bench/ablation_scores_bench [--side 256] [--rounds 3] [--threads 0] [--pairs 1000]
//                                     [--backbone pyramid | --backbone vgg --encoder F --decoder F]
//                                     [--score-encoder F]   (VGG taps for the scores with the pyramid backbone)
//
// The grid: aloeL.jpg with its real disparity (aloeGT.png) and starry_night.jpg at `side` px, AdaIN and DA-AdaIN
// with 6 betas x 2 epsilons (13 cells), as an ablation sweeps. Prints the wall and CPU time of each round, the
// fastest of each kind, the overhead, and where the scored run spends its time (sums of the rows' seconds_* fields).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_main.h"
#include "core/error.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/runtime.h"
#include "core/text.h"
#include "data/sample_fetch.h"
#include "grid/style_grid_run.h"

namespace depthstyle {
namespace {

struct Options {
  int side = 256;
  int rounds = 3;
  int threads = 0;
  int pairs = 1000;
  BackboneConfig backbone;
  std::string score_encoder;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw UsageError(concat("ablation_scores_bench: ", flag, " needs a value"));
    const std::string value = argv[++i];
    if (flag == "--side") options.side = std::stoi(value);
    else if (flag == "--rounds") options.rounds = std::stoi(value);
    else if (flag == "--threads") options.threads = std::stoi(value);
    else if (flag == "--pairs") options.pairs = std::stoi(value);
    else if (flag == "--backbone") options.backbone.type = value;
    else if (flag == "--encoder") options.backbone.encoder = value;
    else if (flag == "--decoder") options.backbone.decoder = value;
    else if (flag == "--score-encoder") options.score_encoder = value;
    else throw UsageError(concat("ablation_scores_bench: unknown option ", flag));
  }
  return options;
}

StyleGridOptions grid_options(const Options& options, bool scores) {
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
  grid.scores.enabled = scores;
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

Measured run_grid(const Options& options, bool scores, const std::filesystem::path& root, int round, int threads) {
  CommonOptions common;
  common.experiment = "style_grid";
  common.name = concat(scores ? "scored" : "plain", "-", round);
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
  measured.results = run_style_grid_cells(grid_options(options, scores), context);
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
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / concat("depthstyle-ablation-bench-", ::getpid());
  std::printf("backbone %s, content and style %d px, 13 cells, %d threads, %d depth pairs%s; load average %s\n",
              options.backbone.type.c_str(), options.side, threads, options.pairs,
              options.score_encoder.empty() ? "" : ", VGG score encoder", load_average().c_str());
  run_grid(options, false, root, 0, threads);  // warm-up: page cache, allocator, oneDNN primitives
  std::vector<double> plain_wall, plain_cpu, scored_wall, scored_cpu;
  Measured scored;
  for (int round = 1; round <= options.rounds; ++round) {
    const Measured plain = run_grid(options, false, root, round, threads);
    scored = run_grid(options, true, root, round, threads);
    plain_wall.push_back(plain.wall);
    plain_cpu.push_back(plain.cpu);
    scored_wall.push_back(scored.wall);
    scored_cpu.push_back(scored.cpu);
    std::printf("round %d: grid %.3f s wall / %.3f s CPU, grid with scores %.3f s wall / %.3f s CPU\n", round,
                plain.wall, plain.cpu, scored.wall, scored.cpu);
  }
  std::filesystem::remove_all(root);
  std::printf("load average at the end %s\n", load_average().c_str());
  const auto best = [](const std::vector<double>& values) { return *std::min_element(values.begin(), values.end()); };
  std::printf("fastest: grid %.3f s wall / %.3f s CPU, with scores %.3f s wall / %.3f s CPU\n", best(plain_wall),
              best(plain_cpu), best(scored_wall), best(scored_cpu));
  std::printf("scores add %.0f%% (wall), %.0f%% (CPU); goal <= 30%%\n",
              100 * (best(scored_wall) / best(plain_wall) - 1), 100 * (best(scored_cpu) / best(plain_cpu) - 1));
  const std::vector<nlohmann::json>& rows = scored.results.rows;
  std::printf("last scored run, wall sums over its cells: shared per pair %.3f s (once), cells %.3f s, scores %.3f s "
              "(scores / cells %.2f)\n",
              rows.empty() ? 0.0 : rows.front().value("seconds_pair", 0.0), sum_of(rows, "seconds_cell"),
              sum_of(rows, "seconds_scores"), sum_of(rows, "seconds_scores") / sum_of(rows, "seconds_cell"));
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
