#include "depth/baselines.h"

#include "core/error.h"
#include "core/seeds.h"

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

class RandomEstimator : public DepthEstimator {
 public:
  explicit RandomEstimator(std::uint64_t seed) : seed_(seed) {}
  DepthPrediction estimate(const DepthQuery& query) override {
    if (query.image_path.empty()) {
      throw UsageError("the random depth baseline needs each image's path: it is the key of the image's noise");
    }
    std::uint64_t state = random_baseline_image_seed(seed_, query.image_path.generic_string());
    cv::Mat depth(query.size, CV_32FC1);
    constexpr float kUnit = 1.0f / static_cast<float>(1 << 24);
    for (int row = 0; row < depth.rows; ++row) {
      float* values = depth.ptr<float>(row);
      for (int col = 0; col < depth.cols; ++col) values[col] = static_cast<float>(splitmix64_next(state) >> 40) * kUnit;
    }
    return {depth, DepthMeaning::kDepth};
  }
  bool needs_pixels() const override { return false; }
  nlohmann::json describe() const override {
    return {{"type", "random"},
            {"seed", seed_},
            {"rule", "uniform [0,1) depth; SplitMix64 seeded with mix(seed, FNV-1a-64(image path)), row-major"}};
  }

 private:
  std::uint64_t seed_;
};

}  // namespace

std::uint64_t random_baseline_image_seed(std::uint64_t seed, std::string_view image_key) {
  std::uint64_t state = seed;
  return splitmix64_next(state) ^ fnv1a_64(image_key);
}

std::unique_ptr<DepthEstimator> make_vertical_estimator(const DepthEstimatorConfig&) {
  return std::make_unique<VerticalEstimator>();
}

std::unique_ptr<DepthEstimator> make_random_estimator(const DepthEstimatorConfig& config) {
  DEPTHSTYLE_ASSERT(config.seed >= 0);
  return std::make_unique<RandomEstimator>(static_cast<std::uint64_t>(config.seed));
}

}  // namespace depthstyle
