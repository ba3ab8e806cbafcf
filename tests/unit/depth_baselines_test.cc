// The estimators that need no network: random, file (precomputed maps), dark_channel. Built through their own
// factories: the registry links the TorchScript estimator, and with it LibTorch (its tests are in tests/torch/).
#include <cmath>
#include <random>

#include "core/error.h"
#include "data/disparity_truth.h"
#include "data/sample_catalog.h"
#include "depth/baselines.h"
#include "depth/dark_channel.h"
#include "depth/file_estimator.h"
#include "io/depth_map.h"
#include "io/image.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

DepthEstimatorConfig entry(const std::string& type) {
  DepthEstimatorConfig config;
  config.name = "test";
  config.type = type;
  return config;
}

std::unique_ptr<DepthEstimator> random_estimator(std::int64_t seed) {
  DepthEstimatorConfig config = entry("random");
  config.seed = seed;
  return make_random_estimator(config);
}

// Share of point pairs on which a prediction orders two points as a reference depth map does (ties count wrong, as
// DIW scoring does). Pairs whose reference values differ by less than `min_gap` are skipped.
double ordinal_accuracy(const DepthPrediction& prediction, const DepthPrediction& reference, int pairs,
                        std::uint32_t seed, float min_gap = 0) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> row(0, reference.values.rows - 1);
  std::uniform_int_distribution<int> col(0, reference.values.cols - 1);
  int correct = 0;
  int counted = 0;
  while (counted < pairs) {
    const cv::Point a(col(generator), row(generator));
    const cv::Point b(col(generator), row(generator));
    const float ref_a = reference.values.at<float>(a);
    const float ref_b = reference.values.at<float>(b);
    if (std::isnan(ref_a) || std::isnan(ref_b) || std::abs(ref_a - ref_b) < min_gap || ref_a == ref_b) continue;
    ++counted;
    const int truth = farther_order(reference.meaning, ref_a, ref_b);
    if (farther_order(prediction.meaning, prediction.values.at<float>(a), prediction.values.at<float>(b)) == truth) {
      ++correct;
    }
  }
  return static_cast<double>(correct) / counted;
}

TEST(RandomBaseline, SameSeedAndImageGiveTheSameMapWhateverTheOrder) {
  auto first = random_estimator(7);
  auto second = random_estimator(7);
  const DepthQuery a{"DIW_test/a.thumb", {}, cv::Size(40, 30)};
  const DepthQuery b{"DIW_test/b.thumb", {}, cv::Size(40, 30)};
  const cv::Mat a_first = first->estimate(a).values;
  const cv::Mat b_first = first->estimate(b).values;
  const cv::Mat b_second = second->estimate(b).values;  // the other order, a fresh estimator (another shard)
  const cv::Mat a_second = second->estimate(a).values;
  EXPECT_EQ(cv::norm(a_first, a_second, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(b_first, b_second, cv::NORM_INF), 0.0);
  EXPECT_GT(cv::norm(a_first, b_first, cv::NORM_INF), 0.5) << "different images get different noise";
  EXPECT_GT(cv::norm(a_first, random_estimator(8)->estimate(a).values, cv::NORM_INF), 0.5)
      << "different seeds give different noise";
  EXPECT_EQ(random_baseline_image_seed(7, "DIW_test/a.thumb"), random_baseline_image_seed(7, "DIW_test/a.thumb"));
  EXPECT_FALSE(first->needs_pixels());
  EXPECT_EQ(first->describe()["seed"], 7);
}

TEST(RandomBaseline, ValuesAreUniformInTheUnitIntervalAndScoreChanceOnOrdinalPairs) {
  auto estimator = random_estimator(3);
  const DepthQuery query{"scene.png", {}, cv::Size(300, 200)};
  const DepthPrediction noise = estimator->estimate(query);
  double low = 0;
  double high = 0;
  cv::minMaxLoc(noise.values, &low, &high);
  EXPECT_GE(low, 0.0);
  EXPECT_LT(high, 1.0);
  EXPECT_NEAR(cv::mean(noise.values)[0], 0.5, 0.005);  // 60,000 values: standard error 0.0012
  // Against a ramp, 20,000 pairs: accuracy 0.5 with standard error 0.0035; 0.015 is over 4 of them.
  cv::Mat ramp(query.size, CV_32FC1);
  for (int row = 0; row < ramp.rows; ++row) ramp.row(row).setTo(row * 1000 + 0.5f);
  for (int col = 0; col < ramp.cols; ++col) ramp.col(col) += col;
  EXPECT_NEAR(ordinal_accuracy(noise, {ramp, DepthMeaning::kDepth}, 20000, 11), 0.5, 0.015);
}

TEST(RandomBaseline, NeedsTheImagePathAsItsKey) {
  EXPECT_THROW_MESSAGE(random_estimator(1)->estimate({"", {}, cv::Size(2, 2)}), UsageError,
                       "the random depth baseline needs each image's path");
}

TEST(FileEstimator, FindsTheMapMirroringTheImagePathUnderImagesRoot) {
  TempDir dir;
  const cv::Mat map = (cv::Mat_<float>(2, 3) << 1, 2, 3, 4, 5, 6);
  write_depth_map(dir / "maps/DIW_test/0a1b.npy", map);
  write_depth_map(dir / "maps/flat.pfm", map * 2);
  DepthEstimatorConfig config = entry("file");
  config.path = (dir / "maps").string();
  config.images_root = (dir / "data").string();
  config.meaning = "disparity";
  auto estimator = make_file_estimator(config);
  EXPECT_FALSE(estimator->needs_pixels());
  const DepthPrediction found = estimator->estimate({dir / "data/./DIW_test/0a1b.thumb", {}, cv::Size(30, 20)});
  EXPECT_EQ(found.meaning, DepthMeaning::kProximity);
  EXPECT_EQ(cv::norm(found.values, map, cv::NORM_INF), 0.0) << "a map keeps its own resolution";

  config.images_root.clear();
  auto relative = make_file_estimator(config);
  EXPECT_EQ(cv::norm(relative->estimate({"./DIW_test/0a1b.jpg", {}, cv::Size(3, 2)}).values, map, cv::NORM_INF), 0.0)
      << "a relative image path is the key as given";
  EXPECT_EQ(relative->estimate({"/elsewhere/flat.jpg", {}, cv::Size(3, 2)}).values.at<float>(1, 2), 12.0f)
      << "an absolute image path without images_root keys by its file name";
}

TEST(FileEstimator, AMissingMapNamesTheImageAndEveryPathTried) {
  TempDir dir;
  fs::create_directories(dir / "maps");
  DepthEstimatorConfig config = entry("file");
  config.path = (dir / "maps").string();
  config.meaning = "depth";
  auto estimator = make_file_estimator(config);
  const std::string maps = (dir / "maps").string();
  EXPECT_THROW_MESSAGE(estimator->estimate({"sub/x.thumb", {}, cv::Size(3, 2)}), InputError,
                       "sub/x.thumb: no precomputed depth map; tried " + maps + "/sub/x.pfm, " + maps + "/sub/x.png, " +
                           maps + "/sub/x.npy, " + maps + "/sub/x.npz");
  config.images_root = (dir / "data").string();
  EXPECT_THROW_MESSAGE(make_file_estimator(config)->estimate({dir / "other/x.jpg", {}, cv::Size(3, 2)}), InputError,
                       "other/x.jpg: not inside images_root");
}

TEST(FileEstimator, EntryProblemsAreReportedBeforeAnyImage) {
  TempDir dir;
  DepthEstimatorConfig config = entry("file");
  EXPECT_THROW_MESSAGE(make_file_estimator(config), UsageError, "depth estimator 'test': set path to the folder");
  config.path = (dir / "nowhere").string();
  EXPECT_THROW_MESSAGE(make_file_estimator(config), UsageError, "depth estimator 'test': set meaning");
  config.meaning = "depth";
  EXPECT_THROW_MESSAGE(make_file_estimator(config), InputError,
                       config.path + ": not a folder of precomputed depth maps (depth estimator 'test')");
}

TEST(FileEstimator, ACorruptMapIsAnInputErrorNamingTheMap) {
  TempDir dir;
  testing::write_text(dir / "maps/x.npy", "not numpy");
  DepthEstimatorConfig config = entry("file");
  config.path = (dir / "maps").string();
  config.meaning = "depth";
  EXPECT_THROW_MESSAGE(make_file_estimator(config)->estimate({"x.jpg", {}, cv::Size(3, 2)}), InputError,
                       (dir / "maps/x.npy").string());
}

TEST(DarkChannel, HazierPixelsAreFarther) {
  // Left half: a saturated colour (one channel black, a clear haze-free patch); right half: grey haze.
  cv::Mat rgb(20, 40, CV_32FC3, cv::Scalar(0.8f, 0.1f, 0.0f));
  rgb(cv::Rect(20, 0, 20, 20)).setTo(cv::Scalar(0.7f, 0.7f, 0.7f));
  const cv::Mat depth = dark_channel_depth(rgb, {3, 0.95});
  ASSERT_EQ(depth.size(), rgb.size());
  EXPECT_NEAR(depth.at<float>(10, 2), 0.0f, 1e-6) << "dark channel 0: transmission 1";
  // A = the grey (brightest dark channel): I / A = 1, t = 1 - 0.95.
  EXPECT_NEAR(depth.at<float>(10, 37), -std::log(0.05f), 1e-5);
  EXPECT_GT(depth.at<float>(10, 37), depth.at<float>(10, 2));
}

// Measured once (deterministic: fixed pairs, fixed algorithm) and pinned, so a change to the cue shows up here. The
// haze prior is above chance on aloe (0.629) and below it on the indoor motorcycle close-up (0.421), where dark,
// saturated parts are near only by accident; the vertical baseline beats it on both (0.741 and 0.810 on the same
// pairs): these scenes are not hazy.
TEST(DarkChannel, GivesAFiniteDepthMapOfTheRealSamplePhotosScoredOnTheirGroundTruth) {
  const fs::path samples = testing::sample_cache_dir() / "samples";
  ASSERT_TRUE(fs::exists(samples / "aloeL.jpg")) << "run 'build/depthstyle data fetch-samples' first";
  const struct {
    const char* photo;
    double low;
    double high;
  } expectations[] = {{"aloeL.jpg", 0.61, 0.65}, {"motorcycle_left.png", 0.40, 0.44}};
  for (const auto& expectation : expectations) {
    const Image image = load_image(samples / expectation.photo);
    const DepthQuery query{samples / expectation.photo, image.rgb, image.rgb.size()};
    const DepthPrediction prediction = make_dark_channel_estimator(entry("dark_channel"))->estimate(query);
    ASSERT_EQ(prediction.values.size(), image.rgb.size()) << expectation.photo;
    EXPECT_EQ(prediction.meaning, DepthMeaning::kDepth);
    EXPECT_TRUE(cv::checkRange(prediction.values)) << expectation.photo << ": NaN or infinity in the map";
    const SampleFile* truth_file = disparity_truth_of(expectation.photo);
    ASSERT_NE(truth_file, nullptr);
    const DepthPrediction truth{load_disparity_truth(*truth_file, samples / truth_file->file_name),
                                DepthMeaning::kProximity};
    // 5000 pairs with a clear disparity difference (>= 10% of the range), like DIW's clearly ordered pairs:
    // standard error of an accuracy near 0.6 is 0.007.
    const DisparityStats stats = disparity_stats(truth.values);
    const auto min_gap = static_cast<float>(0.1 * (stats.max - stats.min));
    const double accuracy = ordinal_accuracy(prediction, truth, 5000, 5, min_gap);
    const double vertical =
        ordinal_accuracy(make_vertical_estimator(entry("vertical"))->estimate(query), truth, 5000, 5, min_gap);
    std::cout << expectation.photo << ": ordinal accuracy on 5000 ground-truth pairs: dark channel " << accuracy
              << ", vertical " << vertical << "\n";
    EXPECT_GE(accuracy, expectation.low) << expectation.photo;
    EXPECT_LE(accuracy, expectation.high) << expectation.photo;
  }
}

TEST(DarkChannel, AnEvenPatchIsRejectedNamingTheEntry) {
  DepthEstimatorConfig config = entry("dark_channel");
  config.dark_channel_patch = 14;
  EXPECT_THROW_MESSAGE(make_dark_channel_estimator(config), UsageError,
                       "depth estimator 'test': dark_channel.patch must be odd");
}

}  // namespace
}  // namespace depthstyle
