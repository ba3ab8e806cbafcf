// The names of stylization methods and style modes, shared by configs, the command line, keys and the stylizer.
// Torch-free, so config code and its tests do not load LibTorch.
//
//   methods  adain     paper eq. 4: a uniform content weight (the paper's alpha)
//            da-adain  paper eq. 5: the strength map of Algorithm 1 as a per-cell content weight
//   modes    single, interpolate, mask, near_far (style/style_mix.h)
#pragma once

#include <string>
#include <vector>

namespace depthstyle {

enum class StyleMethod { kAdain, kDepthAware };

std::string to_string(StyleMethod method);  // "adain", "da-adain"
// Throws UsageError listing the methods for an unknown name.
StyleMethod style_method_from_string(const std::string& name);
std::vector<std::string> style_method_names();

enum class StyleMixMode { kSingle, kInterpolate, kMask, kNearFar };

std::string to_string(StyleMixMode mode);  // "single", "interpolate", "mask", "near_far"
// Throws UsageError listing the modes for an unknown name.
StyleMixMode style_mix_mode_from_string(const std::string& name);
std::vector<std::string> style_mix_mode_names();

}  // namespace depthstyle
