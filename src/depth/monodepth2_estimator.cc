#include "depth/monodepth2_estimator.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "core/text.h"
#include "depth/network_estimator.h"
#include "tensor/checkpoint.h"
#include "tensor/tensor_image.h"
#include "nets/monodepth2.h"

namespace depthstyle {
namespace {

struct FeedSize {
  std::int64_t width = 0, height = 0;
};

// "mono_640x192" -> 640 x 192.
FeedSize size_of_variant(const std::string& variant) {
  const std::string size = variant.substr(variant.rfind('_') + 1);
  const std::size_t x = size.find('x');
  return {std::stoll(size.substr(0, x)), std::stoll(size.substr(x + 1))};
}

// A positive integer entry trainer.py saved beside the encoder's weights.
std::int64_t feed_side(const Checkpoint& encoder, const std::string& key) {
  const CheckpointValue* value = encoder.value(key);
  const std::int64_t* side = value ? std::get_if<std::int64_t>(value) : nullptr;
  if (side == nullptr || *side <= 0) {
    throw InputError(concat(encoder.path.string(), ": ",
                            value ? concat("entry '", key, "' is ", to_string(*value), ", not a positive integer")
                                  : concat("has no '", key, "' entry"),
                            "; monodepth2's encoder.pth stores the feed size as 'height' and 'width' beside the "
                            "weights (trainer.py save_model)"));
  }
  return *side;
}

class Monodepth2Estimator : public NetworkEstimator {
 public:
  Monodepth2Estimator(const std::filesystem::path& encoder_path, const std::filesystem::path& depth_path,
                      PreprocessingSpec spec, std::unique_ptr<Monodepth2Network> network, std::string variant,
                      FeedSize trained_size, nlohmann::json use_stereo)
      : NetworkEstimator("monodepth2", {encoder_path, depth_path}, "monodepth2", std::move(spec)),
        network_(std::move(network)),
        variant_(std::move(variant)),
        trained_size_(trained_size),
        use_stereo_(std::move(use_stereo)) {}

  nlohmann::json describe() const override {
    nlohmann::json description = NetworkEstimator::describe();
    description["network"] = "monodepth2 (ResNet-18 encoder, depth decoder; scale-0 sigmoid disparity)";
    description["variant"] = variant_.empty() ? nlohmann::json(nullptr) : nlohmann::json(variant_);
    description["trained_size"] = {{"width", trained_size_.width}, {"height", trained_size_.height}};
    description["use_stereo"] = use_stereo_;
    return description;
  }

 protected:
  cv::Mat run_model(const cv::Mat& input, const std::string& source) override {
    return image_from_tensor(network_->forward(tensor_from_image(input)));
  }

 private:
  std::unique_ptr<Monodepth2Network> network_;
  std::string variant_;
  FeedSize trained_size_;
  nlohmann::json use_stereo_;
};

}  // namespace

const std::vector<std::string>& monodepth2_variant_names() {
  static const std::vector<std::string> names = {
      "mono_640x192",        "stereo_640x192",  "mono+stereo_640x192",  "mono_no_pt_640x192",
      "stereo_no_pt_640x192", "mono+stereo_no_pt_640x192", "mono_1024x320", "stereo_1024x320",
      "mono+stereo_1024x320"};
  return names;
}

void check_monodepth2_config(const DepthEstimatorConfig& config) {
  const std::string context = depth_estimator_context(config);
  if (config.path.empty()) {
    throw UsageError(concat(context, ": set path to the folder of the official monodepth2 downloads (one ",
                            "<variant>/ folder each, with variant:) or to one model folder (encoder.pth, depth.pth)"));
  }
  const std::vector<std::string>& variants = monodepth2_variant_names();
  if (!config.variant.empty() && std::find(variants.begin(), variants.end(), config.variant) == variants.end()) {
    throw UsageError(concat(context, ": unknown monodepth2 variant '", config.variant, "'",
                            did_you_mean(config.variant, variants), "; expected one of ", join(variants, ", ")));
  }
}

std::unique_ptr<DepthEstimator> make_monodepth2_estimator(const DepthEstimatorConfig& config) {
  check_monodepth2_config(config);
  const std::string context = depth_estimator_context(config);
  const std::filesystem::path folder =
      config.variant.empty() ? std::filesystem::path(config.path) : std::filesystem::path(config.path) / config.variant;
  if (!std::filesystem::is_directory(folder)) {
    throw InputError(concat(folder.string(), ": no such model folder (", context, "); ",
                            config.variant.empty() ? std::string("expected encoder.pth and depth.pth in it")
                                                   : concat("expected the official ", config.variant,
                                                            " download unpacked there (encoder.pth, depth.pth)")));
  }
  const std::filesystem::path encoder_path = folder / "encoder.pth", depth_path = folder / "depth.pth";
  for (const std::filesystem::path& file : {encoder_path, depth_path}) {
    if (!std::filesystem::is_regular_file(file)) {
      throw InputError(concat(file.string(), ": no such file (", context, "); a monodepth2 model folder holds ",
                              "encoder.pth and depth.pth"));
    }
  }
  const Checkpoint encoder = read_checkpoint(encoder_path);
  auto network = std::make_unique<Monodepth2Network>(encoder.tensors, encoder_path.string(),
                                                     read_checkpoint(depth_path).tensors, depth_path.string());
  const FeedSize trained{feed_side(encoder, "width"), feed_side(encoder, "height")};
  if (!config.variant.empty()) {
    const FeedSize named = size_of_variant(config.variant);
    if (named.width != trained.width || named.height != trained.height) {
      throw InputError(concat(encoder_path.string(), ": holds a ", trained.width, "x", trained.height,
                              " model (its 'width' and 'height'), but variant ", config.variant, " is ", named.width,
                              "x", named.height, ": another model's files in this folder?"));
    }
  }
  nlohmann::json use_stereo = nullptr;
  if (const CheckpointValue* value = encoder.value("use_stereo")) {
    if (const bool* flag = std::get_if<bool>(value)) use_stereo = *flag;
  }

  PreprocessingSpec spec = resolve_preprocessing("monodepth2", config.preprocessing, "", context);
  if (config.preprocessing.width == 0) spec.width = static_cast<int>(trained.width);
  if (config.preprocessing.height == 0) spec.height = static_cast<int>(trained.height);
  if (spec.resize != ResizeMode::kNone && spec.target == ResizeTarget::kBox &&
      (spec.width % 32 != 0 || spec.height % 32 != 0)) {
    throw UsageError(concat(context, ": the feed size ", spec.width, "x", spec.height,
                            " must have sides that are multiples of 32 (the decoder's skips halve 5 times)"));
  }
  return std::make_unique<Monodepth2Estimator>(encoder_path, depth_path, std::move(spec), std::move(network),
                                               config.variant, trained, std::move(use_stereo));
}

}  // namespace depthstyle
