// The degraded image of a sentinel ("vigilance") trial: a copy of a study image that every attentive respondent
// likes less. Gaussian blur with sd = blur x the smaller side (pixels), then Gaussian noise of sd `noise` added to
// every channel of every pixel (values in [0,1]), clamped to [0,1].
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>

namespace depthstyle {

// `rgb`: CV_32FC3 in [0,1] (io/image.h). The noise comes from std::mt19937_64(seed) through core/seeds.h draws and
// a Box-Muller transform, so the same seed gives the same picture everywhere.
cv::Mat degrade_for_sentinel(const cv::Mat& rgb, double blur, double noise, std::uint64_t seed);

}  // namespace depthstyle
