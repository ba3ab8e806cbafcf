// Stylization with feature reuse. A sweep over blend settings (content weight, beta, eps) shares everything that
// does not depend on them:
//
//   once per content image   f(c) = backbone.encode(content)                            (encode)
//   once per depth source    Algorithm 1 steps 3-5 at every level's size                 (centred_proximity_levels)
//   once per style           f(s) = backbone.encode(style)                               (encode)
//   once per content/style   t = AdaIN(f(c), f(s)) and its multi-style variants          (prepare_style_targets)
//   per setting              strength map steps 6-7, the blend, the decoder              (render)
//
// The blend, per feature level, with t the style target (style/style_mix.h):
//   adain     (paper eq. 4)  out = g(a f(c) + (1 - a) t), a = content_weight (the PAPER's alpha: the weight of the
//                            CONTENT features; the reference port's `alpha` is 1 - content_weight)
//   da-adain  (paper eq. 5)  out = g(P f(c) + (1 - P) t), P the strength map of Algorithm 1 at that level's size;
//                            content_weight is not used
// The near_far style mode uses the strength map to mix its two styles and is blended with method adain (its
// content_weight keeps content); da-adain would use the same map twice, so that combination is refused.
//
// Images: 1x3xHxW float32 RGB in [0,1] in, 1x3xHxW float32 RGB clamped to [0,1] out, at the content's size (a
// decoder whose output is larger, VGG with ceil-mode pooling, is cropped to the top-left H x W window, where the
// content lies; its padding is at the bottom and right).
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "style/backbone.h"
#include "style/strength_map.h"
#include "style/style_mix.h"
#include "style/style_names.h"

namespace depthstyle {

struct BlendSetting {
  StyleMethod method = StyleMethod::kDepthAware;
  // adain: weight of the content features in [0, 1] (the paper's alpha; port alpha = 1 - content_weight).
  // 0 = full stylization (the port's default alpha = 1).
  double content_weight = 0;
  // da-adain, and near_far styles: Algorithm 1's beta and eps.
  StrengthMapParams strength;
};

// Throws UsageError for out-of-range values and for da-adain with a near_far style.
void check_blend_setting(const BlendSetting& setting, StyleMixMode mode);

// True if the setting needs a strength map (da-adain, or a near_far style).
bool needs_strength_map(const BlendSetting& setting, StyleMixMode mode);

// Algorithm 1 steps 3-5 of `proximity` (content size, CV_32FC1, bigger = nearer, NaN = unknown) at the size of
// every level of `content`, finest first.
std::vector<cv::Mat> centred_proximity_levels(const cv::Mat& proximity, const Features& content);

struct Rendering {
  at::Tensor image;               // 1x3xHxW, clamped to [0,1], the content's size
  std::vector<cv::Mat> strength;  // per level (CV_32FC1) when the setting used a strength map, else empty
};

// `content_size`: the content image's size, to which the decoded image is cropped. `centred_proximity`: from
// centred_proximity_levels; required when needs_strength_map, else ignored.
Rendering render_stylization(Backbone& backbone, const Features& content, const StyleTargets& targets,
                             const BlendSetting& setting, const std::vector<cv::Mat>& centred_proximity,
                             cv::Size content_size);

}  // namespace depthstyle
