// A classical monocular depth cue: the dark-channel haze prior of He, Sun and Tang ("Single Image Haze Removal Using
// Dark Channel Prior", CVPR 2009 / TPAMI 2011). In haze-free outdoor patches some colour channel is nearly black;
// haze adds airlight A in proportion to 1 - t, with transmission t = exp(-beta * depth). So, per pixel:
//   dark(x) = min over the patch around x of min over c of I_c / A_c     (patch: `patch` x `patch`, 15 in the paper)
//   t(x)    = 1 - omega * dark(x)                                         (omega = 0.95 in the paper, eq. 12)
//   depth   = -ln(max(t, 1e-3))                                           (beta = 1: relative depth; the floor only
//                                                                          keeps the log finite)
// A is the paper's estimate (Sec. 4.4): among the 0.1% brightest pixels of the dark channel of I, the colour of the
// one with the highest intensity (mean of R, G, B; the first in row-major order on ties). The soft-matting
// refinement of t is left out: ordinal depth needs the coarse map only. Windows are cut at the image border.
// Output: depth (bigger = farther), the image's size. A cue for hazy outdoor scenes; indoors and on close-ups it
// mostly tracks dark, saturated colours.
#pragma once

#include <opencv2/core.hpp>

#include <memory>

#include "depth/depth_estimator.h"

namespace depthstyle {

struct DarkChannelOptions {
  int patch = 15;       // odd, >= 1, pixels
  double omega = 0.95;  // in [0, 1]
};

// `rgb` CV_32FC3 in [0,1]; returns -ln t as CV_32FC1.
cv::Mat dark_channel_depth(const cv::Mat& rgb, const DarkChannelOptions& options);

std::unique_ptr<DepthEstimator> make_dark_channel_estimator(const DepthEstimatorConfig& config);

}  // namespace depthstyle
