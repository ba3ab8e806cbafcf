// The DIW evaluation end to end in the library, on the real Middlebury photos with their real ground truth: sign
// conventions, resume, failures as results, shards and merge, and the refusals of merge.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/disparity_truth.h"
#include "data/sample_catalog.h"
#include "data/sample_fetch.h"
#include "diw/diw_merge.h"
#include "diw/diw_predict.h"
#include "diw/diw_report.h"
#include "diw/diw_results.h"
#include "diw/middlebury_set.h"
#include "diw/prediction_store.h"
#include "io/depth_map.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// Serves the Middlebury ground truth (or a transform of it) like a precomputed-map estimator would, counting calls.
class TruthEstimator : public DepthEstimator {
 public:
  enum class Variant { kDisparity, kNegatedDisparity, kDepth, kHalfResolution };
  TruthEstimator(std::filesystem::path truth_dir, Variant variant, std::atomic<int>* calls = nullptr)
      : truth_dir_(std::move(truth_dir)), variant_(variant), calls_(calls) {}

  DepthPrediction estimate(const DepthQuery& query) override {
    if (calls_) ++*calls_;
    std::filesystem::path map_path = truth_dir_ / query.image_path.filename();
    map_path.replace_extension(".pfm");
    cv::Mat disparity = read_depth_map(map_path);
    EXPECT_EQ(disparity.size(), query.size);
    switch (variant_) {
      case Variant::kDisparity: return {disparity, DepthMeaning::kProximity};
      case Variant::kNegatedDisparity: return {-disparity, DepthMeaning::kProximity};
      case Variant::kDepth: {
        cv::Mat depth;
        cv::divide(1.0, disparity, depth, CV_32F);  // NaN stays NaN
        return {depth, DepthMeaning::kDepth};
      }
      case Variant::kHalfResolution: {
        cv::Mat half;
        cv::resize(disparity, half, {disparity.cols / 2, disparity.rows / 2}, 0, 0, cv::INTER_NEAREST);
        return {half, DepthMeaning::kProximity};
      }
    }
    return {};
  }
  bool needs_pixels() const override { return false; }
  nlohmann::json describe() const override { return {{"type", "truth"}, {"variant", static_cast<int>(variant_)}}; }

 private:
  std::filesystem::path truth_dir_;
  Variant variant_;
  std::atomic<int>* calls_;
};

// Needs pixels; checks it gets the decoded photo; fails on the motorcycle when asked to.
class PixelEstimator : public DepthEstimator {
 public:
  explicit PixelEstimator(bool fail_on_motorcycle) : fail_on_motorcycle_(fail_on_motorcycle) {}
  DepthPrediction estimate(const DepthQuery& query) override {
    EXPECT_EQ(query.rgb.type(), CV_32FC3);
    EXPECT_EQ(query.rgb.size(), query.size);
    if (fail_on_motorcycle_ && query.image_path.filename() == "motorcycle_left.png") {
      throw InputError("model exploded on this image");
    }
    cv::Mat gray;
    cv::cvtColor(query.rgb, gray, cv::COLOR_RGB2GRAY);
    return {gray, DepthMeaning::kProximity};  // brighter = nearer: a weak cue
  }
  nlohmann::json describe() const override { return {{"type", "brightness"}}; }

 private:
  bool fail_on_motorcycle_;
};

class DiwEvaluation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(testing::sample_cache_dir() / "samples/manifest.json"))
        << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
    MiddleburyDiwOptions options;
    options.pairs_per_image = 150;
    options.seed = 5;
    make_diw_middlebury(testing::sample_cache_dir(), dir_ / "mb", options);
    dataset_ = read_diw_dataset(dir_ / "mb" / kMiddleburyDiwCsv);
  }

  DiwEstimatorPlan truth_plan(const std::string& name, TruthEstimator::Variant variant,
                              std::atomic<int>* calls = nullptr) const {
    const std::filesystem::path truth = dir_ / "mb/truth/images";
    return {name, {{"type", "truth"}}, {}, [truth, variant, calls] {
              return std::make_unique<TruthEstimator>(truth, variant, calls);
            }};
  }

  // Runs `plans` over `slice` into a new store at `path`.
  void run_store(const std::filesystem::path& path, const DiwDataset& slice, DiwShard shard,
                 const std::vector<DiwEstimatorPlan>& plans) {
    PredictionStore store(path);
    prepare_prediction_store(store, slice, identity(shard));
    predict_diw_entries(dataset_, slice.entries, plans, store);
    store.set_info("completed", "1");
  }

  DiwStoreIdentity identity(DiwShard shard) const {
    return {dataset_.csv_sha256, dataset_.entry_count(), shard, {{"ties", "wrong"}, {"paper_rows", nlohmann::json::array()}}};
  }

  testing::TempDir dir_;
  DiwDataset dataset_;
};

TEST_F(DiwEvaluation, TruthScoresOneItsNegationZeroAndItsInverseDeclaredAsDepthOne) {
  ASSERT_EQ(dataset_.entries.size(), 300u);
  run_store(dir_ / "store.sqlite", dataset_, {},
            {truth_plan("disparity", TruthEstimator::Variant::kDisparity),
             truth_plan("negated", TruthEstimator::Variant::kNegatedDisparity),
             truth_plan("depth", TruthEstimator::Variant::kDepth)});
  PredictionStore store(dir_ / "store.sqlite");
  const DiwResults results = score_prediction_store(store, TiePolicy::kWrong);
  ASSERT_EQ(results.models.size(), 3u);
  EXPECT_EQ(results.models[0].score.correct, 300);
  EXPECT_EQ(results.models[0].score.accuracy(TiePolicy::kWrong), 1.0);
  EXPECT_EQ(results.models[1].score.correct, 0);
  EXPECT_EQ(results.models[1].score.wrong, 300);
  EXPECT_EQ(results.models[2].score.accuracy(TiePolicy::kWrong), 1.0);
  EXPECT_EQ(results.best, 0);
  EXPECT_EQ(results.models[1].shared_pairs, 300);
  EXPECT_EQ(results.models[1].only_best_correct, 300);
  EXPECT_EQ(results.models[1].only_this_correct, 0);
}

TEST_F(DiwEvaluation, ResizedPredictionsAreScoredAtTheOriginalSize) {
  run_store(dir_ / "store.sqlite", dataset_, {}, {truth_plan("half", TruthEstimator::Variant::kHalfResolution)});
  PredictionStore store(dir_ / "store.sqlite");
  const DiwScore score = score_prediction_store(store, TiePolicy::kWrong).models[0].score;
  EXPECT_EQ(score.pairs, 300);
  // Halving and enlarging the truth blurs depth edges and Middlebury's unknown (NaN) pixels spread: most pairs stay
  // right, not all. A scorer that read the small map at the original coordinates would fail on most points.
  EXPECT_GT(score.correct, 240);
  EXPECT_LT(score.correct, 300);
}

TEST_F(DiwEvaluation, ResumeComputesOnlyWhatIsMissingAndBuildsNothingWhenDone) {
  std::atomic<int> calls{0};
  const std::vector<DiwEstimatorPlan> plans = {truth_plan("disparity", TruthEstimator::Variant::kDisparity, &calls)};
  {
    // A first run that saw only the aloe entries (as if killed after the first image).
    DiwDataset aloe = dataset_;
    aloe.entries.resize(150);
    PredictionStore store(dir_ / "store.sqlite");
    prepare_prediction_store(store, dataset_, identity({}));
    predict_diw_entries(dataset_, aloe.entries, plans, store);
  }
  EXPECT_EQ(calls.load(), 1);
  PredictionStore store(dir_ / "store.sqlite");
  prepare_prediction_store(store, dataset_, identity({}));  // same identity: accepted
  const DiwPredictSummary resumed = predict_diw_entries(dataset_, dataset_.entries, plans, store);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(resumed.images_processed, 1u);
  EXPECT_EQ(resumed.predictions_added, 150u);

  int builds = 0;
  std::vector<DiwEstimatorPlan> counting = plans;
  counting[0].build = [&] {
    ++builds;
    return plans[0].build();
  };
  predict_diw_entries(dataset_, dataset_.entries, counting, store);
  EXPECT_EQ(builds, 0);
  EXPECT_EQ(score_prediction_store(store, TiePolicy::kWrong).models[0].score.correct, 300);
}

TEST_F(DiwEvaluation, AStoreRefusesAnotherEvaluation) {
  PredictionStore store(dir_ / "store.sqlite");
  prepare_prediction_store(store, dataset_, identity({}));
  DiwStoreIdentity other = identity({});
  other.dataset_sha256 = "0123";
  EXPECT_THROW_MESSAGE(prepare_prediction_store(store, dataset_, other), UsageError,
                       "this prediction store was started for another evaluation: the DIW file's sha256 was " +
                           dataset_.csv_sha256 + ", now 0123 (the file changed)");
}

TEST_F(DiwEvaluation, MissingWeightsAndFailuresAreResultsNotCrashes) {
  const std::vector<DiwEstimatorPlan> plans = {
      {"absent", {{"type", "torchscript"}}, dir_ / "weights/model.pt", [] {
         ADD_FAILURE() << "an estimator without its weights must not be built";
         return std::unique_ptr<DepthEstimator>();
       }},
      {"unloadable", {{"type", "x"}}, {}, []() -> std::unique_ptr<DepthEstimator> {
         throw InputError("model.pt: truncated file");
       }},
      {"flaky", {{"type", "brightness"}}, {}, [] { return std::make_unique<PixelEstimator>(true); }},
      {"brightness", {{"type", "brightness"}}, {}, [] { return std::make_unique<PixelEstimator>(false); }}};
  run_store(dir_ / "store.sqlite", dataset_, {}, plans);
  PredictionStore store(dir_ / "store.sqlite");
  const DiwResults results = score_prediction_store(store, TiePolicy::kWrong);
  EXPECT_EQ(results.models[0].status, EstimatorStatus::kWeightsMissing);
  EXPECT_EQ(results.models[0].detail, "not run: weights missing at " + (dir_ / "weights/model.pt").string());
  EXPECT_EQ(results.models[1].status, EstimatorStatus::kFailed);
  EXPECT_EQ(results.models[1].detail, "not run: model.pt: truncated file");
  EXPECT_EQ(results.models[2].status, EstimatorStatus::kFailed);
  EXPECT_EQ(results.models[2].detail, "failed on " + dataset_.csv_path.string() +
                                          ":301 (./images/motorcycle_left.png): model exploded on this image");
  EXPECT_EQ(results.models[2].score.pairs, 150);  // the aloe pairs before the failure are kept
  EXPECT_EQ(results.models[3].status, EstimatorStatus::kOk);
  EXPECT_EQ(results.models[3].score.pairs, 300);
  EXPECT_EQ(results.best, 3);  // the only complete model

  // The report keeps every model with its reason.
  write_store_report(store, dir_ / "report");
  const std::string csv = read_file(dir_ / "report/results.csv");
  EXPECT_NE(csv.find("absent,torchscript,not run: weights missing at " + (dir_ / "weights/model.pt").string()),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("unloadable,x,not run: model.pt: truncated file"), std::string::npos) << csv;
  EXPECT_NE(csv.find("brightness,brightness,ok (best),300,"), std::string::npos) << csv;
}

TEST_F(DiwEvaluation, AnImageOfTheWrongSizeStopsTheRunNamingItsLine) {
  std::string csv = read_file(dataset_.csv_path);
  const std::string original = ",1282,1110\n";
  csv.replace(csv.find(original), original.size(), ",1282,1111\n");
  write_file_atomically(dir_ / "mb/wrong.csv", csv);
  const DiwDataset wrong = read_diw_dataset(dir_ / "mb/wrong.csv");
  PredictionStore store(dir_ / "store.sqlite");
  prepare_prediction_store(store, wrong, identity({}));
  const std::vector<DiwEstimatorPlan> plans = {
      {"brightness", {{"type", "brightness"}}, {}, [] { return std::make_unique<PixelEstimator>(false); }}};
  EXPECT_THROW_MESSAGE(predict_diw_entries(wrong, wrong.entries, plans, store), InputError,
                       (dir_ / "mb/wrong.csv").string() + ":2: image './images/aloeL.jpg' is 1282x1110 but the "
                                                          "annotation gives the original size 1282x1111");
}

TEST_F(DiwEvaluation, ShardsPartitionTheFileByImageDeterministically) {
  for (int count : {1, 2, 3}) {
    std::vector<int> lines;
    std::map<std::string, int> shard_of_image;
    for (int index = 1; index <= count; ++index) {
      const DiwDataset slice = shard_of(dataset_, {index, count});
      for (const DiwEntry& entry : slice.entries) {
        lines.push_back(entry.line);
        // Whole images only: a photo's pairs are never split between shards.
        EXPECT_EQ(shard_of_image.emplace(entry.image, index).first->second, index) << entry.image;
      }
    }
    ASSERT_EQ(lines.size(), 300u) << count << " shards";
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(std::adjacent_find(lines.begin(), lines.end()), lines.end());
  }
  EXPECT_EQ(shard_of(dataset_, {1, 2}).entries.front().image, "./images/aloeL.jpg");
  EXPECT_EQ(shard_of(dataset_, {2, 2}).entries.front().image, "./images/motorcycle_left.png");
  EXPECT_TRUE(shard_of(dataset_, {3, 3}).entries.empty());  // 2 images over 3 shards: group g goes to g * 3 / 2 + 1
  EXPECT_THROW_MESSAGE(parse_diw_shard("3/2"), UsageError, "shard '3/2' is not of the form k/N with 1 <= k <= N");
  EXPECT_THROW_MESSAGE(parse_diw_shard("x"), UsageError, "shard 'x' is not of the form k/N");
}

TEST_F(DiwEvaluation, ShardsMergedEqualOneRunAndBadSetsAreRefused) {
  const std::vector<DiwEstimatorPlan> plans = {
      truth_plan("disparity", TruthEstimator::Variant::kDisparity),
      {"brightness", {{"type", "brightness"}}, {}, [] { return std::make_unique<PixelEstimator>(false); }}};
  run_store(dir_ / "whole.sqlite", dataset_, {}, plans);
  for (int index : {1, 2}) {
    run_store(dir_ / concat("shard", index, ".sqlite"), shard_of(dataset_, {index, 2}), {index, 2}, plans);
  }
  const DiwMergeSummary summary =
      merge_prediction_stores({dir_ / "shard2.sqlite", dir_ / "shard1.sqlite"}, dir_ / "merged.sqlite");
  EXPECT_EQ(summary.shards, 2);
  EXPECT_EQ(summary.entries, 300);
  EXPECT_EQ(summary.predictions, 600);
  {
    PredictionStore whole(dir_ / "whole.sqlite");
    PredictionStore merged(dir_ / "merged.sqlite");
    write_store_report(whole, dir_ / "whole");
    write_store_report(merged, dir_ / "merged");
    for (const StoredEstimator& estimator : whole.estimators()) {
      const auto a = whole.predictions(estimator.id);
      const auto b = merged.predictions(estimator.id);
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].line, b[i].line);
        EXPECT_EQ(a[i].value_a, b[i].value_a);
        EXPECT_EQ(a[i].value_b, b[i].value_b);
      }
    }
  }
  EXPECT_EQ(read_file(dir_ / "merged/results.csv"), read_file(dir_ / "whole/results.csv"));

  const auto shard = [&](int index) { return dir_ / concat("shard", index, ".sqlite"); };
  EXPECT_THROW_MESSAGE(merge_prediction_stores({shard(1)}, dir_ / "m1.sqlite"), UsageError,
                       "missing shards: 2/2; a merge needs one store for each of 1/2 .. 2/2");
  EXPECT_THROW_MESSAGE(merge_prediction_stores({shard(1), shard(1), shard(2)}, dir_ / "m2.sqlite"), UsageError,
                       "overlapping shards: 1/2 is given twice (" + shard(1).string() + " and " + shard(1).string());
  EXPECT_THROW_MESSAGE(merge_prediction_stores({shard(1), shard(2)}, dir_ / "merged.sqlite"), UsageError,
                       (dir_ / "merged.sqlite").string() + " already exists");
  // Another shard count, another config, an unfinished shard.
  run_store(dir_ / "third.sqlite", shard_of(dataset_, {1, 3}), {1, 3}, plans);
  EXPECT_THROW_MESSAGE(merge_prediction_stores({shard(1), dir_ / "third.sqlite"}, dir_ / "m3.sqlite"), UsageError,
                       "they split the file differently (shard 1/2 vs 1/3)");
  {
    PredictionStore other(dir_ / "other.sqlite");
    DiwStoreIdentity changed = identity({2, 2});
    changed.settings["ties"] = "separate";
    prepare_prediction_store(other, shard_of(dataset_, {2, 2}), changed);
    other.set_info("completed", "1");
  }
  EXPECT_THROW_MESSAGE(merge_prediction_stores({shard(1), dir_ / "other.sqlite"}, dir_ / "m4.sqlite"), UsageError,
                       "their configs differ in ties: \"wrong\" vs \"separate\"");
  {
    PredictionStore unfinished(dir_ / "unfinished.sqlite");
    prepare_prediction_store(unfinished, shard_of(dataset_, {2, 2}), identity({2, 2}));
  }
  EXPECT_THROW_MESSAGE(merge_prediction_stores({shard(1), dir_ / "unfinished.sqlite"}, dir_ / "m5.sqlite"),
                       UsageError, "shard 2/2 did not finish; continue it with `depthstyle run CONFIG --shard 2/2 "
                                   "--resume` before merging");
  for (const char* name : {"m1.sqlite", "m2.sqlite", "m3.sqlite", "m4.sqlite", "m5.sqlite"}) {
    EXPECT_FALSE(std::filesystem::exists(dir_ / name)) << name;
  }
}

TEST_F(DiwEvaluation, MergeRefusesShardsThatRanDifferentModels) {
  const auto plan_with = [&](int variant) {
    DiwEstimatorPlan plan = truth_plan("disparity", TruthEstimator::Variant::kDisparity);
    plan.build = [truth = dir_ / "mb/truth/images", variant] {
      return std::make_unique<TruthEstimator>(truth, static_cast<TruthEstimator::Variant>(variant));
    };
    return plan;
  };
  run_store(dir_ / "a.sqlite", shard_of(dataset_, {1, 2}), {1, 2}, {plan_with(0)});
  run_store(dir_ / "b.sqlite", shard_of(dataset_, {2, 2}), {2, 2}, {plan_with(2)});
  EXPECT_THROW_MESSAGE(merge_prediction_stores({dir_ / "a.sqlite", dir_ / "b.sqlite"}, dir_ / "m.sqlite"), UsageError,
                       "estimator 'disparity' is not the same model in every shard: " + (dir_ / "a.sqlite").string() +
                           " ran {\"type\":\"truth\",\"variant\":0}, " + (dir_ / "b.sqlite").string() +
                           " ran {\"type\":\"truth\",\"variant\":2}");
}

TEST_F(DiwEvaluation, AModelMissingInOneShardKeepsThatShardsReasonAfterTheMerge) {
  DiwEstimatorPlan present = truth_plan("truth", TruthEstimator::Variant::kDisparity);
  DiwEstimatorPlan absent = present;
  absent.model_path = dir_ / "not/there.pt";
  run_store(dir_ / "a.sqlite", shard_of(dataset_, {1, 2}), {1, 2}, {present});
  run_store(dir_ / "b.sqlite", shard_of(dataset_, {2, 2}), {2, 2}, {absent});
  merge_prediction_stores({dir_ / "a.sqlite", dir_ / "b.sqlite"}, dir_ / "m.sqlite");
  PredictionStore merged(dir_ / "m.sqlite");
  const DiwResults results = score_prediction_store(merged, TiePolicy::kWrong);
  EXPECT_EQ(results.models[0].status, EstimatorStatus::kWeightsMissing);
  EXPECT_EQ(results.models[0].detail, "shard 2/2: not run: weights missing at " + (dir_ / "not/there.pt").string());
  EXPECT_EQ(results.models[0].score.pairs, 150);  // shard 1's predictions are kept
  EXPECT_EQ(results.best, -1);                    // nothing complete: no comparisons
}

// Hand-made store: ten '>' pairs; "best" right on 9 (wrong on pair 10), "other" right on 6 (wrong on 1, 2, 3, 4).
// Discordant pairs: best only on 1-4, other only on 10: b = 4, c = 1, exact McNemar p = 2 * P(X <= 1 | 5, 1/2)
// = 2 * 6 / 32 = 0.375. Clopper-Pearson 95% for 9 of 10: lower solves 10 L^9 (1 - L) + L^10 = 0.025 (bisection:
// 0.5549838829718046), upper = 0.975^(1/10) = 0.9974714214555382.
TEST(DiwResults, IntervalAndMcNemarAgainstHandValues) {
  testing::TempDir dir;
  PredictionStore store(dir / "store.sqlite");
  std::vector<DiwEntry> entries(10);
  for (int i = 0; i < 10; ++i) {
    entries[i].image = concat(i, ".png");
    entries[i].line = 2 * i + 1;
    entries[i].pair = {1, 1, 2, 2, DiwRelation::kAFarther, 4, 4};
  }
  SqliteTransaction transaction(store.database());
  store.add_entries(entries);
  const std::int64_t best = store.register_estimator("best", 0, {{"type", "x"}});
  const std::int64_t other = store.register_estimator("other", 1, {{"type", "x"}});
  for (int i = 0; i < 10; ++i) {
    const int line = entries[i].line;
    // Depth maps: '>' (A farther) is right when value_a > value_b.
    store.add_prediction(best, {line, i == 9 ? 1.0 : 2.0, 1.5, DepthMeaning::kDepth});
    store.add_prediction(other, {line, i < 4 ? 1.0 : 2.0, 1.5, DepthMeaning::kDepth});
  }
  store.set_estimator_status(best, EstimatorStatus::kOk, "");
  store.set_estimator_status(other, EstimatorStatus::kOk, "");
  transaction.commit();

  const DiwResults results = score_prediction_store(store, TiePolicy::kWrong);
  ASSERT_EQ(results.best, 0);
  const DiwModelResult& top = results.models[0];
  EXPECT_EQ(top.score.correct, 9);
  EXPECT_NEAR(top.interval_low, 0.5549838829718046, 1e-12);
  EXPECT_NEAR(top.interval_high, 0.9974714214555382, 1e-12);
  EXPECT_TRUE(std::isnan(top.mcnemar_p));
  const DiwModelResult& second = results.models[1];
  EXPECT_EQ(second.score.correct, 6);
  EXPECT_EQ(second.shared_pairs, 10);
  EXPECT_EQ(second.only_best_correct, 4);
  EXPECT_EQ(second.only_this_correct, 1);
  EXPECT_NEAR(second.mcnemar_p, 0.375, 1e-14);
}

TEST(DiwMiddleburySet, IsDeterministicAndItsPairsAgreeWithTheTruth) {
  ASSERT_TRUE(std::filesystem::exists(testing::sample_cache_dir() / "samples/manifest.json"))
      << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
  testing::TempDir dir;
  MiddleburyDiwOptions options;
  options.pairs_per_image = 40;
  options.seed = 9;
  const MiddleburyDiwSummary first = make_diw_middlebury(testing::sample_cache_dir(), dir / "a", options);
  EXPECT_FALSE(first.already_present);
  EXPECT_EQ(first.entries, 80);
  EXPECT_TRUE(make_diw_middlebury(testing::sample_cache_dir(), dir / "a", options).already_present);
  make_diw_middlebury(testing::sample_cache_dir(), dir / "b", options);
  EXPECT_EQ(read_file(dir / "a" / kMiddleburyDiwCsv), read_file(dir / "b" / kMiddleburyDiwCsv));
  options.seed = 10;
  EXPECT_THROW_MESSAGE(make_diw_middlebury(testing::sample_cache_dir(), dir / "a", options), UsageError,
                       "already holds a set made with other parameters or sources");

  // Every pair: two known pixels whose disparities differ by >= 15%, labelled with '>' = A farther = smaller
  // disparity, checked here against the original ground-truth files.
  const DiwDataset dataset = read_diw_dataset(dir / "a" / kMiddleburyDiwCsv);
  for (const DiwEntry& entry : dataset.entries) {
    const std::string photo = std::filesystem::path(entry.image).filename().string();
    const SampleFile& truth_file = *disparity_truth_of(photo);
    static std::map<std::string, cv::Mat> truths;
    if (!truths.count(photo)) {
      truths[photo] = load_disparity_truth(truth_file, sample_path(testing::sample_cache_dir(), truth_file.file_name));
    }
    const cv::Mat& truth = truths[photo];
    ASSERT_EQ(truth.cols, entry.pair.width);
    ASSERT_EQ(truth.rows, entry.pair.height);
    const float a = truth.at<float>(entry.pair.y_a - 1, entry.pair.x_a - 1);
    const float b = truth.at<float>(entry.pair.y_b - 1, entry.pair.x_b - 1);
    ASSERT_FALSE(std::isnan(a) || std::isnan(b));
    EXPECT_GE(std::max(a, b), 1.15f * std::min(a, b));
    EXPECT_EQ(entry.pair.relation, a < b ? DiwRelation::kAFarther : DiwRelation::kANearer);
  }
}

}  // namespace
}  // namespace depthstyle
