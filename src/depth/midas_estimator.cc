#include "depth/midas_estimator.h"

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "depth/network_estimator.h"
#include "tensor/checkpoint.h"
#include "tensor/tensor_image.h"
#include "nets/dpt.h"
#include "nets/midas.h"
#include "nets/midas_small.h"

namespace depthstyle {
namespace {

struct VersionInfo {
  std::string preset;
  std::string description;
};

VersionInfo version_info(const std::string& version) {
  if (version == "v1") return {"midas_v1", "MiDaS v1 (ResNet-50, model.pt)"};
  if (version == "v2") return {"midas_v2", "MiDaS v2 (ResNeXt-101 32x8d WSL, model-f46da743.pt)"};
  if (version == "v21") return {"midas_v21_large", "MiDaS v2.1 large (ResNeXt-101 32x8d WSL, midas_v21-f6b98070.pt)"};
  if (version == "v21_small") return {"midas_v21_small", "MiDaS v2.1 small (EfficientNet-Lite3, midas_v21_small_256.pt)"};
  if (version == "v3_large") return {"dpt_large_384", "MiDaS v3.0 DPT-Large (ViT-L/16, dpt_large_384.pt)"};
  if (version == "v31_beit_large_512") {
    return {"dpt_beit_large_512", "MiDaS v3.1 DPT-BEiT-L 512 (BEiT-L/16, dpt_beit_large_512.pt)"};
  }
  DEPTHSTYLE_ASSERT(version == "v3_hybrid");
  // The same run.py preset as DPT-Large (midas/model_loader.py: 384, "minimal", mean = std = 0.5).
  return {"dpt_large_384", "MiDaS v3.0 DPT-Hybrid (ViT-B/16 + ResNet-50, dpt_hybrid_384.pt)"};
}

// The version's network behind one call: 1x3xHxW normalised image -> 1x1xHxW relative inverse depth.
using NetworkForward = std::function<at::Tensor(const at::Tensor&)>;

template <typename Network, typename... Arguments>
NetworkForward forward_of(Arguments&&... arguments) {
  auto network = std::make_shared<const Network>(std::forward<Arguments>(arguments)...);
  return [network](const at::Tensor& image) { return network->forward(image); };
}

NetworkForward load_network(const std::string& version, const NamedTensors& weights, const std::string& source) {
  if (version == "v21_small") return forward_of<MidasSmallNetwork>(weights, source);
  if (version == "v3_large") return forward_of<DptNetwork>(DptVariant::kLarge, weights, source);
  if (version == "v3_hybrid") return forward_of<DptNetwork>(DptVariant::kHybrid, weights, source);
  if (version == "v31_beit_large_512") return forward_of<DptNetwork>(DptVariant::kBeitLarge512, weights, source);
  return forward_of<MidasNetwork>(version == "v1" ? MidasVersion::kV1 : MidasVersion::kV2, weights, source);
}

class MidasEstimator : public NetworkEstimator {
 public:
  MidasEstimator(const std::filesystem::path& path, const std::string& version, PreprocessingSpec spec,
                 NetworkForward network)
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
    return image_from_tensor(network_(tensor_from_image(input)));
  }

 private:
  NetworkForward network_;
  std::string version_;
};

}  // namespace

const std::vector<std::string>& midas_version_names() {
  static const std::vector<std::string> names = {"v1",       "v2",        "v21",
                                                 "v21_small", "v3_large", "v3_hybrid", "v31_beit_large_512"};
  return names;
}

std::string midas_version_files() {
  return "v1 = model.pt, v2 = model-f46da743.pt, v21 = midas_v21-f6b98070.pt, v21_small = midas_v21_small_256.pt, "
         "v3_large = dpt_large_384.pt, v3_hybrid = dpt_hybrid_384.pt, v31_beit_large_512 = dpt_beit_large_512.pt";
}

void check_midas_config(const DepthEstimatorConfig& config) {
  check_network_entry(config, "version", config.version, "MiDaS version", midas_version_names(),
                      midas_version_files());
}

std::unique_ptr<DepthEstimator> make_midas_estimator(const DepthEstimatorConfig& config) {
  check_midas_config(config);
  const std::filesystem::path path = model_file_of(config);
  NetworkForward network =
      load_network(config.version, midas_weights_from_checkpoint(read_checkpoint(path)), path.string());
  PreprocessingSpec spec = resolve_preprocessing(version_info(config.version).preset, config.preprocessing, "",
                                                 depth_estimator_context(config));
  return std::make_unique<MidasEstimator>(path, config.version, std::move(spec), std::move(network));
}

}  // namespace depthstyle
