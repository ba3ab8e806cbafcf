#include "style/strength_map.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/text.h"
#include "style/map_resize.h"

namespace depthstyle {
namespace {

// True if the map has no two different known values (or none at all).
bool known_values_are_equal(const cv::Mat& map) {
  bool seen = false;
  float first = 0;
  for (int row = 0; row < map.rows; ++row) {
    const float* values = map.ptr<float>(row);
    for (int col = 0; col < map.cols; ++col) {
      if (!std::isfinite(values[col])) continue;
      if (!seen) {
        first = values[col];
        seen = true;
      } else if (values[col] != first) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

void check_strength_map_params(const StrengthMapParams& params) {
  if (!(params.beta >= 0) || !std::isfinite(params.beta)) {
    throw UsageError(concat("strength map: beta (prominence) must be a finite number >= 0, got ",
                            format_number(params.beta)));
  }
  if (!(params.eps >= 0 && params.eps <= 1)) {
    throw UsageError(concat("strength map: eps (offset) must be in [0, 1], got ", format_number(params.eps)));
  }
}

cv::Mat proximity_with_unknowns(const DepthPrediction& prediction) {
  return proximity_from_prediction({map_with_unknown_as_nan(prediction.values), prediction.meaning});
}

cv::Mat centred_proximity(const cv::Mat& proximity, cv::Size feature_size) {
  DEPTHSTYLE_ASSERT(proximity.type() == CV_32FC1);
  cv::Mat centred = cv::Mat::zeros(feature_size, CV_32FC1);
  // Checked on the source: a resized constant map is constant only up to rounding, which step 4 would amplify.
  if (known_values_are_equal(proximity)) return centred;

  const cv::Mat resized = resize_map_ignoring_unknown(proximity, feature_size, CV_64F);
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -lowest;
  double sum = 0;
  std::size_t known = 0;
  for (int row = 0; row < resized.rows; ++row) {
    const double* values = resized.ptr<double>(row);
    for (int col = 0; col < resized.cols; ++col) {
      if (std::isnan(values[col])) continue;
      lowest = std::min(lowest, values[col]);
      highest = std::max(highest, values[col]);
      sum += values[col];
      ++known;
    }
  }
  // Varying known pixels can still average to one value per cell, or fall into a single known cell.
  if (known == 0 || !(highest > lowest)) return centred;

  const double span = highest - lowest;
  const double mean = (sum / static_cast<double>(known) - lowest) / span;  // mean of (v - lowest) / span
  for (int row = 0; row < resized.rows; ++row) {
    const double* values = resized.ptr<double>(row);
    float* out = centred.ptr<float>(row);
    for (int col = 0; col < resized.cols; ++col) {
      if (!std::isnan(values[col])) out[col] = static_cast<float>((values[col] - lowest) / span - mean);
    }
  }
  return centred;
}

cv::Mat strength_from_centred_proximity(const cv::Mat& centred, const StrengthMapParams& params) {
  DEPTHSTYLE_ASSERT(centred.type() == CV_32FC1);
  check_strength_map_params(params);
  const double cap = 1 - params.eps;
  cv::Mat strength(centred.size(), CV_32FC1);
  for (int row = 0; row < centred.rows; ++row) {
    const float* in = centred.ptr<float>(row);
    float* out = strength.ptr<float>(row);
    for (int col = 0; col < centred.cols; ++col) {
      const double sigmoid = 1 / (1 + std::exp(-params.beta * in[col]));
      out[col] = static_cast<float>(std::min(sigmoid, cap));
    }
  }
  return strength;
}

cv::Mat strength_map(const DepthPrediction& prediction, cv::Size feature_size, const StrengthMapParams& params) {
  check_strength_map_params(params);
  return strength_from_centred_proximity(centred_proximity(proximity_with_unknowns(prediction), feature_size),
                                         params);
}

}  // namespace depthstyle
