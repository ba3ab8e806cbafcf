// Weight-free depth estimators: they need no download, so every pipeline runs on a fresh machine, and they give the
// floor any learned model must beat.
//   vertical  lower in the image = nearer (the ground plane cue); proximity = row / (height - 1)
#pragma once

#include <memory>

#include "depth/depth_estimator.h"

namespace depthstyle {

std::unique_ptr<DepthEstimator> make_vertical_estimator(const DepthEstimatorConfig& config);

}  // namespace depthstyle
