// Scoring a DIW-size set from precomputed maps: the whole diw_eval path (read and check the CSV, set up the
// prediction store, run the `file` estimator over every image, resize and read the two points, commit, score, write
// the report) on a synthetic set with one pair and one depth map per image, against a baseline measured in the same
// run: just reading every map file. Goal: all 73,983 pairs (the DIW test set's size) in under 60 s.
//
//   build/bench/diw_scoring_bench [--count 73983] [--data DIR] [--threads 0]
//
// The set is made once (`depthstyle data make-diw-synthetic --count N -o DIR`) and kept for later runs, in --data
// DIR or by default /tmp/depthstyle-diw-synthetic-<count>: on this machine creating its 148k files takes minutes and
// deleting them longer still, while scoring takes seconds. Both timings read the maps from the page cache (the
// baseline reads them first).

#include <chrono>
#include <cstdio>
#include <string>

#include "bench_main.h"
#include "bench_options.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/scratch_folder.h"
#include "core/text.h"
#include "depth/depth_estimator.h"
#include "diw/diw_predict.h"
#include "diw/diw_report.h"
#include "diw/synthetic_set.h"
#include "io/depth_map.h"
#include "tensor/runtime.h"

namespace depthstyle {
namespace {

struct Options {
  int count = 73983;
  std::string data;
  int threads = 0;
};

Options parse(int argc, char** argv) {
  Options options;
  BenchOptions command_line(
      "diw_scoring_bench: the whole diw_eval path on a synthetic DIW-size set vs reading its maps");
  command_line.value("count", options.count, "images (one pair each) of the synthetic set")
      .value("data", options.data, "the set's folder, made once and kept (default /tmp/depthstyle-diw-synthetic-COUNT)")
      .threads(options.threads);
  command_line.parse(argc, argv);
  if (options.count < 1) throw UsageError("need --count >= 1");
  return options;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run(int argc, char** argv) {
  const Options options = parse(argc, argv);
  set_progress_quiet(true);
  const int threads = set_thread_count(options.threads);
  const ScratchFolder scratch("diw-scoring-bench");
  const std::filesystem::path& work = scratch.path();
  const std::filesystem::path data =
      options.data.empty()
          ? std::filesystem::temp_directory_path() / concat("depthstyle-diw-synthetic-", options.count)
          : std::filesystem::path(options.data);
  if (!std::filesystem::exists(data / kSyntheticDiwCsv)) {
    SyntheticDiwOptions synthetic;
    synthetic.count = options.count;
    const auto start = std::chrono::steady_clock::now();
    make_diw_synthetic(data, synthetic);
    std::printf("made a synthetic set of %d images (%dx%d, maps %dx%d) in %.1f s: %s (kept for later runs)\n",
                synthetic.count, synthetic.scene.width, synthetic.scene.height, synthetic.map_width,
                synthetic.map_height, seconds_since(start), data.c_str());
  }

  // Baseline: read every map once, nothing else.
  const DiwDataset dataset = read_diw_dataset(data / kSyntheticDiwCsv);
  auto start = std::chrono::steady_clock::now();
  double checksum = 0;
  for (const DiwEntry& entry : dataset.entries) {
    std::filesystem::path map = data / "depth" / std::filesystem::path(entry.image).lexically_normal();
    map.replace_extension(".pfm");
    checksum += read_depth_map(map).at<float>(0, 0);
  }
  const double read_seconds = seconds_since(start);

  // The whole evaluation, as `depthstyle run` does it.
  std::filesystem::create_directories(work);
  start = std::chrono::steady_clock::now();
  const DiwDataset timed_dataset = read_diw_dataset(data / kSyntheticDiwCsv);
  PredictionStore store(work / "predictions.sqlite");
  DiwStoreIdentity identity;
  identity.dataset_sha256 = timed_dataset.csv_sha256;
  identity.dataset_entries = timed_dataset.entry_count();
  identity.settings = {{"ties", "wrong"}, {"paper_rows", nlohmann::json::array()}};
  prepare_prediction_store(store, timed_dataset, identity);
  DepthEstimatorConfig maps;
  maps.name = "precomputed";
  maps.type = "file";
  maps.path = (data / "depth").string();
  maps.meaning = "depth";
  const std::vector<DiwEstimatorPlan> plans = {
      {maps.name, {{"type", "file"}}, maps.path, [&maps] { return make_depth_estimator(maps); }}};
  predict_diw_entries(timed_dataset, timed_dataset.entries, plans, store);
  write_store_report(store, work / "report");
  const double eval_seconds = seconds_since(start);

  const DiwResults results = score_prediction_store(store, TiePolicy::kWrong);
  const DiwScore& score = results.models.at(0).score;
  std::printf("entries %lld, accuracy of the stored maps %.4f (maps at half size: edges blur), threads %d\n",
              static_cast<long long>(score.pairs), score.accuracy(TiePolicy::kWrong), threads);
  std::printf("baseline: read every map        %8.2f s  (%.1f us per image; checksum %.3g)\n", read_seconds,
              1e6 * read_seconds / dataset.entries.size(), checksum);
  std::printf("diw_eval: predict, store, score %8.2f s  (%.1f us per pair)\n", eval_seconds,
              1e6 * eval_seconds / dataset.entries.size());
  std::printf("ratio eval / read: %.2f; goal < 60 s for 73,983 pairs: %s\n", eval_seconds / read_seconds,
              eval_seconds < 60.0 * dataset.entries.size() / 73983.0 ? "met" : "MISSED");
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
