// Pictures of depth and disparity maps for reports: a perceptual colour map (turbo) over the map's known range,
// unknown (NaN) pixels in neutral grey.
#pragma once

#include <opencv2/core.hpp>

namespace depthstyle {

// `map`: CV_32FC1, any scale. Returns RGB float32 in [0,1] (CV_32FC3), the layout io/image.h saves.
// Larger values get warmer colours; for disparity/proximity that means nearer is red.
cv::Mat colorize_depth(const cv::Mat& map);

}  // namespace depthstyle
