#include "stylize/model_choice.h"

#include "core/error.h"
#include "core/text.h"
#include "style/default_models.h"

namespace depthstyle {

StylizeModels choose_stylize_models(const StylizeModelRequest& request) {
  const DefaultModels defaults = choose_default_models(request.weights_folder);
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
    models.depth_estimator = defaults.depth;
    depth = concat(defaults.depth.name, " (default: ", defaults.depth_detail, ")");
  }

  models.backbone = request.backbone;
  std::string backbone;
  if (request.backbone.type.empty()) {
    models.backbone.type = defaults.backbone.type;
    models.backbone.encoder = defaults.backbone.encoder;
    models.backbone.decoder = defaults.backbone.decoder;
    backbone = concat(models.backbone.type, " (default: ", defaults.backbone_detail, ")");
  } else {
    backbone = concat(models.backbone.type, " (--backbone)");
  }
  models.description = concat("using depth: ", depth, ", backbone: ", backbone);
  if (request.weights_folder.rule != WeightsFolderRule::kNone) {
    models.description += concat("; weights folder: ", describe(request.weights_folder));
  }
  return models;
}

}  // namespace depthstyle
