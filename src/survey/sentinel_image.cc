#include "survey/sentinel_image.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.h"
#include "core/seeds.h"

namespace depthstyle {

cv::Mat degrade_for_sentinel(const cv::Mat& rgb, double blur, double noise, std::uint64_t seed) {
  DEPTHSTYLE_ASSERT(rgb.type() == CV_32FC3 && !rgb.empty());
  cv::Mat degraded;
  const double sigma = blur * std::min(rgb.rows, rgb.cols);
  if (sigma > 0) {
    cv::GaussianBlur(rgb, degraded, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT_101);
  } else {
    degraded = rgb.clone();
  }
  if (noise > 0) {
    std::mt19937_64 generator(seed);
    const double two_pi = 2 * M_PI;
    for (int y = 0; y < degraded.rows; ++y) {
      float* row = degraded.ptr<float>(y);
      for (int i = 0; i < degraded.cols * 3; i += 2) {
        // Box-Muller: two independent standard normals from two uniforms (1 - u keeps the logarithm finite).
        const double radius = std::sqrt(-2 * std::log(1 - uniform_unit(generator)));
        const double angle = two_pi * uniform_unit(generator);
        row[i] = static_cast<float>(std::clamp(row[i] + noise * radius * std::cos(angle), 0.0, 1.0));
        if (i + 1 < degraded.cols * 3) {
          row[i + 1] = static_cast<float>(std::clamp(row[i + 1] + noise * radius * std::sin(angle), 0.0, 1.0));
        }
      }
    }
  } else {
    cv::min(cv::max(degraded, 0.0), 1.0, degraded);
  }
  return degraded;
}

}  // namespace depthstyle
