// Resizing single-channel maps that have unknown cells: depth and proximity maps (NaN or +-inf = unknown, e.g.
// Middlebury's missing disparity) on their way to an image's or a feature level's size.
//
// The interpolation is a normalised convolution: the known values and the known-ness (1 or 0) are resized with the
// same linear filter and divided, so unknown pixels neither leak in as zeros nor spread NaN over their neighbours.
//   shrinking (neither side grows)  area averaging: each target cell is the mean of the known source pixels it
//                                   covers. No aliasing, and the result never leaves the range of the known values,
//                                   so min/max normalisation afterwards is not driven by filter overshoot.
//   enlarging (a side grows)        bilinear (OpenCV's pixel-centre convention), over known neighbours only.
// A target cell with no known source pixel under its footprint is NaN. The filtering runs in double: footprints of
// 10^5 pixels and more (a 3000 px map to a 1/8 feature grid and below) would otherwise accumulate float rounding.
#pragma once

#include <opencv2/core.hpp>

namespace depthstyle {

// `map`: CV_32FC1, any size >= 1x1. Returns a map of `size` with `depth` CV_32F or CV_64F; a map already of that size
// is returned converted, with its non-finite values replaced by NaN.
cv::Mat resize_map_ignoring_unknown(const cv::Mat& map, cv::Size size, int depth = CV_32F);

// The map with every non-finite value (NaN, +inf, -inf) replaced by NaN, the one marker of "unknown" downstream.
cv::Mat map_with_unknown_as_nan(const cv::Mat& map);

}  // namespace depthstyle
