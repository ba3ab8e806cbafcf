#include "scores/feature_scores.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/text.h"
#include "nets/weight_layout.h"

namespace depthstyle {
namespace {

double sum_in_double(const at::Tensor& values) { return values.sum(at::kDouble).item<double>(); }

double positions_in(const at::Tensor& mask) { return sum_in_double(mask); }

// Mean over channels of the squared differences of two Cx1x1 statistics.
double mean_squared_difference(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor difference = a.to(at::kDouble) - b.to(at::kDouble);
  return (difference * difference).mean().item<double>();
}

double style_term(const ChannelStats& output, const ChannelStats& style) {
  return mean_squared_difference(output.mean, style.mean) + mean_squared_difference(output.std, style.std);
}

void check_taps(const std::vector<at::Tensor>& taps, const TapLayout& layout, const char* what) {
  if (taps.size() != layout.names.size()) {
    throw Error(concat("perceptual scores: the ", what, " has ", taps.size(), " taps, the layout ",
                       layout.names.size(), " (", join(layout.names, ", "), ")"));
  }
  for (std::size_t i = 0; i < taps.size(); ++i) {
    if (taps[i].dim() != 4 || taps[i].size(0) != 1) {
      throw Error(concat("perceptual scores: tap ", layout.names[i], " of the ", what, " is ", shape_text(taps[i].sizes()),
                         ", expected 1xCxhxw"));
    }
  }
}

}  // namespace

ContentTaps content_taps(const std::vector<at::Tensor>& taps, const TapLayout& layout) {
  check_taps(taps, layout, "content");
  ContentTaps content;
  for (const std::size_t index : layout.content) content.taps.push_back(taps[index]);
  return content;
}

StyleStatistics style_statistics(const std::vector<at::Tensor>& taps, const TapLayout& layout) {
  check_taps(taps, layout, "style");
  at::NoGradGuard no_grad;
  StyleStatistics style;
  for (const std::size_t index : layout.style) style.taps.push_back(channel_stats(taps[index]));
  return style;
}

ChannelStats masked_channel_stats(const at::Tensor& features, const at::Tensor& mask, double epsilon) {
  const double count = positions_in(mask);
  DEPTHSTYLE_ASSERT(count >= 2);
  // Products in float32, sums in double (no double copy of a 64-channel full-size tap).
  const at::Tensor mean = (features * mask).sum({2, 3}, /*keepdim=*/true, at::kDouble) / count;
  const at::Tensor centred = (features - mean.to(at::kFloat)) * mask;
  const at::Tensor variance = (centred * centred).sum({2, 3}, /*keepdim=*/true, at::kDouble) / (count - 1);
  return {mean.to(at::kFloat), (variance + epsilon).sqrt().to(at::kFloat)};
}

FeatureDistances feature_distances(const std::vector<at::Tensor>& output_taps, const TapLayout& layout,
                                   const ContentTaps& content, const StyleStatistics* style,
                                   const TapRegions* regions) {
  check_taps(output_taps, layout, "output");
  DEPTHSTYLE_ASSERT(content.taps.size() == layout.content.size());
  DEPTHSTYLE_ASSERT(style == nullptr || style->taps.size() == layout.style.size());
  DEPTHSTYLE_ASSERT(regions == nullptr ||
                    (regions->near.size() == layout.names.size() && regions->far.size() == layout.names.size()));
  at::NoGradGuard no_grad;
  FeatureDistances distances;
  const auto region_of = [&](bool near, std::size_t tap) -> const at::Tensor& {
    return near ? regions->near[tap] : regions->far[tap];
  };

  distances.content = 0;
  double content_region[2] = {0, 0};  // near, far
  for (std::size_t i = 0; i < layout.content.size(); ++i) {
    const std::size_t tap = layout.content[i];
    const at::Tensor& out = output_taps[tap];
    if (out.sizes() != content.taps[i].sizes()) {
      throw Error(concat("perceptual scores: tap ", layout.names[tap], " of the output is ", shape_text(out.sizes()),
                         ", the content's ", shape_text(content.taps[i].sizes()), " (the output must have the "
                         "content's size)"));
    }
    const at::Tensor difference = out - content.taps[i];
    const at::Tensor squared = difference * difference;
    distances.content += sum_in_double(squared) / static_cast<double>(squared.numel());
    if (regions == nullptr) continue;
    for (const bool near : {true, false}) {
      const at::Tensor& mask = region_of(near, tap);
      const double positions = positions_in(mask);
      content_region[near ? 0 : 1] += positions < 2 ? FeatureDistances::kNone
                                                    : sum_in_double(squared * mask) /
                                                          (positions * static_cast<double>(out.size(1)));
    }
  }
  if (regions != nullptr) {
    distances.content_near = content_region[0];
    distances.content_far = content_region[1];
  }
  if (style == nullptr) return distances;

  distances.style = 0;
  double style_region[2] = {0, 0};
  for (std::size_t i = 0; i < layout.style.size(); ++i) {
    const std::size_t tap = layout.style[i];
    const at::Tensor& out = output_taps[tap];
    distances.style += style_term(channel_stats(out), style->taps[i]);
    if (regions == nullptr) continue;
    for (const bool near : {true, false}) {
      const at::Tensor& mask = region_of(near, tap);
      style_region[near ? 0 : 1] += positions_in(mask) < 2 ? FeatureDistances::kNone
                                                           : style_term(masked_channel_stats(out, mask), style->taps[i]);
    }
  }
  if (regions != nullptr) {
    distances.style_near = style_region[0];
    distances.style_far = style_region[1];
  }
  return distances;
}

}  // namespace depthstyle
