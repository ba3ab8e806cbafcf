#include "stylize/model_choice.h"

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

// The weight-free estimator that scores best on DIW-format pairs with real ground truth (docs/diw.md).
constexpr const char* kDefaultDepthEstimator = "vertical";
constexpr const char* kDefaultBackbone = "pyramid";

std::string summary_of_estimator_type(const std::string& type) {
  for (const DepthEstimatorType& entry : depth_estimator_types()) {
    if (entry.name == type) return entry.summary;
  }
  return "";
}

}  // namespace

StylizeModels choose_stylize_models(const StylizeModelRequest& request) {
  StylizeModels models;
  std::string depth;
  if (!request.needs_depth) {
    depth = "none (the method needs no depth)";
  } else if (!request.depth_map.empty()) {
    depth = concat("map ", request.depth_map, " (--depth-map)");
  } else if (request.depth_estimator) {
    models.depth_estimator = request.depth_estimator;
    depth = concat(request.depth_estimator->type, " (--depth-estimator)");
  } else {
    DepthEstimatorConfig estimator;
    estimator.type = kDefaultDepthEstimator;
    estimator.name = estimator.type;
    models.depth_estimator = estimator;
    depth = concat(estimator.type, " (default; ", summary_of_estimator_type(estimator.type),
                   "; the best weight-free estimator on DIW-format pairs; --depth-estimator chooses another)");
  }

  models.backbone = request.backbone;
  std::string backbone;
  if (request.backbone.type.empty()) {
    models.backbone.type = kDefaultBackbone;
    backbone = concat(models.backbone.type,
                      " (default; weight-free stand-in, not the paper's networks; for the paper's results give "
                      "--backbone vgg --encoder vgg_normalised.pth --decoder decoder.pth)");
  } else {
    backbone = concat(models.backbone.type, " (--backbone)");
  }
  models.description = concat("using depth: ", depth, ", backbone: ", backbone);
  return models;
}

}  // namespace depthstyle
