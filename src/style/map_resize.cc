#include "style/map_resize.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace depthstyle {

cv::Mat map_with_unknown_as_nan(const cv::Mat& map) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  cv::Mat out = map.clone();
  out.forEach<float>([](float& value, const int*) {
    if (!std::isfinite(value)) value = std::numeric_limits<float>::quiet_NaN();
  });
  return out;
}

cv::Mat resize_map_ignoring_unknown(const cv::Mat& map, cv::Size size, int depth) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1 && !map.empty() && size.width > 0 && size.height > 0);
  DEPTHSTYLE_ASSERT(depth == CV_32F || depth == CV_64F);
  if (map.size() == size) {
    cv::Mat out;
    map_with_unknown_as_nan(map).convertTo(out, depth);
    return out;
  }

  cv::Mat values(map.size(), CV_64FC1);
  cv::Mat known(map.size(), CV_64FC1);
  for (int row = 0; row < map.rows; ++row) {
    const float* in = map.ptr<float>(row);
    double* value = values.ptr<double>(row);
    double* weight = known.ptr<double>(row);
    for (int col = 0; col < map.cols; ++col) {
      const bool is_known = std::isfinite(in[col]);
      value[col] = is_known ? in[col] : 0.0;
      weight[col] = is_known ? 1.0 : 0.0;
    }
  }
  const bool shrinking = size.width <= map.cols && size.height <= map.rows;
  const int interpolation = shrinking ? cv::INTER_AREA : cv::INTER_LINEAR;
  cv::Mat resized_values, resized_known;
  cv::resize(values, resized_values, size, 0, 0, interpolation);
  cv::resize(known, resized_known, size, 0, 0, interpolation);

  cv::Mat out(size, CV_64FC1);
  for (int row = 0; row < size.height; ++row) {
    const double* value = resized_values.ptr<double>(row);
    const double* weight = resized_known.ptr<double>(row);
    double* result = out.ptr<double>(row);
    for (int col = 0; col < size.width; ++col) {
      // Both filters are linear with non-negative coefficients, so a footprint without a known pixel sums exact
      // zeros to an exact 0, and any known pixel makes the weight positive.
      result[col] = weight[col] > 0.0 ? value[col] / weight[col] : std::numeric_limits<double>::quiet_NaN();
    }
  }
  if (depth == CV_64F) return out;
  cv::Mat narrowed;
  out.convertTo(narrowed, CV_32F);
  return narrowed;
}

}  // namespace depthstyle
