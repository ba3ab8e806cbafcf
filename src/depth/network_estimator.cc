#include "depth/network_estimator.h"

#include <algorithm>

#include "core/error.h"
#include "core/file_hash_cache.h"
#include "core/text.h"

namespace depthstyle {

NetworkEstimator::NetworkEstimator(std::string type, std::vector<std::filesystem::path> model_files, std::string preset,
                                   PreprocessingSpec spec)
    : type_(std::move(type)), model_files_(std::move(model_files)), preset_(std::move(preset)), spec_(std::move(spec)) {
  DEPTHSTYLE_ASSERT(!model_files_.empty());
  for (const std::filesystem::path& file : model_files_) model_sha256s_.push_back(cached_sha256_hex_of_file(file));
}

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
  nlohmann::json files = nlohmann::json::array();
  for (std::size_t i = 0; i < model_files_.size(); ++i) {
    files.push_back({{"path", model_files_[i].string()}, {"sha256", model_sha256s_[i]}});
  }
  return {{"type", type_}, {"files", files}, {"preset", preset_}, {"preprocessing", depthstyle::describe(spec_)}};
}

PreprocessingSpec resolve_model_file_preprocessing(const DepthEstimatorConfig& config) {
  const std::string context = depth_estimator_context(config);
  if (config.preset.empty() && config.meaning.empty()) {
    throw UsageError(concat(context,
                            ": set meaning (depth or proximity) or a preset that declares it: a model's "
                            "output does not say which it is"));
  }
  PreprocessingSpec spec = resolve_preprocessing(config.preset, config.preprocessing, config.meaning, context);
  if (spec.resize != ResizeMode::kNone && spec.target == ResizeTarget::kBox && (spec.width <= 0 || spec.height <= 0)) {
    throw UsageError(concat(context, ": set preprocessing.width and preprocessing.height to the model's feed size",
                            config.preset.empty()
                                ? std::string()
                                : concat(" (preset ", config.preset, " takes it from the model's own files)")));
  }
  return spec;
}

void check_network_entry(const DepthEstimatorConfig& config, const std::string& key, const std::string& value,
                         const std::string& what, const std::vector<std::string>& names, const std::string& choices) {
  const std::string context = depth_estimator_context(config);
  if (value.empty()) {
    throw UsageError(concat(context, ": set ", key, " (", choices, "): the files do not say which network they hold"));
  }
  if (std::find(names.begin(), names.end(), value) == names.end()) {
    throw UsageError(concat(context, ": unknown ", what, " '", value, "'", did_you_mean(value, names),
                            "; expected one of ", join(names, ", ")));
  }
  if (config.path.empty()) throw UsageError(concat(context, ": set path to the model file"));
}

std::filesystem::path model_file_of(const DepthEstimatorConfig& config) {
  if (config.path.empty()) throw UsageError(concat(depth_estimator_context(config), ": set path to the model file"));
  if (!std::filesystem::is_regular_file(config.path)) {
    throw InputError(concat(config.path, ": no such model file (", depth_estimator_context(config), ")"));
  }
  return config.path;
}

}  // namespace depthstyle
