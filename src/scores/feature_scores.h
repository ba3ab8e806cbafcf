// Perceptual distances of a stylized output from its content and its style, on encoder activations ("taps",
// style/backbone.h TapLayout), defined as the AdaIN paper's training losses (Huang and Belongie 2017, eq. 11-12;
// the public PyTorch port's net.py, calc_content_loss and calc_style_loss):
//
//   content distance  sum over the layout's content taps of the mean over C x h x w of (out - content)^2, the
//                     port's mse_loss with its default mean reduction; VGG: relu4_1 only.
//   style distance    sum over the layout's style taps of  mean over C of (mu_out - mu_style)^2
//                                                         + mean over C of (sigma_out - sigma_style)^2,
//                     mu and sigma per channel over the positions: the mean and sqrt(unbiased variance + 1e-5)
//                     (style/adain.h channel_stats, the port's calc_mean_std); VGG: relu1_1, relu2_1, relu3_1,
//                     relu4_1. The two images may differ in size: only per-channel statistics are compared.
//
// Near / far (scores/depth_regions.h): the same sums over the positions of one region only, with a mask per tap
// (1x1xhxw float32, 1 = inside, at that tap's size). In the content distance the mean runs over C x (positions in
// the region); in the style distance the output's mu and sigma are the region's own (sigma with the region's
// unbiased variance), and the style's stay those of the whole style image: a region is compared with the style as
// a whole. A region with fewer than 2 positions at some tap has no such distance (NaN).
//
// Taps are 1xCxhxw float32 with any strides (views into a network's buffers are fine), read in place; sums run in
// double (variances from centred second passes), channels in parallel, each in a fixed order: the numbers do not
// depend on the thread count.
#pragma once

#include <ATen/core/Tensor.h>

#include <limits>
#include <vector>

#include "style/adain.h"
#include "style/backbone.h"

namespace depthstyle {

// What the content distance compares with: the content image's taps listed in layout.content, in that order.
struct ContentTaps {
  std::vector<at::Tensor> taps;
};

// What the style distance compares with: the style image's channel statistics at the layout's style taps.
struct StyleStatistics {
  std::vector<ChannelStats> taps;
};

// From all taps of an image (as Backbone::encode_with_taps hands them out).
ContentTaps content_taps(const std::vector<at::Tensor>& taps, const TapLayout& layout);
StyleStatistics style_statistics(const std::vector<at::Tensor>& taps, const TapLayout& layout);

// One mask per tap of the layout (all of them, in order), for each region.
struct TapRegions {
  std::vector<at::Tensor> near;
  std::vector<at::Tensor> far;
};

struct FeatureDistances {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  double content = kNone;
  double content_near = kNone;
  double content_far = kNone;
  double style = kNone;
  double style_near = kNone;
  double style_far = kNone;
};

// `output_taps`: all taps of the output. `style` null: no style distances (e.g. a style group of several images);
// `regions` null: no near/far distances. Throws Error if the output's taps do not match the layout or the content's
// shapes (the output must have the content's size).
FeatureDistances feature_distances(const std::vector<at::Tensor>& output_taps, const TapLayout& layout,
                                   const ContentTaps& content, const StyleStatistics* style,
                                   const TapRegions* regions);

// channel_stats over the positions where `mask` (1x1xhxw, 0 or 1) is 1: the region's mean and
// sqrt(unbiased variance + epsilon). With an all-ones mask equal to channel_stats up to rounding. The mask must
// cover at least 2 positions.
ChannelStats masked_channel_stats(const at::Tensor& features, const at::Tensor& mask, double epsilon = kAdainEpsilon);

}  // namespace depthstyle
