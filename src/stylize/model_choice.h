// Which depth estimator and backbone `depthstyle stylize` uses: what the command line names, else the defaults of
// the weights folder (style/default_models.h: the best depth model present, else the weight-free `vertical`; the
// VGG backbone when both of its files are present, else the weight-free `pyramid` stand-in). One line says what was
// chosen and why, so the one-liner `depthstyle stylize CONTENT STYLE` works on a fresh machine and says what it ran.
#pragma once

#include <optional>
#include <string>

#include "depth/depth_estimator.h"
#include "style/backbone_factory.h"
#include "weights/weights_folder.h"

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
  // Where the defaults are looked for (--weights-dir and its rules); kNone = nowhere: the weight-free defaults.
  WeightsFolder weights_folder;
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
