#include "report/depth_preview.h"

#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace depthstyle {

cv::Mat colorize_depth(const cv::Mat& map) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  float lowest = std::numeric_limits<float>::infinity();
  float highest = -lowest;
  for (int row = 0; row < map.rows; ++row) {
    const float* values = map.ptr<float>(row);
    for (int col = 0; col < map.cols; ++col) {
      if (std::isnan(values[col])) continue;
      lowest = std::min(lowest, values[col]);
      highest = std::max(highest, values[col]);
    }
  }
  const float span = highest > lowest ? highest - lowest : 1.0f;

  cv::Mat levels(map.size(), CV_8UC1);
  cv::Mat unknown(map.size(), CV_8UC1);
  for (int row = 0; row < map.rows; ++row) {
    const float* values = map.ptr<float>(row);
    for (int col = 0; col < map.cols; ++col) {
      const bool known = !std::isnan(values[col]) && std::isfinite(lowest);
      unknown.at<std::uint8_t>(row, col) = known ? 0 : 255;
      levels.at<std::uint8_t>(row, col) =
          known ? cv::saturate_cast<std::uint8_t>(std::lround(255.0f * (values[col] - lowest) / span)) : 0;
    }
  }
  cv::Mat bgr;
  cv::applyColorMap(levels, bgr, cv::COLORMAP_TURBO);
  bgr.setTo(cv::Scalar(128, 128, 128), unknown);
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  rgb.convertTo(rgb, CV_32FC3, 1.0 / 255.0);
  return rgb;
}

}  // namespace depthstyle
