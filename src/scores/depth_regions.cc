#include "scores/depth_regions.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "style/map_resize.h"

namespace depthstyle {

RegionMasks split_near_far(const cv::Mat& proximity, cv::Size size) {
  const cv::Mat resized = resize_map_ignoring_unknown(proximity, size, CV_64F);
  std::vector<double> known;
  known.reserve(resized.total());
  for (int row = 0; row < resized.rows; ++row) {
    const double* values = resized.ptr<double>(row);
    for (int col = 0; col < resized.cols; ++col) {
      if (!std::isnan(values[col])) known.push_back(values[col]);
    }
  }
  RegionMasks regions{cv::Mat::zeros(size, CV_8UC1), cv::Mat::zeros(size, CV_8UC1)};
  if (known.empty()) return regions;
  const std::size_t middle = known.size() / 2;
  std::nth_element(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(middle), known.end());
  double median = known[middle];
  if (known.size() % 2 == 0) {
    const double below = *std::max_element(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(middle));
    median = (below + median) / 2;
  }
  for (int row = 0; row < resized.rows; ++row) {
    const double* values = resized.ptr<double>(row);
    unsigned char* near = regions.near.ptr<unsigned char>(row);
    unsigned char* far = regions.far.ptr<unsigned char>(row);
    for (int col = 0; col < resized.cols; ++col) {
      near[col] = values[col] > median ? 1 : 0;  // false for NaN
      far[col] = values[col] < median ? 1 : 0;
    }
  }
  return regions;
}

}  // namespace depthstyle
