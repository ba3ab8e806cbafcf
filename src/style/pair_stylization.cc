#include "style/pair_stylization.h"

#include "core/error.h"
#include "core/log.h"
#include "core/text.h"
#include "tensor/tensor_image.h"
#include "style/color_preservation.h"
#include "style/strength_map.h"

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

cv::Mat proximity_of_sized_content(const DepthPrediction& depth, const SizedImage& content) {
  return size_map_like(proximity_with_unknowns(depth), content);
}

cv::Mat load_mask_for(const std::filesystem::path& mask, const SizedImage& content) {
  const Image image = load_image(mask);
  cv::Mat grey;
  cv::transform(image.rgb, grey, cv::Matx13f(1.0f / 3, 1.0f / 3, 1.0f / 3));
  return size_mask_like(grey, content);
}

void save_stylized_image(const std::filesystem::path& path, const at::Tensor& image, const SizedImage& content,
                         int jpeg_quality) {
  ImageSaveOptions options;
  options.jpeg_quality = jpeg_quality;
  if (!content.alpha.empty()) {
    if (lowercase_extension(path) == ".png") {
      options.alpha = content.alpha;
    } else {
      log_warning(path.string(), ": the content image has an alpha channel, which JPEG cannot keep; use .png to keep it");
    }
  }
  save_image(path, image_from_tensor(image), options);
}

}  // namespace depthstyle
