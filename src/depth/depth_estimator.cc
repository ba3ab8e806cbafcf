#include "depth/depth_estimator.h"

#include "config/schema.h"
#include "core/error.h"
#include "core/text.h"
#include "depth/baselines.h"

namespace depthstyle {

const std::vector<DepthEstimatorType>& depth_estimator_types() {
  static const std::vector<DepthEstimatorType> types = {
      {"vertical", "weight-free baseline: lower in the image = nearer", make_vertical_estimator},
  };
  return types;
}

std::vector<std::string> depth_estimator_type_names() {
  std::vector<std::string> names;
  for (const DepthEstimatorType& type : depth_estimator_types()) names.push_back(type.name);
  return names;
}

void declare_depth_estimator(Schema& schema, DepthEstimatorConfig& config) {
  schema.add("name", &config.name, "label in results and reports; unique within a run").non_empty().required();
  schema.add("type", &config.type, "estimator type").one_of(depth_estimator_type_names()).required();
  schema.add("path", &config.path, "model file, or folder of precomputed maps ('' for baselines)");
  schema.add("seed", &config.seed, "seed of randomised baselines (-1 = derived from the run's seed)").at_least(-1);
}

std::unique_ptr<DepthEstimator> make_depth_estimator(const DepthEstimatorConfig& config) {
  for (const DepthEstimatorType& type : depth_estimator_types()) {
    if (type.name == config.type) return type.create(config);
  }
  throw UsageError(concat("depth estimator '", config.name, "': unknown type '", config.type, "'",
                          did_you_mean(config.type, depth_estimator_type_names()), "; expected one of ",
                          join(depth_estimator_type_names(), ", ")));
}

}  // namespace depthstyle
