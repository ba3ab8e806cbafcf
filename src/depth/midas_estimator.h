// MiDaS v1, v2, v2.1 large, v2.1 small, v3.0 DPT-Large and DPT-Hybrid and v3.1 DPT-BEiT-L 512 (Ranftl et al.,
// Birkl et al.) run natively from the published weight files (nets/midas.h, nets/midas_small.h, nets/dpt.h), fed as
// each version's run.py feeds them (presets midas_v1, midas_v2, midas_v21_large, midas_v21_small, dpt_large_384 for
// both v3.0 DPTs: run.py's dpt_hybrid_384 preset is the same, dpt_beit_large_512), returning relative inverse depth
// (proximity).
//
//   depth_estimators:
//     - {name: midas_v1, type: midas, version: v1, path: weights/midas/model.pt}
//     - {name: midas_v21, type: midas, version: v21, path: weights/midas/midas_v21-f6b98070.pt}
//     - {name: midas_small, type: midas, version: v21_small, path: weights/midas/midas_v21_small_256.pt}
//     - {name: dpt_large, type: midas, version: v3_large, path: weights/midas/dpt_large_384.pt}
//     - {name: dpt_hybrid, type: midas, version: v3_hybrid, path: weights/midas/dpt_hybrid_384.pt}
//     - {name: dpt_beit, type: midas, version: v31_beit_large_512, path: weights/midas/dpt_beit_large_512.pt}
//
// version: v1 = model.pt (2019, ResNet-50), v2 = model-f46da743.pt (ResNeXt-101 WSL), v21 = midas_v21-f6b98070.pt
// (v2.1 large, same network as v2), v21_small = midas_v21_small_256.pt, published by the v2.1 release also as
// model-small-70d6b9c8.pt (EfficientNet-Lite3, the same file). Its official ONNX export (model-small.onnx) can still
// be run with type onnx and preset midas_v21_small_onnx where OpenCV reads it. v3_large = dpt_large_384.pt (v3.0,
// first published by isl-org/DPT as dpt_large-midas-2f21e586.pt; ViT-L/16), v3_hybrid = dpt_hybrid_384.pt (v3.0,
// first published as dpt_hybrid-midas-501f0c75.pt; ViT-B/16 over a ResNet-50), v31_beit_large_512 =
// dpt_beit_large_512.pt (v3.1; BEiT-L/16 at 512). preprocessing.* overrides single fields of the version's preset.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "depth/depth_estimator.h"

namespace depthstyle {

// v1, v2, v21, v21_small, v3_large, v3_hybrid, v31_beit_large_512
const std::vector<std::string>& midas_version_names();
// Each version's published file: "v1 = model.pt, v2 = model-f46da743.pt, ..." (messages and help).
std::string midas_version_files();

// UsageError for entry problems (no path, no or unknown version); InputError naming the file for a missing or
// unreadable file, or a file that is not the version's weights (every difference listed, the other version named
// when the file holds its weights).
std::unique_ptr<DepthEstimator> make_midas_estimator(const DepthEstimatorConfig& config);
// The entry checks that need no file.
void check_midas_config(const DepthEstimatorConfig& config);

}  // namespace depthstyle
