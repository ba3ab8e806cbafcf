// Ground-truth disparity of the sample photos, in one convention: float32 (CV_32FC1), the photo's size, bigger =
// nearer, NaN where the truth is unknown. The catalog states each file's marker of unknown pixels:
//   aloeGT.png           8-bit Middlebury disparity, 0 = unknown
//   motorcycle_disp.npz  float32 Middlebury 2014 disparity (array arr_0), inf = unknown
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>

#include "data/sample_catalog.h"

namespace depthstyle {

cv::Mat load_disparity_truth(const SampleFile& truth, const std::filesystem::path& path);

struct DisparityStats {
  double valid_fraction = 0;  // share of pixels with known disparity
  double min = 0;
  double max = 0;
  double median = 0;
};
// Over the known (non-NaN) pixels; all zero if none is known.
DisparityStats disparity_stats(const cv::Mat& disparity);

}  // namespace depthstyle
