#include "depth/midas_estimator.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "core/text.h"
#include "depth/network_estimator.h"
#include "tensor/checkpoint.h"
#include "tensor/tensor_image.h"
#include "nets/midas.h"

namespace depthstyle {
namespace {

struct VersionInfo {
  MidasVersion network;
  std::string preset;
  std::string description;
};

VersionInfo version_info(const std::string& version) {
  if (version == "v1") return {MidasVersion::kV1, "midas_v1", "MiDaS v1 (ResNet-50, model.pt)"};
  if (version == "v2") return {MidasVersion::kV2, "midas_v2", "MiDaS v2 (ResNeXt-101 32x8d WSL, model-f46da743.pt)"};
  DEPTHSTYLE_ASSERT(version == "v21");
  return {MidasVersion::kV2, "midas_v21_large", "MiDaS v2.1 large (ResNeXt-101 32x8d WSL, midas_v21-f6b98070.pt)"};
}

class MidasEstimator : public NetworkEstimator {
 public:
  MidasEstimator(const std::filesystem::path& path, const std::string& version, PreprocessingSpec spec,
                 std::unique_ptr<MidasNetwork> network)
      : NetworkEstimator("midas", {path}, version_info(version).preset, std::move(spec)),
        network_(std::move(network)),
        version_(version) {}

  nlohmann::json describe() const override {
    nlohmann::json description = NetworkEstimator::describe();
    description["network"] = version_info(version_).description;
    description["version"] = version_;
    return description;
  }

 protected:
  cv::Mat run_model(const cv::Mat& input, const std::string& source) override {
    return image_from_tensor(network_->forward(tensor_from_image(input)));
  }

 private:
  std::unique_ptr<MidasNetwork> network_;
  std::string version_;
};

}  // namespace

const std::vector<std::string>& midas_version_names() {
  static const std::vector<std::string> names = {"v1", "v2", "v21"};
  return names;
}

void check_midas_config(const DepthEstimatorConfig& config) {
  const std::string context = depth_estimator_context(config);
  const std::vector<std::string>& versions = midas_version_names();
  if (config.version.empty()) {
    throw UsageError(concat(context, ": set version (v1 = model.pt, v2 = model-f46da743.pt, v21 = ",
                            "midas_v21-f6b98070.pt): the files do not say which network they hold"));
  }
  if (std::find(versions.begin(), versions.end(), config.version) == versions.end()) {
    throw UsageError(concat(context, ": unknown MiDaS version '", config.version, "'",
                            did_you_mean(config.version, versions), "; expected one of ", join(versions, ", "),
                            " (MiDaS v2.1 small: type onnx with model-small.onnx and preset midas_v21_small_onnx)"));
  }
  if (config.path.empty()) throw UsageError(concat(context, ": set path to the model file"));
}

std::unique_ptr<DepthEstimator> make_midas_estimator(const DepthEstimatorConfig& config) {
  check_midas_config(config);
  const std::filesystem::path path = model_file_of(config);
  const VersionInfo info = version_info(config.version);
  auto network = std::make_unique<MidasNetwork>(info.network, midas_weights_from_checkpoint(read_checkpoint(path)),
                                                path.string());
  PreprocessingSpec spec =
      resolve_preprocessing(info.preset, config.preprocessing, "", depth_estimator_context(config));
  return std::make_unique<MidasEstimator>(path, config.version, std::move(spec), std::move(network));
}

}  // namespace depthstyle
