#include "data/disparity_truth.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"
#include "io/depth_map.h"

namespace depthstyle {

cv::Mat load_disparity_truth(const SampleFile& truth, const std::filesystem::path& path) {
  if (truth.role != SampleRole::kDisparityTruth) {
    throw UsageError(concat(truth.file_name, " is a ", to_string(truth.role), ", not a ground-truth disparity map"));
  }
  cv::Mat disparity = read_depth_map(path);
  const bool zero_is_unknown = truth.unknown_marker == UnknownMarker::kZero;
  disparity.forEach<float>([zero_is_unknown](float& value, const int*) {
    if (!std::isfinite(value) || (zero_is_unknown && value == 0.0f)) value = std::numeric_limits<float>::quiet_NaN();
  });
  return disparity;
}

DisparityStats disparity_stats(const cv::Mat& disparity) {
  std::vector<float> known;
  known.reserve(disparity.total());
  for (int row = 0; row < disparity.rows; ++row) {
    const float* values = disparity.ptr<float>(row);
    for (int col = 0; col < disparity.cols; ++col) {
      if (!std::isnan(values[col])) known.push_back(values[col]);
    }
  }
  DisparityStats stats;
  if (known.empty()) return stats;
  const auto middle = known.begin() + static_cast<std::ptrdiff_t>(known.size() / 2);
  std::nth_element(known.begin(), middle, known.end());
  stats.median = *middle;
  const auto [lowest, highest] = std::minmax_element(known.begin(), known.end());
  stats.min = *lowest;
  stats.max = *highest;
  stats.valid_fraction = static_cast<double>(known.size()) / static_cast<double>(disparity.total());
  return stats;
}

}  // namespace depthstyle
