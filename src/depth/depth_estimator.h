// Monocular depth estimators behind one interface, and the registry that builds them from a config entry.
//
//   depth_estimators:               # a list in a runner's config (DIW evaluation, style grids)
//     - name: vertical              # label in results; unique within a run
//       type: vertical              # one of depth_estimator_types()
//
// An estimator receives an image and returns a DepthPrediction (values + meaning, see depth_prediction.h), possibly
// at its own resolution: each caller resizes to what it needs (DIW scoring to the original size, the strength map to
// the feature size). Estimators are not thread-safe; use one per thread.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "depth/depth_prediction.h"

namespace depthstyle {

class Schema;

struct DepthQuery {
  // Where the image came from: the key of precomputed maps, and what error messages name. May be empty.
  std::filesystem::path image_path;
  // CV_32FC3 RGB in [0,1]; left empty by callers when the estimator does not need_pixels().
  cv::Mat rgb;
  // The image's size; always set.
  cv::Size size;
};

class DepthEstimator {
 public:
  virtual ~DepthEstimator() = default;
  // Throws InputError naming the image for inputs the estimator cannot handle.
  virtual DepthPrediction estimate(const DepthQuery& query) = 0;
  // False for estimators that only need the image size or path (baselines, precomputed maps), so callers can skip
  // decoding the image.
  virtual bool needs_pixels() const { return true; }
  // What produced the maps, for run manifests: type, weight files with sha256, preprocessing, seed.
  virtual nlohmann::json describe() const = 0;
};

// One entry of a `depth_estimators:` list. Which keys apply depends on `type`; the registry rejects keys a type does
// not use when they are set away from their defaults.
struct DepthEstimatorConfig {
  // Label in results and reports; unique within a run.
  std::string name;
  // One of depth_estimator_types().
  std::string type;
  // Model file (torchscript, onnx, native models) or folder/file of precomputed maps (file); "" for baselines.
  std::string path;
  // Seed of randomised baselines; -1 = derive from the run's seed.
  std::int64_t seed = -1;
};

// Binds the keys of one estimator entry to `config` (used with Schema::add_list).
void declare_depth_estimator(Schema& schema, DepthEstimatorConfig& config);

struct DepthEstimatorType {
  std::string name;
  std::string summary;
  std::function<std::unique_ptr<DepthEstimator>(const DepthEstimatorConfig&)> create;
};

// The registry: every estimator type, in the order `--help` lists them.
const std::vector<DepthEstimatorType>& depth_estimator_types();
std::vector<std::string> depth_estimator_type_names();

// Throws UsageError naming the entry (`config.name`) for an unknown type or settings the type cannot use, and
// InputError for unreadable model files.
std::unique_ptr<DepthEstimator> make_depth_estimator(const DepthEstimatorConfig& config);

}  // namespace depthstyle
