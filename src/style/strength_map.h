// The strength map P of Algorithm 1 (Kitov et al. 2020): the weight of the CONTENT features in each feature cell of
// eq. 5, out = g(P . f(Ic) + (1 - P) . AdaIN(f(Ic), f(Is))). Near cells get a high P (their content is kept), far
// cells a low P (they are stylised).
//
// The steps, from a DepthPrediction (values + meaning, depth/depth_prediction.h):
//   1-2  proximity_with_unknowns: depth D becomes max D - D; a proximity map (inverse depth, disparity, MiDaS) is
//        used as is. Non-finite values (NaN, +-inf) are unknown and stay NaN.
//   3    rescale to the feature size Hc x Wc: resize_map_ignoring_unknown (map_resize.h), area averaging when
//        shrinking (the usual case: VGG features are 1/8 of the image, and each feature cell sees a whole patch, so
//        the patch's mean proximity is the right summary; area cannot overshoot, so step 4's min/max are real
//        values), bilinear when enlarging (an estimator's map smaller than the feature grid), both over known
//        pixels only.
//   4    P = (P - min P) / (max P - min P), min and max over known cells
//   5    P = P - mean P, the mean over known cells
//   6    P = 1 / (1 + exp(-beta * P))
//   7    P = min(P, 1 - eps)
// Defined here where the paper is silent:
//   - unknown cells (no known pixel under them) are 0 after step 5, the mean proximity: P = 0.5 before the clamp,
//     neither kept nor stylised more than an average cell.
//   - a constant map has no near and far, and step 4 would divide by zero. Its cells are 0 after step 5, so
//     P = 0.5 everywhere, exactly what beta = 0 gives ("no depth cue" = uniform half strength, the paper's own
//     neutral setting). "Constant" means all known pixels of the proximity map hold the same value, checked before
//     the resize (whose rounding would turn a constant map into ulp-sized noise that step 4 blows up to [0, 1]);
//     a map whose known cells all get the same value at the feature size, and a map without any known pixel, are
//     treated the same way.
//   - beta = 0: P = 0.5 everywhere (then the clamp: min(0.5, 1 - eps)).
//   - eps in [0, 1]: eps = 0 leaves the sigmoid as is, eps = 1 gives P = 0 everywhere (plain AdaIN).
// Steps 3-5 do not depend on beta and eps, so a sweep computes them once (centred_proximity) and only steps 6-7
// per setting (strength_from_centred_proximity).
//
// Maps are CV_32FC1 (rows x cols = Hc x Wc); steps 3-7 compute in double.
#pragma once

#include <opencv2/core.hpp>

#include "depth/depth_prediction.h"

namespace depthstyle {

struct StrengthMapParams {
  // Prominence (the paper's beta), >= 0: steepness of the sigmoid; 0 = uniform half strength. Paper: 20.
  double beta = 20;
  // Offset (the paper's eps), in [0, 1]: P is capped at 1 - eps, so even the nearest cell is stylised by at least
  // eps. Paper: 0.15.
  double eps = 0.15;
};

// Throws UsageError naming the parameter unless beta >= 0 (finite) and 0 <= eps <= 1.
void check_strength_map_params(const StrengthMapParams& params);

// Steps 1-2: a proximity map (bigger = nearer) of the prediction's size, NaN where unknown.
cv::Mat proximity_with_unknowns(const DepthPrediction& prediction);

// Steps 3-5: the proximity at `feature_size`, normalised to [0, 1] and centred on its mean; unknown cells and every
// cell of a constant map are 0. `proximity`: CV_32FC1, bigger = nearer, NaN/inf = unknown.
cv::Mat centred_proximity(const cv::Mat& proximity, cv::Size feature_size);

// Steps 6-7 on the output of centred_proximity.
cv::Mat strength_from_centred_proximity(const cv::Mat& centred, const StrengthMapParams& params);

// Steps 1-7.
cv::Mat strength_map(const DepthPrediction& prediction, cv::Size feature_size, const StrengthMapParams& params);

}  // namespace depthstyle
