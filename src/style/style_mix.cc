#include "style/style_mix.h"

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/text.h"
#include "tensor/tensor_image.h"
#include "style/adain.h"

namespace depthstyle {
namespace {

// Channel statistics over the positions where `region` (1x1xHxW of 0/1) is 1, as channel_stats computes them over
// all positions: unbiased variance + epsilon. Fewer than 2 positions: variance 0 (+ epsilon), never NaN, because
// the caller multiplies the result by the region and NaN * 0 would still be NaN.
ChannelStats region_channel_stats(const at::Tensor& features, const at::Tensor& region) {
  const at::Tensor count = region.sum({2, 3}, /*keepdim=*/true);
  const at::Tensor mean = (features * region).sum({2, 3}, true) / count.clamp_min(1);
  const at::Tensor squares = ((features - mean).square() * region).sum({2, 3}, true);
  const at::Tensor variance = squares / (count - 1).clamp_min(1);
  return {mean, (variance + kAdainEpsilon).sqrt()};
}

at::Tensor masked_adain(const at::Tensor& content, const at::Tensor& foreground_style,
                        const at::Tensor& background_style, const cv::Mat& mask) {
  cv::Mat nearest, is_foreground, level_mask;
  cv::resize(mask, nearest, cv::Size(static_cast<int>(content.size(3)), static_cast<int>(content.size(2))), 0, 0,
             cv::INTER_NEAREST);
  cv::compare(nearest, 0.5, is_foreground, cv::CMP_GE);  // 255 where foreground
  is_foreground.convertTo(level_mask, CV_32F, 1.0 / 255);
  const at::Tensor foreground = tensor_from_image(level_mask);
  const at::Tensor background = 1 - foreground;
  const at::Tensor fg = adain(content, region_channel_stats(content, foreground), channel_stats(foreground_style));
  const at::Tensor bg = adain(content, region_channel_stats(content, background), channel_stats(background_style));
  return foreground * fg + background * bg;
}

}  // namespace

void check_style_group(StyleMixMode mode, const std::vector<double>& weights, std::size_t style_count,
                       bool has_mask) {
  const std::string name = to_string(mode);
  switch (mode) {
    case StyleMixMode::kSingle:
      if (style_count != 1) throw UsageError(concat("style mode single takes 1 style image, got ", style_count));
      break;
    case StyleMixMode::kInterpolate: {
      if (style_count < 2) {
        throw UsageError(concat("style mode interpolate takes 2 or more style images, got ", style_count));
      }
      if (weights.size() != style_count) {
        throw UsageError(concat("style mode interpolate needs one weight per style image: ", style_count,
                                " images, ", weights.size(), " weights"));
      }
      double sum = 0;
      for (const double weight : weights) {
        if (!(weight >= 0) || !std::isfinite(weight)) {
          throw UsageError(concat("style interpolation weights must be finite and >= 0, got ", format_number(weight)));
        }
        sum += weight;
      }
      if (sum <= 0) throw UsageError("style interpolation weights must not all be 0");
      break;
    }
    case StyleMixMode::kMask:
    case StyleMixMode::kNearFar:
      if (style_count != 2) {
        throw UsageError(concat("style mode ", name, " takes 2 style images (",
                                mode == StyleMixMode::kMask ? "foreground, background" : "near, far", "), got ",
                                style_count));
      }
      break;
  }
  if (mode != StyleMixMode::kInterpolate && !weights.empty()) {
    throw UsageError(concat("style weights are only used by style mode interpolate, not ", name));
  }
  if (mode == StyleMixMode::kMask && !has_mask) {
    throw UsageError("style mode mask needs a mask image (foreground = white)");
  }
  if (mode != StyleMixMode::kMask && has_mask) {
    throw UsageError(concat("a mask image is only used by style mode mask, not ", name));
  }
}

void check_style_mix(const StyleMix& mix, std::size_t style_count) {
  check_style_group(mix.mode, mix.weights, style_count, !mix.mask.empty());
  DEPTHSTYLE_ASSERT(mix.mask.empty() || mix.mask.type() == CV_32FC1);
}

StyleTargets prepare_style_targets(const Features& content, const std::vector<const Features*>& styles,
                                   const StyleMix& mix) {
  check_style_mix(mix, styles.size());
  for (const Features* style : styles) {
    if (style->levels.size() != content.levels.size()) {
      throw Error(concat("style features have ", style->levels.size(), " levels, content features ",
                         content.levels.size()));
    }
  }
  at::NoGradGuard no_grad;
  StyleTargets targets;
  targets.mode = mix.mode;
  const std::size_t level_count = content.levels.size();
  switch (mix.mode) {
    case StyleMixMode::kSingle:
    case StyleMixMode::kNearFar:
      for (const Features* style : styles) {
        Features& target = targets.features.emplace_back();
        for (std::size_t level = 0; level < level_count; ++level) {
          target.levels.push_back(adain(content.levels[level], style->levels[level]));
        }
      }
      break;
    case StyleMixMode::kInterpolate: {
      const double sum = std::accumulate(mix.weights.begin(), mix.weights.end(), 0.0);
      Features& target = targets.features.emplace_back();
      for (std::size_t level = 0; level < level_count; ++level) {
        const at::Tensor& features = content.levels[level];
        const ChannelStats content_stats = channel_stats(features);
        at::Tensor mixed = at::zeros_like(features);
        for (std::size_t i = 0; i < styles.size(); ++i) {
          // A zero weight adds exact zeros: weights (1, 0) reproduce the single-style target bit for bit.
          const double weight = mix.weights[i] / sum;
          if (weight == 0) continue;
          mixed += adain(features, content_stats, channel_stats(styles[i]->levels[level])) * weight;
        }
        target.levels.push_back(std::move(mixed));
      }
      break;
    }
    case StyleMixMode::kMask: {
      Features& target = targets.features.emplace_back();
      for (std::size_t level = 0; level < level_count; ++level) {
        target.levels.push_back(
            masked_adain(content.levels[level], styles[0]->levels[level], styles[1]->levels[level], mix.mask));
      }
      break;
    }
  }
  return targets;
}

at::Tensor mix_targets(const StyleTargets& targets, std::size_t level, const at::Tensor& near_weight) {
  if (targets.mode != StyleMixMode::kNearFar) return targets.features.front().levels[level];
  DEPTHSTYLE_ASSERT(near_weight.defined());
  return blend_content_and_stylized(targets.features[0].levels[level], targets.features[1].levels[level],
                                    near_weight);
}

}  // namespace depthstyle
