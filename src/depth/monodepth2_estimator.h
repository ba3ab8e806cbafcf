// monodepth2 (Godard et al. 2019) run natively from the published model folders: the ResNet-18 encoder and depth
// decoder of nets/monodepth2.h, fed as test_simple.py feeds them (preset monodepth2: Pillow Lanczos resize to the
// feed size stored in encoder.pth, ignoring the aspect ratio), returning the scale-0 sigmoid disparity (proximity).
//
//   depth_estimators:
//     - {name: md2, type: monodepth2, path: weights/monodepth2, variant: mono_640x192}
//     - {name: mine, type: monodepth2, path: my_models/weights_19}   # no variant: path is the model folder itself
//
// Layout: the nine official downloads (monodepth2's README, one zip per model) unpack to <variant>/encoder.pth and
// <variant>/depth.pth; `path` is the folder holding those variant folders. Each encoder.pth stores the model's feed
// size ('width', 'height') and 'use_stereo'; a variant whose name's size differs from its encoder.pth's is refused
// (another model's files). preprocessing.* overrides single fields (e.g. output_size: model); an overridden width or
// height must stay a multiple of 32.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "depth/depth_estimator.h"

namespace depthstyle {

// mono_640x192, stereo_640x192, mono+stereo_640x192, the three *_no_pt_640x192 (trained without ImageNet weights),
// mono_1024x320, stereo_1024x320, mono+stereo_1024x320.
const std::vector<std::string>& monodepth2_variant_names();

// UsageError for entry problems (no path, unknown variant); InputError naming the file for a missing folder or file,
// a file that is not the expected monodepth2 file (every difference listed), or a feed size that contradicts the
// variant.
std::unique_ptr<DepthEstimator> make_monodepth2_estimator(const DepthEstimatorConfig& config);
// The entry checks that need no file.
void check_monodepth2_config(const DepthEstimatorConfig& config);

}  // namespace depthstyle
