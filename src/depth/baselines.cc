#include "depth/baselines.h"

namespace depthstyle {
namespace {

class VerticalEstimator : public DepthEstimator {
 public:
  DepthPrediction estimate(const DepthQuery& query) override {
    cv::Mat proximity(query.size, CV_32FC1);
    const float step = query.size.height > 1 ? 1.0f / static_cast<float>(query.size.height - 1) : 0.0f;
    for (int row = 0; row < proximity.rows; ++row) proximity.row(row).setTo(static_cast<float>(row) * step);
    return {proximity, DepthMeaning::kProximity};
  }
  bool needs_pixels() const override { return false; }
  nlohmann::json describe() const override {
    return {{"type", "vertical"}, {"rule", "lower in the image = nearer; proximity = row / (height - 1)"}};
  }
};

}  // namespace

std::unique_ptr<DepthEstimator> make_vertical_estimator(const DepthEstimatorConfig&) {
  return std::make_unique<VerticalEstimator>();
}

}  // namespace depthstyle
