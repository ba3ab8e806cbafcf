#include "depth/network_estimator.h"

#include "core/error.h"
#include "core/sha256.h"

namespace depthstyle {

NetworkEstimator::NetworkEstimator(std::string type, std::filesystem::path model_path, std::string preset,
                                   PreprocessingSpec spec)
    : type_(std::move(type)),
      model_path_(std::move(model_path)),
      model_sha256_(sha256_hex_of_file(model_path_)),
      preset_(std::move(preset)),
      spec_(std::move(spec)) {}

DepthPrediction NetworkEstimator::estimate(const DepthQuery& query) {
  if (query.rgb.empty()) {
    throw UsageError(concat(query.image_path.string(), ": a ", type_, " depth model needs the image's pixels"));
  }
  const std::string source = query.image_path.string();
  const cv::Mat input = prepare_input(spec_, query.rgb, source);
  const cv::Mat map = run_model(input, source);
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  return finish_output(spec_, map, query.rgb.size());
}

nlohmann::json NetworkEstimator::describe() const {
  return {{"type", type_},
          {"file", model_path_.string()},
          {"sha256", model_sha256_},
          {"preset", preset_},
          {"preprocessing", depthstyle::describe(spec_)}};
}

PreprocessingSpec resolve_model_file_preprocessing(const DepthEstimatorConfig& config) {
  const std::string context = depth_estimator_context(config);
  PreprocessingSpec spec = resolve_preprocessing(config.preset, config.preprocessing, config.meaning, context);
  if (spec.resize != ResizeMode::kNone && spec.target == ResizeTarget::kBox && (spec.width <= 0 || spec.height <= 0)) {
    throw UsageError(concat(context, ": set preprocessing.width and preprocessing.height to the model's feed size",
                            config.preset.empty() ? std::string() : concat(" (preset ", config.preset,
                                                                           " takes it from the model's own files)")));
  }
  return spec;
}

std::filesystem::path model_file_of(const DepthEstimatorConfig& config) {
  if (config.path.empty()) throw UsageError(concat(depth_estimator_context(config), ": set path to the model file"));
  if (!std::filesystem::is_regular_file(config.path)) {
    throw InputError(concat(config.path, ": no such model file (", depth_estimator_context(config), ")"));
  }
  return config.path;
}

}  // namespace depthstyle
