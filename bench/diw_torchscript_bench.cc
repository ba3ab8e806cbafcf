// What the DIW evaluation costs beyond the model: the wall time of diw_eval's prediction path with a TorchScript
// model (decode on a worker thread, preprocessing, inference, the official resize at two points, the store) against
// the model's pure inference time over the same images, both measured in this run. Goal: at most 1.1x.
//
//   build/bench/diw_torchscript_bench [--images 40] [--size 500x375] [--channels 128] [--threads 0]
//
// The model is a small convolutional depth network built here with random weights and saved as TorchScript
// (stride-4 features, --channels wide, six 3x3 convolutions at 1/4 resolution, a sigmoid map at 1/4 size):
// ~12 GFLOP at the default size, about monodepth2 640x192's cost. Images are synthetic scenes (PNG) of DIW's typical
// size; the entry uses the midas_v21_large preset with the map left at model size, as configs/table1.yaml does.
// "Pure inference" times module.forward alone on inputs prepared beforehand. Both are warmed up by two calls
// (TorchScript's profiling executor optimises on the second) and then measured in alternating rounds, the fastest of
// each compared, so that other load on the machine does not favour either.
//
//   more options: [--rounds 5] [--decode-workers 1] (0: decode on the inference thread, no overlap)
#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench_main.h"
#include "bench_options.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/scratch_folder.h"
#include "core/text.h"
#include "depth/depth_estimator.h"
#include "depth/preprocessing.h"
#include "diw/diw_predict.h"
#include "diw/diw_results.h"
#include "diw/synthetic_set.h"
#include "io/image.h"
#include "tensor/runtime.h"
#include "tensor/tensor_image.h"

namespace depthstyle {
namespace {

struct Options {
  int images = 40;
  int width = 500;
  int height = 375;
  int channels = 128;
  int threads = 0;
  int decode_workers = 1;
  int rounds = 5;
};

Options parse(int argc, char** argv) {
  Options options;
  std::string size = width_x_height_text({options.width, options.height});
  BenchOptions command_line(
      "diw_torchscript_bench: diw_eval's prediction path with a TorchScript model vs the model's\n"
      "pure inference time on the same images");
  command_line.value("images", options.images, "synthetic images")
      .value("size", size, "their size, WIDTHxHEIGHT")
      .value("channels", options.channels, "width of the model's convolutions")
      .threads(options.threads)
      .value("decode-workers", options.decode_workers, "image decoding threads (0: decode on the inference thread)")
      .value("rounds", options.rounds, "alternating rounds; the fastest of each is compared");
  command_line.parse(argc, argv);
  const WidthHeight parsed = parse_width_x_height("--size", size);
  options.width = parsed.width;
  options.height = parsed.height;
  if (options.images < 1 || options.width < 16 || options.height < 16 || options.channels < 1 || options.rounds < 1 ||
      options.decode_workers < 0) {
    throw UsageError("need --images >= 1, a --size of at least 16x16, --channels >= 1, --rounds >= 1 and "
                     "--decode-workers >= 0");
  }
  return options;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void save_depth_model(const std::filesystem::path& path, int channels) {
  torch::manual_seed(0);
  torch::jit::Module module("BenchDepthNet");
  const auto parameter = [&](const std::string& name, int out, int in) {
    module.register_parameter(name + "_w", torch::randn({out, in, 3, 3}) * std::sqrt(2.0 / (9.0 * in)), false);
    module.register_parameter(name + "_b", torch::zeros({out}), false);
  };
  parameter("c1", channels / 2, 3);
  parameter("c2", channels, channels / 2);
  for (int i = 3; i <= 8; ++i) parameter(concat("c", i), channels, channels);
  parameter("head", 1, channels);
  module.define(R"JIT(
def forward(self, x):
    x = torch.relu(torch.conv2d(x, self.c1_w, self.c1_b, [2, 2], [1, 1]))
    x = torch.relu(torch.conv2d(x, self.c2_w, self.c2_b, [2, 2], [1, 1]))
    x = torch.relu(torch.conv2d(x, self.c3_w, self.c3_b, [1, 1], [1, 1]))
    x = torch.relu(torch.conv2d(x, self.c4_w, self.c4_b, [1, 1], [1, 1]))
    x = torch.relu(torch.conv2d(x, self.c5_w, self.c5_b, [1, 1], [1, 1]))
    x = torch.relu(torch.conv2d(x, self.c6_w, self.c6_b, [1, 1], [1, 1]))
    x = torch.relu(torch.conv2d(x, self.c7_w, self.c7_b, [1, 1], [1, 1]))
    x = torch.relu(torch.conv2d(x, self.c8_w, self.c8_b, [1, 1], [1, 1]))
    return torch.sigmoid(torch.conv2d(x, self.head_w, self.head_b, [1, 1], [1, 1]))
)JIT");
  module.save(path.string());
}

int run(int argc, char** argv) {
  const Options options = parse(argc, argv);
  set_progress_quiet(true);
  const int threads = set_thread_count(options.threads);
  const ScratchFolder scratch("diw-torchscript-bench");
  const std::filesystem::path& work = scratch.path();
  SyntheticDiwOptions synthetic;
  synthetic.count = options.images;
  synthetic.scene = {options.width, options.height};
  synthetic.map_width = synthetic.map_height = 0;
  make_diw_synthetic(work / "set", synthetic);
  const std::filesystem::path model = work / "model.pt";
  save_depth_model(model, options.channels);

  DepthEstimatorConfig entry;
  entry.name = "bench";
  entry.type = "torchscript";
  entry.path = model.string();
  entry.preset = "midas_v21_large";
  entry.preprocessing.output_size = "model";
  const PreprocessingSpec spec = resolve_preprocessing(entry.preset, entry.preprocessing, "", "bench");
  const DiwDataset dataset = read_diw_dataset(work / "set" / kSyntheticDiwCsv);

  // Pure inference: forward on prepared inputs, nothing else timed.
  std::vector<at::Tensor> inputs;
  for (const DiwEntry& diw_entry : dataset.entries) {
    const cv::Mat rgb = load_image(dataset.image_path(diw_entry)).rgb;
    inputs.push_back(tensor_from_image(prepare_input(spec, rgb, diw_entry.image)));
  }
  torch::jit::Module module = torch::jit::load(model.string(), torch::kCPU);
  module.eval();
  const auto pure_inference = [&] {
    const c10::InferenceMode inference;
    double seconds = 0;
    for (const at::Tensor& input : inputs) {
      const auto start = std::chrono::steady_clock::now();
      const at::Tensor output = module.forward({input}).toTensor();
      seconds += seconds_since(start);
    }
    return seconds;
  };

  // diw_eval's prediction path with the same model through the estimator registry, into a fresh store each round.
  std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(entry);
  DepthQuery first;
  first.image_path = dataset.entries.front().image;
  first.rgb = load_image(dataset.image_path(dataset.entries.front())).rgb;
  first.size = first.rgb.size();
  DiwPredictOptions predict;
  predict.decode_workers = options.decode_workers;
  std::int64_t pairs = 0;
  const auto evaluation = [&](int round) {
    PredictionStore store(work / concat("predictions-", round, ".sqlite"));
    DiwStoreIdentity identity;
    identity.dataset_sha256 = dataset.csv_sha256;
    identity.dataset_entries = dataset.entry_count();
    identity.settings = {{"ties", "wrong"}, {"paper_rows", nlohmann::json::array()}};
    prepare_prediction_store(store, dataset, identity);
    DepthEstimator* shared = estimator.get();
    const std::vector<DiwEstimatorPlan> plans = {
        {entry.name, {{"type", "torchscript"}}, model, [shared] {
           // The plan owns what it builds; hand it a view of the one estimator (loaded and warmed once).
           struct View : DepthEstimator {
             DepthEstimator* target;
             explicit View(DepthEstimator* estimator) : target(estimator) {}
             DepthPrediction estimate(const DepthQuery& query) override { return target->estimate(query); }
             nlohmann::json describe() const override { return target->describe(); }
           };
           return std::unique_ptr<DepthEstimator>(std::make_unique<View>(shared));
         }}};
    const auto start = std::chrono::steady_clock::now();
    predict_diw_entries(dataset, dataset.entries, plans, store, predict);
    const double seconds = seconds_since(start);
    pairs = score_prediction_store(store, TiePolicy::kWrong).models.at(0).score.pairs;
    return seconds;
  };

  // Between the two: the estimator alone (preprocessing, forward, output) on images decoded beforehand.
  std::vector<DepthQuery> queries;
  for (const DiwEntry& diw_entry : dataset.entries) {
    DepthQuery& query = queries.emplace_back();
    query.image_path = diw_entry.image;
    query.rgb = load_image(dataset.image_path(diw_entry)).rgb;
    query.size = query.rgb.size();
  }
  const auto estimator_only = [&] {
    const auto start = std::chrono::steady_clock::now();
    for (const DepthQuery& query : queries) estimator->estimate(query);
    return seconds_since(start);
  };

  // Warm both up (TorchScript's profiling executor optimises on the second call), then alternate the two
  // measurements so that a change of load on the machine hits both; the fastest round of each is compared.
  {
    const c10::InferenceMode inference;
    for (int i = 0; i < 2; ++i) module.forward({inputs.front()});
  }
  for (int i = 0; i < 2; ++i) estimator->estimate(first);
  double inference_seconds = 1e300, estimator_seconds = 1e300, eval_seconds = 1e300;
  for (int round = 0; round < options.rounds; ++round) {
    const double inference = pure_inference(), estimator_time = estimator_only(), eval = evaluation(round);
    std::printf("round %d: inference %.1f ms, estimator %.1f ms, diw_eval %.1f ms per image (load average %s)\n",
                round + 1, 1e3 * inference / options.images, 1e3 * estimator_time / options.images,
                1e3 * eval / options.images, load_average().c_str());
    inference_seconds = std::min(inference_seconds, inference);
    estimator_seconds = std::min(estimator_seconds, estimator_time);
    eval_seconds = std::min(eval_seconds, eval);
  }

  const cv::Size feed = feed_size(spec, {options.width, options.height}, "bench");
  std::printf("%d images %dx%d, feed %dx%d, %d channels, threads %d, decode workers %d; %lld pairs scored; "
              "best of %d rounds\n",
              options.images, options.width, options.height, feed.width, feed.height, options.channels, threads,
              options.decode_workers, static_cast<long long>(pairs),
              options.rounds);
  std::printf("baseline: pure inference (forward only)  %7.2f s  (%.1f ms per image)\n", inference_seconds,
              1e3 * inference_seconds / options.images);
  std::printf("estimator on decoded images             %7.2f s  (%.1f ms per image)\n", estimator_seconds,
              1e3 * estimator_seconds / options.images);
  std::printf("diw_eval: decode, infer, score, store    %7.2f s  (%.1f ms per image)\n", eval_seconds,
              1e3 * eval_seconds / options.images);
  std::printf("ratio eval / inference: %.3f; goal <= 1.1: %s (load average %s on %d cores)\n",
              eval_seconds / inference_seconds, eval_seconds <= 1.1 * inference_seconds ? "met" : "MISSED",
              load_average().c_str(), hardware_thread_count());
  return 0;
}

}  // namespace
}  // namespace depthstyle

int main(int argc, char** argv) { return depthstyle::bench_main(argc, argv, depthstyle::run); }
