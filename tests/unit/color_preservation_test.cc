// Colour preservation against the reference port's `coral` computed by python3-torch
// (tests/fixtures/style/make_coral_fixtures.py), and the colour statistics of its output.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "io/depth_map.h"
#include "style/color_preservation.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// The fixtures store the R, G, B planes stacked as one (3H, W) float32 array.
cv::Mat planes_fixture(const std::string& name) {
  const cv::Mat planes = read_depth_map(testing::fixture_path("style/" + name + ".npy"));
  const int height = planes.rows / 3;
  std::vector<cv::Mat> channels;
  for (int c = 0; c < 3; ++c) channels.push_back(planes.rowRange(c * height, (c + 1) * height));
  cv::Mat rgb;
  cv::merge(channels, rgb);
  return rgb;
}

struct ColorMoments {
  cv::Vec3d mean;
  cv::Matx33d covariance;  // unbiased
};

ColorMoments moments_of(const cv::Mat& rgb) {
  cv::Mat samples = rgb.reshape(1, static_cast<int>(rgb.total()));
  cv::Mat covariance, mean;
  cv::calcCovarMatrix(samples, covariance, mean, cv::COVAR_NORMAL | cv::COVAR_ROWS | cv::COVAR_SCALE, CV_64F);
  covariance *= static_cast<double>(rgb.total()) / static_cast<double>(rgb.total() - 1);
  ColorMoments moments;
  for (int a = 0; a < 3; ++a) {
    moments.mean[a] = mean.at<double>(0, a);
    for (int b = 0; b < 3; ++b) moments.covariance(a, b) = covariance.at<double>(a, b);
  }
  return moments;
}

TEST(ColorPreservation, EqualsThePortWhenPixelCountsAgree) {
  for (const std::string name : {"coral_same_count", "coral_gray_style"}) {
    const cv::Mat matched = match_color_statistics(planes_fixture(name + "_source"), planes_fixture(name + "_target"));
    // float32 in PyTorch vs double algebra here: agreement to 1e-5 absolute on values of order 1.
    EXPECT_LE(cv::norm(matched, planes_fixture(name + "_expected"), cv::NORM_INF), 1e-5) << name;
  }
}

TEST(ColorPreservation, MatchesMeanAndCovarianceAtAnySize) {
  const cv::Mat style = planes_fixture("coral_sizes_source");      // 7x9 = 63 pixels
  const cv::Mat content = planes_fixture("coral_sizes_target");    // 30x20 = 600 pixels
  const cv::Mat matched = match_color_statistics(style, content);
  EXPECT_LE(cv::norm(matched, planes_fixture("coral_sizes_expected"), cv::NORM_INF), 1e-5);

  const ColorMoments want = moments_of(content);
  const ColorMoments got = moments_of(matched);
  for (int a = 0; a < 3; ++a) {
    EXPECT_NEAR(got.mean[a], want.mean[a], 1e-6) << "channel " << a;
    for (int b = 0; b < 3; ++b) {
      // the + I / (N - 1) regularisers leave a relative error of order 1/N_style = 1/63
      EXPECT_NEAR(got.covariance(a, b), want.covariance(a, b), 0.03 * want.covariance(a, a)) << a << "," << b;
    }
  }
  // The port's unnormalised version scales the deviation by sqrt((600 - 1) / (63 - 1)) = 3.108 instead.
  const ColorMoments port = moments_of(planes_fixture("coral_sizes_port"));
  for (int a = 0; a < 3; ++a) {
    EXPECT_NEAR(std::sqrt(port.covariance(a, a) / got.covariance(a, a)), std::sqrt(599.0 / 62.0), 0.01);
  }
}

TEST(ColorPreservation, FlatImagesAreRejectedByName) {
  const cv::Mat flat(4, 5, CV_32FC3, cv::Scalar(0.2, 0.5, 0.5));
  cv::Mat varied(4, 5, CV_32FC3);
  cv::randu(varied, 0.0f, 1.0f);
  EXPECT_THROW_MESSAGE(match_color_statistics(flat, varied, "flat.png", "photo.jpg"), InputError,
                       "flat.png: colour preservation needs every colour channel to vary, but channel R is constant");
  EXPECT_THROW_MESSAGE(match_color_statistics(varied, flat, "painting.jpg", "wall.png"), InputError,
                       "wall.png: colour preservation needs every colour channel to vary");
}

}  // namespace
}  // namespace depthstyle
