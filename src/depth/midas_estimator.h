// MiDaS v1, v2 and v2.1 large (Ranftl et al.) run natively from the published weight files (nets/midas.h), fed as
// each version's run.py feeds them (presets midas_v1, midas_v2, midas_v21_large), returning relative inverse depth
// (proximity).
//
//   depth_estimators:
//     - {name: midas_v1, type: midas, version: v1, path: weights/midas/model.pt}
//     - {name: midas_v21, type: midas, version: v21, path: weights/midas/midas_v21-f6b98070.pt}
//
// version: v1 = model.pt (2019, ResNet-50), v2 = model-f46da743.pt (ResNeXt-101 WSL), v21 = midas_v21-f6b98070.pt
// (v2.1 large, same network as v2). MiDaS v2.1 small has no native model here: run its official ONNX file
// (model-small.onnx) with type onnx and preset midas_v21_small_onnx. preprocessing.* overrides single fields of the
// version's preset.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "depth/depth_estimator.h"

namespace depthstyle {

const std::vector<std::string>& midas_version_names();  // v1, v2, v21

// UsageError for entry problems (no path, no or unknown version); InputError naming the file for a missing or
// unreadable file, or a file that is not the version's weights (every difference listed, the other version named
// when the file holds its weights).
std::unique_ptr<DepthEstimator> make_midas_estimator(const DepthEstimatorConfig& config);
// The entry checks that need no file.
void check_midas_config(const DepthEstimatorConfig& config);

}  // namespace depthstyle
