#include "depth/depth_prediction.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace depthstyle {

std::string to_string(DepthMeaning meaning) {
  return meaning == DepthMeaning::kDepth ? "depth" : "proximity";
}

DepthMeaning depth_meaning_from_string(const std::string& text) {
  if (text == "depth") return DepthMeaning::kDepth;
  if (text == "proximity" || text == "inverse_depth" || text == "disparity") return DepthMeaning::kProximity;
  throw UsageError(concat("unknown depth meaning '", text,
                          "': expected depth (bigger = farther) or proximity / inverse_depth / disparity "
                          "(bigger = nearer)"));
}

cv::Mat proximity_from_prediction(const DepthPrediction& prediction) {
  DEPTHSTYLE_ASSERT(prediction.values.type() == CV_32FC1);
  if (prediction.meaning == DepthMeaning::kProximity) return prediction.values;
  float max_depth = -std::numeric_limits<float>::infinity();
  for (int row = 0; row < prediction.values.rows; ++row) {
    const float* values = prediction.values.ptr<float>(row);
    for (int col = 0; col < prediction.values.cols; ++col) {
      if (!std::isnan(values[col]) && values[col] > max_depth) max_depth = values[col];
    }
  }
  cv::Mat proximity(prediction.values.size(), CV_32FC1);
  for (int row = 0; row < prediction.values.rows; ++row) {
    const float* values = prediction.values.ptr<float>(row);
    float* out = proximity.ptr<float>(row);
    for (int col = 0; col < prediction.values.cols; ++col) out[col] = max_depth - values[col];
  }
  return proximity;
}

int farther_order(DepthMeaning meaning, double first, double second) {
  if (std::isnan(first) || std::isnan(second) || first == second) return 0;
  const int depth_order = first > second ? 1 : -1;
  return meaning == DepthMeaning::kDepth ? depth_order : -depth_order;
}

}  // namespace depthstyle
