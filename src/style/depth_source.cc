#include "style/depth_source.h"

#include <cmath>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/sha256.h"
#include "style/map_resize.h"

namespace depthstyle {

DepthPrediction read_depth_map_file(const DepthMapFile& file) {
  cv::Mat values = map_with_unknown_as_nan(read_depth_map(file.path, file.read));
  if (file.zero_is_unknown) {
    values.forEach<float>([](float& value, const int*) {
      if (value == 0.0f) value = std::numeric_limits<float>::quiet_NaN();
    });
  }
  return {values, file.meaning};
}

nlohmann::json describe_depth_map_file(const DepthMapFile& file) {
  return {{"type", "map file"},
          {"path", file.path.string()},
          {"sha256", sha256_hex_of_file(file.path)},
          {"meaning", to_string(file.meaning)},
          {"unknown", file.zero_is_unknown ? "NaN, inf and 0" : "NaN and inf"}};
}

DepthPrediction estimate_depth(DepthEstimator& estimator, const std::filesystem::path& path, const Image& image) {
  DepthQuery query;
  query.image_path = path;
  query.size = image.rgb.size();
  if (estimator.needs_pixels()) query.rgb = image.rgb;
  DepthPrediction prediction = estimator.estimate(query);
  if (prediction.values.type() != CV_32FC1 || prediction.values.empty()) {
    throw Error(concat(path.string(), ": the depth estimator returned no single-channel float map"));
  }
  return prediction;
}

DepthMapCache::DepthMapCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

DepthPrediction DepthMapCache::get_or_compute(const std::string& content, const std::string& source,
                                              const nlohmann::json& provenance,
                                              const std::function<DepthPrediction()>& compute, bool* reused) {
  const std::filesystem::path map_path = dir_ / (content + "." + source + ".npy");
  const std::filesystem::path record_path = dir_ / (content + "." + source + ".json");
  if (std::filesystem::exists(record_path) && std::filesystem::exists(map_path)) {
    const nlohmann::json record = nlohmann::json::parse(read_file(record_path), nullptr, /*allow_exceptions=*/false);
    if (!record.is_discarded() && record.value("provenance", nlohmann::json()) == provenance) {
      if (reused) *reused = true;
      return {read_depth_map(map_path), depth_meaning_from_string(record.at("meaning").get<std::string>())};
    }
    log_warning("depth cache: ", record_path.string(), " was made from other inputs; recomputing");
  }
  DepthPrediction prediction = compute();
  write_depth_map(map_path, prediction.values);
  const nlohmann::json record = {{"meaning", to_string(prediction.meaning)},
                                 {"width", prediction.values.cols},
                                 {"height", prediction.values.rows},
                                 {"provenance", provenance}};
  write_file_atomically(record_path, record.dump(2) + "\n");
  if (reused) *reused = false;
  return prediction;
}

}  // namespace depthstyle
