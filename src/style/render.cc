#include "style/render.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/text.h"
#include "tensor/tensor_image.h"
#include "style/adain.h"

namespace depthstyle {

void check_blend_setting(const BlendSetting& setting, StyleMixMode mode) {
  if (!(setting.content_weight >= 0 && setting.content_weight <= 1)) {
    throw UsageError(concat("content_weight (the paper's alpha) must be in [0, 1], got ",
                            format_number(setting.content_weight)));
  }
  check_strength_map_params(setting.strength);
  if (setting.method == StyleMethod::kDepthAware && mode == StyleMixMode::kNearFar) {
    throw UsageError("style mode near_far mixes its two styles with the strength map; combine it with method adain "
                     "(da-adain would apply the same map a second time)");
  }
}

bool needs_strength_map(const BlendSetting& setting, StyleMixMode mode) {
  return setting.method == StyleMethod::kDepthAware || mode == StyleMixMode::kNearFar;
}

std::vector<cv::Mat> centred_proximity_levels(const cv::Mat& proximity, const Features& content) {
  std::vector<cv::Mat> levels;
  for (const at::Tensor& level : content.levels) {
    levels.push_back(
        centred_proximity(proximity, cv::Size(static_cast<int>(level.size(3)), static_cast<int>(level.size(2)))));
  }
  return levels;
}

Rendering render_stylization(Backbone& backbone, const Features& content, const StyleTargets& targets,
                             const BlendSetting& setting, const std::vector<cv::Mat>& centred_proximity,
                             cv::Size content_size) {
  check_blend_setting(setting, targets.mode);
  const bool with_strength = needs_strength_map(setting, targets.mode);
  if (with_strength && centred_proximity.size() != content.levels.size()) {
    throw Error(concat("render: ", to_string(setting.method), " needs a strength map per feature level (",
                       content.levels.size(), "), got ", centred_proximity.size()));
  }
  at::NoGradGuard no_grad;
  Rendering rendering;
  Features blended;
  const at::Tensor content_weight = at::scalar_tensor(setting.content_weight, at::kFloat);
  for (std::size_t level = 0; level < content.levels.size(); ++level) {
    at::Tensor strength;
    if (with_strength) {
      rendering.strength.push_back(strength_from_centred_proximity(centred_proximity[level], setting.strength));
      strength = tensor_from_image(rendering.strength.back());
    }
    const at::Tensor target = mix_targets(targets, level, strength);
    const at::Tensor& weight = setting.method == StyleMethod::kDepthAware ? strength : content_weight;
    blended.levels.push_back(blend_content_and_stylized(content.levels[level], target, weight));
  }
  const at::Tensor decoded = backbone.decode(blended);
  if (decoded.size(2) < content_size.height || decoded.size(3) < content_size.width) {
    throw Error(concat("backbone ", backbone.name(), " decoded ", decoded.size(3), "x", decoded.size(2),
                       " px for a content of ", content_size.width, "x", content_size.height));
  }
  rendering.image = decoded.narrow(2, 0, content_size.height).narrow(3, 0, content_size.width).clamp(0, 1);
  return rendering;
}

}  // namespace depthstyle
