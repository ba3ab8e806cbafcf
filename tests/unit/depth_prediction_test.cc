#include <cmath>
#include <limits>

#include "core/error.h"
#include "depth/depth_estimator.h"
#include "depth/depth_prediction.h"
#include "test_support.h"

namespace depthstyle {
namespace {

DepthEstimatorConfig estimator_config(const std::string& name, const std::string& type) {
  DepthEstimatorConfig config;
  config.name = name;
  config.type = type;
  return config;
}

TEST(DepthPrediction, ProximityOfDepthIsMaxMinusDepthAndNanStaysUnknown) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  cv::Mat depth = (cv::Mat_<float>(1, 4) << 2.0f, 5.0f, nan, 3.5f);
  const cv::Mat proximity = proximity_from_prediction({depth, DepthMeaning::kDepth});
  EXPECT_FLOAT_EQ(proximity.at<float>(0, 0), 3.0f);
  EXPECT_FLOAT_EQ(proximity.at<float>(0, 1), 0.0f);
  EXPECT_TRUE(std::isnan(proximity.at<float>(0, 2)));
  EXPECT_FLOAT_EQ(proximity.at<float>(0, 3), 1.5f);
}

TEST(DepthPrediction, ProximityIsReturnedUnchanged) {
  cv::Mat disparity = (cv::Mat_<float>(1, 3) << 0.25f, 1.0f, 0.5f);
  const cv::Mat proximity = proximity_from_prediction({disparity, DepthMeaning::kProximity});
  EXPECT_EQ(cv::norm(proximity, disparity, cv::NORM_INF), 0.0);
}

TEST(DepthPrediction, FartherOrderFlipsWithMeaningAndTiesAreZero) {
  EXPECT_EQ(farther_order(DepthMeaning::kDepth, 3.0f, 1.0f), 1);
  EXPECT_EQ(farther_order(DepthMeaning::kDepth, 1.0f, 3.0f), -1);
  EXPECT_EQ(farther_order(DepthMeaning::kProximity, 3.0f, 1.0f), -1);
  EXPECT_EQ(farther_order(DepthMeaning::kProximity, 1.0f, 3.0f), 1);
  EXPECT_EQ(farther_order(DepthMeaning::kDepth, 2.0f, 2.0f), 0);
  EXPECT_EQ(farther_order(DepthMeaning::kProximity, std::nanf(""), 2.0f), 0);
}

TEST(DepthPrediction, MeaningNamesRoundTripAndUnknownNamesAreRejected) {
  EXPECT_EQ(depth_meaning_from_string("disparity"), DepthMeaning::kProximity);
  EXPECT_EQ(depth_meaning_from_string("inverse_depth"), DepthMeaning::kProximity);
  EXPECT_EQ(depth_meaning_from_string(to_string(DepthMeaning::kDepth)), DepthMeaning::kDepth);
  EXPECT_THROW_MESSAGE(depth_meaning_from_string("near"), UsageError, "unknown depth meaning 'near'");
}

TEST(DepthEstimatorRegistry, VerticalBaselineMakesLowerRowsNearer) {
  auto estimator = make_depth_estimator(estimator_config("floor", "vertical"));
  EXPECT_FALSE(estimator->needs_pixels());
  const DepthPrediction prediction = estimator->estimate({"", {}, cv::Size(3, 5)});
  ASSERT_EQ(prediction.values.size(), cv::Size(3, 5));
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  EXPECT_FLOAT_EQ(prediction.values.at<float>(0, 2), 0.0f);
  EXPECT_FLOAT_EQ(prediction.values.at<float>(4, 0), 1.0f);
  EXPECT_EQ(farther_order(prediction.meaning, prediction.values.at<float>(1, 1), prediction.values.at<float>(3, 1)),
            1);
}

TEST(DepthEstimatorRegistry, UnknownTypeNamesTheEntryAndSuggests) {
  EXPECT_THROW_MESSAGE(make_depth_estimator(estimator_config("mine", "verticl")), UsageError,
                       "depth estimator 'mine': unknown type 'verticl' (did you mean 'vertical'?)");
}

}  // namespace
}  // namespace depthstyle
