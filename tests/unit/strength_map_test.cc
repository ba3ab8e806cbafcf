// Algorithm 1 (strength map) against values computed by hand, and the resize of step 3 with unknown pixels.
// Tolerance 1e-6 absolute: the maps are float32, the arithmetic of steps 4-7 double.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"
#include "style/map_resize.h"
#include "style/strength_map.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr double kTolerance = 1e-6;

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

cv::Mat map_of(int rows, int cols, const std::vector<float>& values) {
  cv::Mat map(rows, cols, CV_32FC1);
  EXPECT_EQ(values.size(), map.total());
  std::copy(values.begin(), values.end(), map.ptr<float>());
  return map;
}

std::vector<float> values_of(const cv::Mat& map) {
  const cv::Mat dense = map.clone();
  return {dense.ptr<float>(), dense.ptr<float>() + dense.total()};
}

void expect_values(const cv::Mat& map, const std::vector<double>& expected, const std::string& context) {
  const std::vector<float> values = values_of(map);
  ASSERT_EQ(values.size(), expected.size()) << context;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(values[i])) << context << " [" << i << "] = " << values[i];
    } else {
      EXPECT_NEAR(values[i], expected[i], kTolerance) << context << " [" << i << "]";
    }
  }
}

struct StrengthCase {
  std::string name;
  DepthPrediction prediction;
  cv::Size feature_size;
  StrengthMapParams params;
  std::vector<double> expected;  // row-major, feature_size
};

TEST(StrengthMap, MatchesHandComputedValues) {
  const auto proximity = [](cv::Mat values) { return DepthPrediction{values, DepthMeaning::kProximity}; };
  const auto depth = [](cv::Mat values) { return DepthPrediction{values, DepthMeaning::kDepth}; };
  const std::vector<StrengthCase> cases = {
      // [0,1,2] -> normalised [0,.5,1] -> centred [-.5,0,.5] -> sigmoid(20 x) -> capped at 0.85
      {"paper setting", proximity(map_of(1, 3, {0, 1, 2})), {3, 1}, {20, 0.15}, {sigmoid(-10), 0.5, 0.85}},
      {"no cap", proximity(map_of(1, 3, {0, 1, 2})), {3, 1}, {20, 0}, {sigmoid(-10), 0.5, sigmoid(10)}},
      // depth [2,1,0] is proximity max-D = [0,1,2]: the same map
      {"depth meaning", depth(map_of(1, 3, {2, 1, 0})), {3, 1}, {20, 0}, {sigmoid(-10), 0.5, sigmoid(10)}},
      // scale and offset do not matter after step 4
      {"affine invariance", proximity(map_of(1, 3, {10, 15, 20})), {3, 1}, {4, 0}, {sigmoid(-2), 0.5, sigmoid(2)}},
      {"beta 0 is half strength", proximity(map_of(1, 3, {0, 5, 1})), {3, 1}, {0, 0}, {0.5, 0.5, 0.5}},
      {"beta 0 under a low cap", proximity(map_of(1, 3, {0, 5, 1})), {3, 1}, {0, 0.7}, {0.3, 0.3, 0.3}},
      {"eps 1 is plain AdaIN", proximity(map_of(1, 3, {0, 5, 1})), {3, 1}, {20, 1}, {0, 0, 0}},
      // skewed map: normalised [0, .1, 1], mean 11/30
      {"mean is subtracted", proximity(map_of(1, 3, {0, 1, 10})), {3, 1}, {3, 0},
       {sigmoid(-3 * 11.0 / 30), sigmoid(3 * (0.1 - 11.0 / 30)), sigmoid(3 * (1 - 11.0 / 30))}},
      {"constant map", proximity(map_of(2, 2, {7, 7, 7, 7})), {2, 2}, {20, 0.15}, {0.5, 0.5, 0.5, 0.5}},
      {"constant depth", depth(map_of(2, 2, {3, 3, 3, 3})), {2, 2}, {20, 0.6}, {0.4, 0.4, 0.4, 0.4}},
      {"nothing known", proximity(map_of(1, 2, {kNan, kNan})), {2, 1}, {20, 0}, {0.5, 0.5}},
      // unknown cell -> 0 after centring; known [0,2,1] -> [0,1,.5] - .5
      {"unknown cell", proximity(map_of(1, 4, {0, kNan, 2, 1})), {4, 1}, {2, 0},
       {sigmoid(-1), 0.5, sigmoid(1), 0.5}},
      // +inf (Middlebury's marker) and -inf are unknown too, in depth maps as in proximity maps
      {"infinite is unknown", depth(map_of(1, 4, {kInf, 2, 0, -kInf})), {4, 1}, {2, 0},
       {0.5, sigmoid(-1), sigmoid(1), 0.5}},
      // step 3, shrinking by area: 2x4 -> 1x2 averages the 2x2 blocks: [2, 6] -> [-.5, .5]
      {"area shrink", proximity(map_of(2, 4, {0, 2, 4, 6, 2, 4, 6, 8})), {2, 1}, {1, 0}, {sigmoid(-0.5), sigmoid(0.5)}},
      // shrinking averages known pixels only: left block {0, NaN, 2, 4} -> 2, right block {NaN x4} -> unknown;
      // one known cell is a constant map
      {"area shrink over unknowns", proximity(map_of(2, 4, {0, kNan, kNan, kNan, 2, 4, kNan, kNan})), {2, 1},
       {1, 0}, {0.5, 0.5}},
      // left block {0, NaN, 2, NaN} -> 1, right block {4, 6, NaN, 8} -> 6: [1, 6] -> [-.5, .5]
      {"area shrink mixed", proximity(map_of(2, 4, {0, kNan, 4, 6, 2, kNan, kNan, 8})), {2, 1}, {2, 0},
       {sigmoid(-1), sigmoid(1)}},
      // step 3, enlarging bilinearly (pixel centres): [0, 4] -> [0, 1, 3, 4] -> [0,.25,.75,1] - .5
      {"bilinear enlarge", proximity(map_of(1, 2, {0, 4})), {4, 1}, {4, 0},
       {sigmoid(-2), sigmoid(-1), sigmoid(1), sigmoid(2)}},
  };
  for (const StrengthCase& test : cases) {
    expect_values(strength_map(test.prediction, test.feature_size, test.params), test.expected, test.name);
  }
}

TEST(StrengthMap, DepthAndProximityOfTheSameSceneGiveTheSameMap) {
  // Depth 1/d and disparity d rank the pixels identically but are not affine to each other, so use D = c - d.
  cv::Mat disparity(37, 53, CV_32FC1);
  cv::randu(disparity, 1.0f, 40.0f);
  disparity.at<float>(3, 4) = kNan;
  const cv::Mat depth = 100.0f - disparity;
  const cv::Size feature_size(7, 5);
  const StrengthMapParams params{20, 0.15};
  const cv::Mat from_depth = strength_map({depth, DepthMeaning::kDepth}, feature_size, params);
  const cv::Mat from_proximity = strength_map({disparity, DepthMeaning::kProximity}, feature_size, params);
  EXPECT_LE(cv::norm(from_depth, from_proximity, cv::NORM_INF), 1e-5);
}

TEST(StrengthMap, ResizedConstantMapIsConstantDespiteRounding) {
  // 0.1 is not representable: averaging it over odd footprints around unknown pixels leaves ulp-sized differences,
  // which a plain min/max normalisation would blow up to [0, 1].
  cv::Mat constant(301, 199, CV_32FC1, cv::Scalar(0.1));
  for (int row = 0; row < constant.rows; row += 7) {
    for (int col = row % 5; col < constant.cols; col += 3) constant.at<float>(row, col) = kNan;
  }
  for (const cv::Size feature_size : {cv::Size(23, 37), cv::Size(411, 530)}) {
    const cv::Mat map = strength_map({constant, DepthMeaning::kDepth}, feature_size, {20, 0});
    double lowest = 0, highest = 0;
    cv::minMaxLoc(map, &lowest, &highest);
    EXPECT_EQ(lowest, 0.5) << feature_size;
    EXPECT_EQ(highest, 0.5) << feature_size;
  }
}

TEST(StrengthMap, CentredProximityIsTheSharedPartOfASweep) {
  const cv::Mat proximity = map_of(1, 3, {0, 1, 10});
  const cv::Mat centred = centred_proximity(proximity, {3, 1});
  expect_values(centred, {-11.0 / 30, 0.1 - 11.0 / 30, 1 - 11.0 / 30}, "centred");
  for (const double beta : {0.0, 1.0, 5.0, 20.0, 50.0}) {
    const StrengthMapParams params{beta, 0.15};
    EXPECT_EQ(cv::norm(strength_from_centred_proximity(centred, params),
                       strength_map({proximity, DepthMeaning::kProximity}, {3, 1}, params), cv::NORM_INF),
              0)
        << "beta " << beta;
  }
}

TEST(StrengthMap, RejectsParametersOutsideTheirRange) {
  const DepthPrediction prediction{map_of(1, 2, {0, 1}), DepthMeaning::kProximity};
  EXPECT_THROW_MESSAGE(strength_map(prediction, {2, 1}, {-1, 0.15}), UsageError,
                       "strength map: beta (prominence) must be a finite number >= 0, got -1");
  EXPECT_THROW_MESSAGE(strength_map(prediction, {2, 1}, {std::nan(""), 0.15}), UsageError,
                       "beta (prominence) must be a finite number >= 0, got nan");
  EXPECT_THROW_MESSAGE(strength_map(prediction, {2, 1}, {20, 1.5}), UsageError,
                       "strength map: eps (offset) must be in [0, 1], got 1.5");
  EXPECT_THROW_MESSAGE(strength_map(prediction, {2, 1}, {20, -0.1}), UsageError, "got -0.1");
}

TEST(MapResize, UnknownCellsStayUnknownAndDoNotLeak) {
  // 1x4 -> 1x2 by area: [NaN, NaN | 1, 3] -> [NaN, 2]
  expect_values(resize_map_ignoring_unknown(map_of(1, 4, {kNan, kInf, 1, 3}), {2, 1}), {kNan, 2}, "area");
  // enlarging [5, NaN] -> 1x4: the known neighbour alone decides, wherever it has weight
  expect_values(resize_map_ignoring_unknown(map_of(1, 2, {5, kNan}), {4, 1}), {5, 5, 5, kNan}, "bilinear");
  // same size: only the unknown marker changes
  expect_values(resize_map_ignoring_unknown(map_of(1, 3, {1, -kInf, 2}), {3, 1}), {1, kNan, 2}, "same size");
}

}  // namespace
}  // namespace depthstyle
