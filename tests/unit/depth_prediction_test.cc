#include <cmath>
#include <limits>

#include "core/error.h"
#include "depth/depth_prediction.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

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

}  // namespace
}  // namespace depthstyle
