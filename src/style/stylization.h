// One content image with one style group, stylized for a list of blend settings, sharing the encoder work between
// them (style/stylizer.h). `depthstyle stylize` and the benchmarks use this; the grid runner (grid/) calls the same
// steps itself so that it can also share f(c) across styles and f(s) across contents.
//
// Images are CV_32FC3 RGB in [0,1] already sized (style/image_sizing.h); the proximity map is CV_32FC1 at the
// content's size, bigger = nearer, NaN = unknown (Algorithm 1 steps 1-2 done, style/strength_map.h).
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "io/image.h"
#include "style/backbone.h"
#include "style/image_sizing.h"
#include "style/stylizer.h"

namespace depthstyle {

struct StylizationInput {
  cv::Mat content;
  std::vector<cv::Mat> styles;
  StyleMix mix;
  // Required when a setting needs a strength map (da-adain, near_far), else may be empty.
  cv::Mat proximity;
};

// One Rendering per setting, in order.
std::vector<Rendering> stylize(Backbone& backbone, const StylizationInput& input,
                               const std::vector<BlendSetting>& settings);

// A style image as the stylizer takes it: sized, and with preserve_color, its colours matched to the sized
// content's (style/color_preservation.h). `name` labels errors.
cv::Mat prepare_style_image(const Image& style, const ImageSizing& sizing, const cv::Mat& content_for_colors,
                            bool preserve_color, const std::string& name);

}  // namespace depthstyle
