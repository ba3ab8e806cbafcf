// The models the stylize one-liner uses when none is named: the best depth model present in the weights folder
// (else a weight-free estimator) and the paper's VGG backbone when both of its files are present (else the
// weight-free pyramid stand-in), with a one-line description of the choice to print. Presence only: a present file
// that does not load fails when the model is built, naming the file, instead of silently falling back.
#pragma once

#include <string>
#include <vector>

#include "depth/depth_estimator.h"
#include "style/backbone_factory.h"
#include "weights/weights_folder.h"

namespace depthstyle {

struct DefaultModels {
  DepthEstimatorConfig depth;  // a registry entry: a named model with its path in the folder, or `vertical`
  BackboneConfig backbone;     // vgg with both paths, or pyramid
  // Why each was chosen, to print after its name: "MiDaS v2.1 large, /w/midas/midas_v21-f6b98070.pt", "weight-free:
  // lower in the image = nearer; no depth model in the weights folder".
  std::string depth_detail;
  std::string backbone_detail;
  // "depth: midas_v21 (<depth_detail>); backbone: vgg (<backbone_detail>); weights folder: ..."
  std::string description;
};

// The catalog's depth models, best first (the order and its sources: default_models.cc). Only those with a loader
// in this build can be chosen.
const std::vector<std::string>& depth_model_ranking();

DefaultModels choose_default_models(const WeightsFolder& folder);

}  // namespace depthstyle
