#include "style/stylization.h"

#include "core/error.h"
#include "io/tensor_image.h"
#include "style/color_preservation.h"

namespace depthstyle {

std::vector<Rendering> stylize(Backbone& backbone, const StylizationInput& input,
                               const std::vector<BlendSetting>& settings) {
  check_style_mix(input.mix, input.styles.size());
  bool any_strength = false;
  for (const BlendSetting& setting : settings) {
    check_blend_setting(setting, input.mix.mode);
    any_strength = any_strength || needs_strength_map(setting, input.mix.mode);
  }
  if (any_strength && input.proximity.empty()) {
    throw UsageError("the strength map needs a depth source (a depth map or a depth estimator)");
  }
  const Features content = backbone.encode(tensor_from_image(input.content));
  std::vector<Features> styles;
  std::vector<const Features*> style_pointers;
  styles.reserve(input.styles.size());
  for (const cv::Mat& style : input.styles) {
    styles.push_back(backbone.encode(tensor_from_image(style)));
    style_pointers.push_back(&styles.back());
  }
  const StyleTargets targets = prepare_style_targets(content, style_pointers, input.mix);
  styles.clear();  // only the targets are needed from here on
  const std::vector<cv::Mat> centred =
      any_strength ? centred_proximity_levels(input.proximity, content) : std::vector<cv::Mat>{};
  std::vector<Rendering> renderings;
  for (const BlendSetting& setting : settings) {
    renderings.push_back(render_stylization(backbone, content, targets, setting, centred, input.content.size()));
  }
  return renderings;
}

cv::Mat prepare_style_image(const Image& style, const ImageSizing& sizing, const cv::Mat& content_for_colors,
                            bool preserve_color, const std::string& name) {
  cv::Mat rgb = size_image(style, sizing).rgb;
  if (preserve_color) rgb = match_color_statistics(rgb, content_for_colors, name, "content");
  return rgb;
}

}  // namespace depthstyle
