// The stylised target features t = AdaIN(f(c), f(s)) and its variants with several styles, computed once per
// content/style pair and reused for every blend setting (style/render.h).
//
//   single       one style: t = AdaIN(f(c), f(s))
//   interpolate  n >= 2 styles with weights w_i >= 0 (normalised to sum 1, as the reference tools do):
//                t = sum_i w_i AdaIN(f(c), f(s_i)); weights (1, 0, ...) give exactly the single-style t
//   mask         two styles, foreground (mask >= 0.5) and background, as the original Lua tool's spatial control:
//                the mask is resized to each feature level by nearest neighbour; the content features of each
//                region are normalised with that region's own statistics and take the statistics of its style:
//                t = m AdaIN_region(f(c), f(s_fg)) + (1 - m) AdaIN_region(f(c), f(s_bg))
//   near_far     two styles, near and far, blended by the strength map P of Algorithm 1 (style/strength_map.h):
//                t = P AdaIN(f(c), f(s_near)) + (1 - P) AdaIN(f(c), f(s_far)); beta sets how sharp the transition
//                is, eps caps the near style's share at 1 - eps. prepare_style_targets keeps both AdaIN results;
//                the blend happens per setting (mix_targets), since P depends on beta and eps.
//
// AdaIN statistics are the port's (style/adain.h): unbiased variance + 1e-5 per channel over a level's positions;
// in a mask region over the region's positions (a region of fewer than 2 positions has variance 0 + 1e-5).
// Features: Features.levels of 1xCxHxW float32, finest first (style/backbone.h).
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "style/backbone.h"
#include "style/style_names.h"

namespace depthstyle {

struct StyleMix {
  StyleMixMode mode = StyleMixMode::kSingle;
  // interpolate: one weight >= 0 per style, not all 0; normalised here.
  std::vector<double> weights;
  // mask: CV_32FC1 at the content image's (sized) resolution; >= 0.5 = foreground (first style).
  cv::Mat mask;
};

// Throws UsageError naming the problem if `mode` cannot combine `style_count` styles with these weights, and a mask
// given or not (for configs and command lines, before any image is read).
void check_style_group(StyleMixMode mode, const std::vector<double>& weights, std::size_t style_count, bool has_mask);
// The same for a StyleMix, whose mask must then be CV_32FC1.
void check_style_mix(const StyleMix& mix, std::size_t style_count);

// The AdaIN results of one content/style pair (or group). single, interpolate and mask: one Features;
// near_far: two (near, far), mixed per setting by mix_targets.
struct StyleTargets {
  StyleMixMode mode = StyleMixMode::kSingle;
  std::vector<Features> features;
};

StyleTargets prepare_style_targets(const Features& content, const std::vector<const Features*>& styles,
                                   const StyleMix& mix);

// The target at one level; `near_weight` (1x1xHxW at that level) is required for near_far and ignored otherwise.
at::Tensor mix_targets(const StyleTargets& targets, std::size_t level, const at::Tensor& near_weight);

}  // namespace depthstyle
