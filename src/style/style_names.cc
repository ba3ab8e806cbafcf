#include "style/style_names.h"

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

std::string to_string(StyleMethod method) { return method == StyleMethod::kAdain ? "adain" : "da-adain"; }

std::vector<std::string> style_method_names() { return {"adain", "da-adain"}; }

StyleMethod style_method_from_string(const std::string& name) {
  if (name == "adain") return StyleMethod::kAdain;
  if (name == "da-adain") return StyleMethod::kDepthAware;
  throw UsageError(concat("unknown method '", name, "'", did_you_mean(name, style_method_names()),
                          "; expected adain (paper eq. 4) or da-adain (eq. 5)"));
}

std::string to_string(StyleMixMode mode) {
  switch (mode) {
    case StyleMixMode::kSingle: return "single";
    case StyleMixMode::kInterpolate: return "interpolate";
    case StyleMixMode::kMask: return "mask";
    case StyleMixMode::kNearFar: return "near_far";
  }
  return "?";
}

std::vector<std::string> style_mix_mode_names() { return {"single", "interpolate", "mask", "near_far"}; }

StyleMixMode style_mix_mode_from_string(const std::string& name) {
  for (const StyleMixMode mode :
       {StyleMixMode::kSingle, StyleMixMode::kInterpolate, StyleMixMode::kMask, StyleMixMode::kNearFar}) {
    if (to_string(mode) == name) return mode;
  }
  throw UsageError(concat("unknown style mode '", name, "'", did_you_mean(name, style_mix_mode_names()),
                          "; expected one of ", join(style_mix_mode_names(), ", ")));
}

}  // namespace depthstyle
