// DIW scoring: the official resize (torch/image's bilinear image.scale) against hand values and two independent
// implementations, and the ordinal rule with the map's meaning, ties and unknown values.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "core/atomic_file.h"
#include "core/error.h"
#include "diw/diw_scoring.h"
#include "diw/torch_image_scale.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

cv::Mat row_map(std::vector<float> values) { return cv::Mat(values, true).reshape(1, 1); }

// Every output of the point-wise resize as a CV_64F image.
cv::Mat scale_everywhere(const cv::Mat& map, cv::Size target) {
  cv::Mat out(target, CV_64FC1);
  for (int row = 0; row < target.height; ++row) {
    for (int col = 0; col < target.width; ++col) out.at<double>(row, col) = torch_image_scale_at(map, target, row, col);
  }
  return out;
}

cv::Mat json_matrix(const nlohmann::json& values, int rows, int cols, int type) {
  cv::Mat out(rows, cols, type);
  for (int i = 0; i < rows * cols; ++i) {
    if (type == CV_32FC1) out.at<float>(i / cols, i % cols) = values[i].get<float>();
    else out.at<double>(i / cols, i % cols) = values[i].get<double>();
  }
  return out;
}

TEST(TorchImageScale, EnlargingAlignsTheEndsHandValues) {
  // [0, 10] -> 5 samples: scale (2 - 1) / (5 - 1) = 0.25.
  const cv::Mat out = scale_everywhere(row_map({0.0f, 10.0f}), {5, 1});
  for (int col = 0; col < 5; ++col) EXPECT_DOUBLE_EQ(out.at<double>(0, col), 2.5 * col);
}

TEST(TorchImageScale, ShrinkingAveragesTheFootprintWithFractionalWeightsHandValues) {
  // [1, 2, 3] -> 2 cells of 1.5 samples: (1 + 0.5 * 2) / 1.5 and (0.5 * 2 + 3) / 1.5, divided in float as the C code.
  const cv::Mat out = scale_everywhere(row_map({1.0f, 2.0f, 3.0f}), {2, 1});
  EXPECT_EQ(out.at<double>(0, 0), static_cast<double>(2.0f / 1.5f));
  EXPECT_EQ(out.at<double>(0, 1), static_cast<double>(4.0f / 1.5f));
}

TEST(TorchImageScale, EqualSizeIsAnExactCopy) {
  cv::Mat map(4, 6, CV_32FC1);
  cv::randu(map, -5.0f, 5.0f);
  const cv::Mat out = scale_everywhere(map, map.size());
  cv::Mat expected;
  map.convertTo(expected, CV_64F);
  EXPECT_EQ(cv::norm(out, expected, cv::NORM_INF), 0.0);
}

class TorchImageScaleReference : public ::testing::Test {
 protected:
  void SetUp() override {
    reference_ = nlohmann::json::parse(read_file(testing::fixture_path("diw/scale_reference.json")));
    source_ = json_matrix(reference_["source"], reference_["source_rows"], reference_["source_cols"], CV_32FC1);
  }
  cv::Mat expected(const std::string& name) const {
    const nlohmann::json& item = reference_["cases"][name];
    return json_matrix(item["values"], item["rows"], item["cols"], CV_64FC1);
  }
  nlohmann::json reference_;
  cv::Mat source_;
};

// PyTorch's bilinear interpolation with align_corners=True in float64 (tests/fixtures/diw/make_scale_fixtures.py).
// The C code computes positions and weights in float, so agreement is to float precision: 2e-6 for values in [-3, 7].
TEST_F(TorchImageScaleReference, EnlargingEqualsPyTorchAlignCornersBilinear) {
  const cv::Mat reference = expected("up_13x16");
  EXPECT_LT(cv::norm(scale_everywhere(source_, reference.size()), reference, cv::NORM_INF), 2e-6);
}

// OpenCV's INTER_AREA averages each output cell's footprint with fractional weights, as the shrinking pass does.
// Non-integer factors in both directions; the C code sums in float, so 1e-5 for values in [-3, 7].
TEST_F(TorchImageScaleReference, ShrinkingEqualsOpenCvAreaAveraging) {
  cv::Mat large(17, 23, CV_32FC1);
  cv::RNG random(7);
  random.fill(large, cv::RNG::UNIFORM, -3.0, 7.0);
  cv::Mat large_double, reference;
  large.convertTo(large_double, CV_64F);
  cv::resize(large_double, reference, {7, 5}, 0, 0, cv::INTER_AREA);
  EXPECT_LT(cv::norm(scale_everywhere(large, {7, 5}), reference, cv::NORM_INF), 1e-5);
}

// One axis enlarged, the other shrunk: width 7 -> 16 by PyTorch, then height 5 -> 3 by OpenCV (the two passes commute
// up to rounding; the code keeps torch/image's order, rows first, for its exact rounding).
TEST_F(TorchImageScaleReference, MixedResizeEnlargesOneAxisAndShrinksTheOther) {
  cv::Mat reference;
  cv::resize(expected("width_up_5x16"), reference, {16, 3}, 0, 0, cv::INTER_AREA);
  EXPECT_LT(cv::norm(scale_everywhere(source_, {16, 3}), reference, cv::NORM_INF), 1e-5);
}

DiwPair pair_at(int y_a, int x_a, int y_b, int x_b, DiwRelation relation, int width, int height) {
  DiwPair pair;
  pair.y_a = y_a;
  pair.x_a = x_a;
  pair.y_b = y_b;
  pair.x_b = x_b;
  pair.relation = relation;
  pair.width = width;
  pair.height = height;
  return pair;
}

TEST(DiwScoring, ReadsOneBasedYFirstAfterResizingToTheOriginalSize) {
  // A 2x3 map whose value encodes its position: 10 * row + col (0-based).
  const cv::Mat map = (cv::Mat_<float>(2, 3) << 0, 1, 2, 10, 11, 12);
  const DiwPointValues same = read_pair_values(map, pair_at(2, 3, 1, 2, DiwRelation::kAFarther, 3, 2));
  EXPECT_EQ(same.a, 12.0);  // y=2, x=3 -> row 1, col 2
  EXPECT_EQ(same.b, 1.0);   // y=1, x=2 -> row 0, col 1
  // Enlarged to 5x3 (width 5, height 3) with aligned ends: (y=2, x=3) is the centre -> 5 + 1 = 6.
  const DiwPointValues enlarged = read_pair_values(map, pair_at(2, 3, 3, 5, DiwRelation::kAFarther, 5, 3));
  EXPECT_DOUBLE_EQ(enlarged.a, 6.0);
  EXPECT_DOUBLE_EQ(enlarged.b, 12.0);
}

TEST(DiwScoring, RejectsMapsThatAreNotSingleChannelFloat) {
  EXPECT_THROW_MESSAGE(read_pair_values(cv::Mat(), pair_at(1, 1, 1, 2, DiwRelation::kAFarther, 2, 1)), InputError,
                       "an empty map");
  EXPECT_THROW_MESSAGE(read_pair_values(cv::Mat(1, 2, CV_8UC1), pair_at(1, 1, 1, 2, DiwRelation::kAFarther, 2, 1)),
                       InputError, "single-channel float32");
}

TEST(DiwScoring, TheMapsMeaningDecidesTheSign) {
  // A is farther ('>'): a depth map must have z_A > z_B, a proximity map z_A < z_B.
  EXPECT_EQ(score_pair(DiwRelation::kAFarther, DepthMeaning::kDepth, {5, 2}), DiwOutcome::kCorrect);
  EXPECT_EQ(score_pair(DiwRelation::kAFarther, DepthMeaning::kDepth, {2, 5}), DiwOutcome::kWrong);
  EXPECT_EQ(score_pair(DiwRelation::kAFarther, DepthMeaning::kProximity, {2, 5}), DiwOutcome::kCorrect);
  EXPECT_EQ(score_pair(DiwRelation::kAFarther, DepthMeaning::kProximity, {5, 2}), DiwOutcome::kWrong);
  EXPECT_EQ(score_pair(DiwRelation::kANearer, DepthMeaning::kDepth, {2, 5}), DiwOutcome::kCorrect);
  EXPECT_EQ(score_pair(DiwRelation::kANearer, DepthMeaning::kProximity, {5, 2}), DiwOutcome::kCorrect);
}

TEST(DiwScoring, TiesAndNanAreWrongOfficiallyAndCountedApart) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(score_pair(DiwRelation::kAFarther, DepthMeaning::kDepth, {3, 3}), DiwOutcome::kTie);
  EXPECT_EQ(score_pair(DiwRelation::kANearer, DepthMeaning::kProximity, {3, 3}), DiwOutcome::kTie);
  EXPECT_EQ(score_pair(DiwRelation::kAFarther, DepthMeaning::kDepth, {nan, 3}), DiwOutcome::kUnknown);

  DiwScore score;
  score.add(DiwRelation::kAFarther, DiwOutcome::kCorrect);
  score.add(DiwRelation::kAFarther, DiwOutcome::kTie);
  score.add(DiwRelation::kANearer, DiwOutcome::kCorrect);
  score.add(DiwRelation::kANearer, DiwOutcome::kWrong);
  score.add(DiwRelation::kANearer, DiwOutcome::kUnknown);
  EXPECT_EQ(score.pairs, 5);
  EXPECT_EQ(score.correct, 2);
  EXPECT_EQ(score.wrong, 1);
  EXPECT_EQ(score.ties, 1);
  EXPECT_EQ(score.unknown, 1);
  EXPECT_EQ(score.farther_pairs, 2);
  EXPECT_EQ(score.farther_correct, 1);
  EXPECT_EQ(score.nearer_pairs, 3);
  EXPECT_EQ(score.nearer_correct, 1);
  EXPECT_DOUBLE_EQ(score.accuracy(TiePolicy::kWrong), 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(score.whdr(TiePolicy::kWrong), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(score.accuracy(TiePolicy::kSeparate), 2.0 / 3.0);
  EXPECT_TRUE(std::isnan(DiwScore().accuracy(TiePolicy::kWrong)));
}

// A depth map and its inverse declared as proximity give the same outcome on every pair (at the original size, where
// no interpolation mixes values); declaring the inverse wrongly as depth flips every decided pair.
TEST(DiwScoring, DepthAndItsInverseAgreeWhenDeclaredCorrectly) {
  cv::Mat depth(30, 40, CV_32FC1);
  cv::RNG random(11);
  random.fill(depth, cv::RNG::UNIFORM, 0.5, 20.0);
  cv::Mat inverse;
  cv::divide(1.0, depth, inverse, CV_32F);
  std::mt19937 pick(3);
  DiwScore as_depth, as_proximity, as_wrong_meaning;
  for (int i = 0; i < 500; ++i) {
    DiwPair pair = pair_at(1 + pick() % 30, 1 + pick() % 40, 1 + pick() % 30, 1 + pick() % 40,
                           pick() % 2 ? DiwRelation::kAFarther : DiwRelation::kANearer, 40, 30);
    const DiwOutcome from_depth = score_pair(pair.relation, DepthMeaning::kDepth, read_pair_values(depth, pair));
    const DiwOutcome from_inverse =
        score_pair(pair.relation, DepthMeaning::kProximity, read_pair_values(inverse, pair));
    EXPECT_EQ(from_depth, from_inverse) << "pair " << i;
    as_depth.add(pair.relation, from_depth);
    as_proximity.add(pair.relation, from_inverse);
    as_wrong_meaning.add(pair.relation, score_pair(pair.relation, DepthMeaning::kDepth, read_pair_values(inverse, pair)));
  }
  EXPECT_EQ(as_depth.correct, as_proximity.correct);
  EXPECT_EQ(as_wrong_meaning.correct, as_depth.wrong);
  EXPECT_GT(as_depth.correct, 200);  // a random map against random labels: near 250, and never all or none
  EXPECT_LT(as_depth.correct, 300);
}

}  // namespace
}  // namespace depthstyle
