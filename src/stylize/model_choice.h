// Which depth estimator and backbone `depthstyle stylize` uses when the command line does not say: the one place
// that decides, so the one-liner `depthstyle stylize CONTENT STYLE` works on a fresh machine and says what it chose.
//
// Today (no weights folder yet) the defaults are weight-free:
//   depth     `vertical` (lower in the image = nearer): of the weight-free estimators of the registry it orders
//             relative depth best on DIW-format data with real ground truth (docs/diw.md#weight-free-baselines)
//   backbone  `pyramid`, the weight-free stand-in (style/backbone.h); the paper's results need `vgg` with the two
//             files of the public AdaIN port
// Anything given on the command line wins: a depth map or an estimator, a backbone type.
#pragma once

#include <optional>
#include <string>

#include "depth/depth_estimator.h"
#include "style/backbone_factory.h"

namespace depthstyle {

struct StylizeModelRequest {
  // False when the method needs no depth (adain with a single or interpolated style).
  bool needs_depth = true;
  // --depth-map FILE; empty = none.
  std::string depth_map;
  // --depth-estimator and its options.
  std::optional<DepthEstimatorConfig> depth_estimator;
  // --backbone and its options; an empty `type` = not given (the other fields are kept).
  BackboneConfig backbone;
};

struct StylizeModels {
  // Set when depth is needed and no depth map is given.
  std::optional<DepthEstimatorConfig> depth_estimator;
  BackboneConfig backbone;
  // One line for the command to print, e.g. "using depth: vertical (default: ...), backbone: pyramid (default: ...)".
  std::string description;
};

StylizeModels choose_stylize_models(const StylizeModelRequest& request);

}  // namespace depthstyle
