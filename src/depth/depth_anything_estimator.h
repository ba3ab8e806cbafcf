// Depth Anything V2 Small, Base and Large (nets/depth_anything.h) run natively from the published weight files, fed
// as its infer_image feeds them (preset depth_anything_v2: shorter side >= 518, multiples of 14, cubic, ImageNet
// mean/std; the map resized back bilinearly with align_corners=True), returning relative inverse depth (proximity).
//
//   depth_estimators:
//     - {name: da2_small, type: depth_anything, variant: vits, path: weights/depth_anything_v2/depth_anything_v2_vits.pth}
//     - {name: da2_large, type: depth_anything, variant: vitl, path: weights/depth_anything_v2/depth_anything_v2_vitl.pth}
//
// variant: vits = depth_anything_v2_vits.pth (Apache-2.0), vitb = _vitb.pth, vitl = _vitl.pth (CC-BY-NC-4.0); the
// files do not say which network they hold, and a file of another variant is refused with its name.
// preprocessing.* overrides single fields of the preset (e.g. preprocessing.width/height: infer_image's input_size).
#pragma once

#include <memory>

#include "depth/depth_estimator.h"

namespace depthstyle {

// UsageError for entry problems (no path, no or unknown variant); InputError naming the file for a missing or
// unreadable file, or a file that is not the variant's weights (every difference listed, the other variant or MiDaS
// named when the file holds their weights).
std::unique_ptr<DepthEstimator> make_depth_anything_estimator(const DepthEstimatorConfig& config);
// The entry checks that need no file.
void check_depth_anything_config(const DepthEstimatorConfig& config);

}  // namespace depthstyle
