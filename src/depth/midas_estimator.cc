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

// The version's network behind one call: 1x3xHxW normalised image -> 1x1xHxW relative inverse depth.
using NetworkForward = std::function<at::Tensor(const at::Tensor&)>;

template <typename Network, typename... Arguments>
NetworkForward forward_of(Arguments&&... arguments) {
  auto network = std::make_shared<const Network>(std::forward<Arguments>(arguments)...);
  return [network](const at::Tensor& image) { return network->forward(image); };
}

template <MidasVersion version>
NetworkForward load_midas(const NamedTensors& weights, const std::string& source) {
  return forward_of<MidasNetwork>(version, weights, source);
}

template <DptVariant variant>
NetworkForward load_dpt(const NamedTensors& weights, const std::string& source) {
  return forward_of<DptNetwork>(variant, weights, source);
}

NetworkForward load_midas_small(const NamedTensors& weights, const std::string& source) {
  return forward_of<MidasSmallNetwork>(weights, source);
}

// Every MiDaS version the estimator runs, in the order the errors list them: the one definition of its name, file,
// preset and network.
struct MidasVersionEntry {
  const char* name;      // the config's `version`
  const char* file;      // the published weight file it runs
  const char* preset;    // its preprocessing preset (depth/preprocessing.h): run.py's settings for it
  const char* title;     // describe()'s "network" is "<title> (<backbone>, <file>)"
  const char* backbone;
  NetworkForward (*load)(const NamedTensors& weights, const std::string& source);
};

const std::vector<MidasVersionEntry>& midas_versions() {
  static const std::vector<MidasVersionEntry> versions = {
      {"v1", "model.pt", "midas_v1", "MiDaS v1", "ResNet-50", &load_midas<MidasVersion::kV1>},
      {"v2", "model-f46da743.pt", "midas_v2", "MiDaS v2", "ResNeXt-101 32x8d WSL", &load_midas<MidasVersion::kV2>},
      {"v21", "midas_v21-f6b98070.pt", "midas_v21_large", "MiDaS v2.1 large", "ResNeXt-101 32x8d WSL",
       &load_midas<MidasVersion::kV2>},
      {"v21_small", "midas_v21_small_256.pt", "midas_v21_small", "MiDaS v2.1 small", "EfficientNet-Lite3",
       &load_midas_small},
      {"v3_large", "dpt_large_384.pt", "dpt_large_384", "MiDaS v3.0 DPT-Large", "ViT-L/16",
       &load_dpt<DptVariant::kLarge>},
      // The same run.py preset as DPT-Large (midas/model_loader.py: 384, "minimal", mean = std = 0.5).
      {"v3_hybrid", "dpt_hybrid_384.pt", "dpt_large_384", "MiDaS v3.0 DPT-Hybrid", "ViT-B/16 + ResNet-50",
       &load_dpt<DptVariant::kHybrid>},
      {"v31_beit_large_512", "dpt_beit_large_512.pt", "dpt_beit_large_512", "MiDaS v3.1 DPT-BEiT-L 512", "BEiT-L/16",
       &load_dpt<DptVariant::kBeitLarge512>},
  };
  return versions;
}

// The entry of a version check_midas_config accepted.
const MidasVersionEntry& midas_version(const std::string& name) {
  for (const MidasVersionEntry& entry : midas_versions()) {
    if (name == entry.name) return entry;
  }
  assertion_failed("a MiDaS version check_midas_config accepted", __FILE__, __LINE__);
}

class MidasEstimator : public NetworkEstimator {
 public:
  MidasEstimator(const std::filesystem::path& path, const MidasVersionEntry& version, PreprocessingSpec spec,
                 NetworkForward network)
      : NetworkEstimator("midas", {path}, version.preset, std::move(spec)),
        network_(std::move(network)),
        version_(version) {}

  nlohmann::json describe() const override {
    nlohmann::json description = NetworkEstimator::describe();
    description["network"] = concat(version_.title, " (", version_.backbone, ", ", version_.file, ")");
    description["version"] = version_.name;
    return description;
  }

 protected:
  cv::Mat run_model(const cv::Mat& input, const std::string& source) override {
    return image_from_tensor(network_(tensor_from_image(input)));
  }

 private:
  NetworkForward network_;
  const MidasVersionEntry& version_;
};

}  // namespace

const std::vector<std::string>& midas_version_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const MidasVersionEntry& entry : midas_versions()) list.emplace_back(entry.name);
    return list;
  }();
  return names;
}

std::string midas_version_files() {
  std::string text;
  for (const MidasVersionEntry& entry : midas_versions()) {
    text += concat(text.empty() ? "" : ", ", entry.name, " = ", entry.file);
  }
  return text;
}

void check_midas_config(const DepthEstimatorConfig& config) {
  check_network_entry(config, "version", config.version, "MiDaS version", midas_version_names(),
                      midas_version_files());
}

std::unique_ptr<DepthEstimator> make_midas_estimator(const DepthEstimatorConfig& config) {
  check_midas_config(config);
  const MidasVersionEntry& version = midas_version(config.version);
  const std::filesystem::path path = model_file_of(config);
  NetworkForward network = version.load(midas_weights_from_checkpoint(read_checkpoint(path)), path.string());
  PreprocessingSpec spec =
      resolve_preprocessing(version.preset, config.preprocessing, "", depth_estimator_context(config));
  return std::make_unique<MidasEstimator>(path, version, std::move(spec), std::move(network));
}

}  // namespace depthstyle
