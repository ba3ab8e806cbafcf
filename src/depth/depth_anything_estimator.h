// Depth Anything V2 and V1, Small, Base and Large (nets/depth_anything.h) run natively from the published weight
// files, fed as V2's infer_image and V1's run.py feed them (presets depth_anything_v2 and depth_anything_v1: shorter
// side >= 518, multiples of 14, cubic, ImageNet mean/std; the map resized back bilinearly with align_corners=True
// for V2, False for V1), returning relative inverse depth (proximity).
//
//   depth_estimators:
//     - {name: da2_small, type: depth_anything, variant: vits, path: weights/depth_anything_v2/depth_anything_v2_vits.pth}
//     - {name: da2_large, type: depth_anything, variant: vitl, path: weights/depth_anything_v2/depth_anything_v2_vitl.pth}
//     - {name: da1_small, type: depth_anything, variant: v1_vits, path: weights/depth_anything_v1/depth_anything_vits14.pth}
//
// variant: vits = depth_anything_v2_vits.pth (Apache-2.0), vitb = _vitb.pth, vitl = _vitl.pth (CC-BY-NC-4.0);
// v1_vits = depth_anything_vits14.pth, v1_vitb = _vitb14.pth, v1_vitl = _vitl14.pth. The files do not say which
// network they hold: a file of another size is refused with its name, and one named as the other generation's file
// (whose tensors have the same names and shapes) is refused too.
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
// "vits = depth_anything_v2_vits.pth, ..., v1_vitl = depth_anything_vitl14.pth": for messages and help.
std::string depth_anything_variant_files();

}  // namespace depthstyle
