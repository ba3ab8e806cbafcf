#include "depth/dark_channel.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr double kBrightestShare = 0.001;  // He et al., Sec. 4.4: the top 0.1% of the dark channel
constexpr float kTransmissionFloor = 1e-3f;

// Per pixel min over channels, then min over the patch (an erosion; outside pixels never win).
cv::Mat patch_minimum(const cv::Mat& image, int patch) {
  cv::Mat channel_min(image.size(), CV_32FC1);
  for (int row = 0; row < image.rows; ++row) {
    const float* in = image.ptr<float>(row);
    float* out = channel_min.ptr<float>(row);
    for (int col = 0; col < image.cols; ++col) out[col] = std::min({in[3 * col], in[3 * col + 1], in[3 * col + 2]});
  }
  cv::Mat eroded;
  cv::erode(channel_min, eroded, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(patch, patch)));
  return eroded;
}

cv::Vec3f atmospheric_light(const cv::Mat& rgb, const cv::Mat& dark) {
  std::vector<float> values(dark.begin<float>(), dark.end<float>());
  const std::size_t count =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(kBrightestShare * values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(count - 1), values.end(),
                   std::greater<float>());
  const float threshold = values[count - 1];
  cv::Vec3f best(1, 1, 1);
  float best_intensity = -1;
  for (int row = 0; row < rgb.rows; ++row) {
    for (int col = 0; col < rgb.cols; ++col) {
      if (dark.at<float>(row, col) < threshold) continue;
      const cv::Vec3f& color = rgb.at<cv::Vec3f>(row, col);
      const float intensity = (color[0] + color[1] + color[2]) / 3.0f;
      if (intensity > best_intensity) best_intensity = intensity, best = color;
    }
  }
  for (int c = 0; c < 3; ++c) best[c] = std::max(best[c], 1e-6f);
  return best;
}

class DarkChannelEstimator : public DepthEstimator {
 public:
  explicit DarkChannelEstimator(DarkChannelOptions options) : options_(options) {}
  DepthPrediction estimate(const DepthQuery& query) override {
    if (query.rgb.empty()) throw UsageError(concat(query.image_path.string(), ": the dark-channel cue needs pixels"));
    return {dark_channel_depth(query.rgb, options_), DepthMeaning::kDepth};
  }
  nlohmann::json describe() const override {
    return {{"type", "dark_channel"},
            {"patch", options_.patch},
            {"omega", options_.omega},
            {"rule",
             "He et al. 2009: depth = -ln(max(1 - omega * dark(I / A), 1e-3)), A from the 0.1% haziest "
             "pixels, no soft matting"}};
  }

 private:
  DarkChannelOptions options_;
};

}  // namespace

cv::Mat dark_channel_depth(const cv::Mat& rgb, const DarkChannelOptions& options) {
  DEPTHSTYLE_ASSERT(rgb.type() == CV_32FC3 && options.patch >= 1 && options.patch % 2 == 1);
  const cv::Vec3f airlight = atmospheric_light(rgb, patch_minimum(rgb, options.patch));
  cv::Mat normalised;
  cv::divide(rgb, cv::Scalar(airlight[0], airlight[1], airlight[2]), normalised);
  const cv::Mat dark = patch_minimum(normalised, options.patch);
  cv::Mat depth(rgb.size(), CV_32FC1);
  const float omega = static_cast<float>(options.omega);
  for (int row = 0; row < depth.rows; ++row) {
    const float* in = dark.ptr<float>(row);
    float* out = depth.ptr<float>(row);
    for (int col = 0; col < depth.cols; ++col)
      out[col] = -std::log(std::max(1.0f - omega * in[col], kTransmissionFloor));
  }
  return depth;
}

std::unique_ptr<DepthEstimator> make_dark_channel_estimator(const DepthEstimatorConfig& config) {
  if (config.dark_channel_patch % 2 == 0) {
    throw UsageError(concat(depth_estimator_context(config),
                            ": dark_channel.patch must be odd (a window centred on "
                            "its pixel), got ",
                            config.dark_channel_patch));
  }
  return std::make_unique<DarkChannelEstimator>(
      DarkChannelOptions{config.dark_channel_patch, config.dark_channel_omega});
}

}  // namespace depthstyle
