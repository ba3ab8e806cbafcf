#include "depth/depth_anything_estimator.h"

#include <ATen/ATen.h>

#include <memory>
#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "depth/network_estimator.h"
#include "nets/depth_anything.h"
#include "tensor/checkpoint.h"
#include "tensor/tensor_image.h"

namespace depthstyle {
namespace {

// The reference code's preprocessing of each generation (depth/preprocessing.h).
std::string preset_of(DepthAnythingVariant variant) {
  return concat("depth_anything_v", depth_anything_generation(variant));
}

std::string description_of(DepthAnythingVariant variant) {
  return concat(depth_anything_title(variant), " (DINOv2 ", depth_anything_encoder(variant), " + DPT head, ",
                depth_anything_file(variant), ")");
}

class DepthAnythingEstimator : public NetworkEstimator {
 public:
  DepthAnythingEstimator(const std::filesystem::path& path, PreprocessingSpec spec,
                         std::unique_ptr<const DepthAnythingNetwork> network)
      : NetworkEstimator("depth_anything", {path}, preset_of(network->variant()), std::move(spec)),
        network_(std::move(network)) {}

  nlohmann::json describe() const override {
    nlohmann::json description = NetworkEstimator::describe();
    description["network"] = description_of(network_->variant());
    description["variant"] = to_string(network_->variant());
    return description;
  }

 protected:
  cv::Mat run_model(const cv::Mat& input, const std::string& source) override {
    return image_from_tensor(network_->forward(tensor_from_image(input)));
  }

 private:
  std::unique_ptr<const DepthAnythingNetwork> network_;
};

}  // namespace

std::string depth_anything_variant_files() {
  std::vector<std::string> pairs;
  for (DepthAnythingVariant variant : depth_anything_variants()) {
    pairs.push_back(concat(to_string(variant), " = ", depth_anything_file(variant)));
  }
  return join(pairs, ", ");
}

void check_depth_anything_config(const DepthEstimatorConfig& config) {
  check_network_entry(config, "variant", config.variant, "Depth Anything variant", depth_anything_variant_names(),
                      depth_anything_variant_files());
}

std::unique_ptr<DepthEstimator> make_depth_anything_estimator(const DepthEstimatorConfig& config) {
  check_depth_anything_config(config);
  const std::filesystem::path path = model_file_of(config);
  auto network = std::make_unique<const DepthAnythingNetwork>(depth_anything_variant_from_string(config.variant),
                                                              read_checkpoint(path).tensors, path.string());
  PreprocessingSpec spec = resolve_preprocessing(preset_of(network->variant()), config.preprocessing, "",
                                                 depth_estimator_context(config));
  return std::make_unique<DepthAnythingEstimator>(path, std::move(spec), std::move(network));
}

}  // namespace depthstyle
