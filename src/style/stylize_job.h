// `depthstyle stylize`: one content image and one style group, one blend setting, one output image; optionally the
// proximity and strength maps as pictures and a JSON record of everything that produced the output.
//
// Conventions at this boundary (the command's options say the same):
//   content_weight  the PAPER's alpha (eq. 4): weight of the CONTENT features, 0 = full stylization. The reference
//                   port's --alpha is the weight of the STYLISED features: port alpha = 1 - content_weight.
//   beta, eps       Algorithm 1 (style/strength_map.h), used by da-adain and by the near_far style mode.
//   depth           exactly one of a precomputed map (with its meaning) or a registry estimator, run on the original
//                   content image; required when the setting needs a strength map.
//   alpha channel   a content with transparency is stylised composited over white (io/image.h); a PNG output keeps
//                   the content's alpha, so it is transparent where the content was; a JPEG output cannot and drops it
//                   (with a warning).
//   output          PNG or JPEG by extension, clamped to [0,1], 8 bits; pictures of the maps next to it:
//                   <stem>_proximity.png, <stem>_strength.png (finest feature level).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "depth/depth_estimator.h"
#include "style/backbone_factory.h"
#include "io/image.h"
#include "style/depth_source.h"
#include "style/image_sizing.h"
#include "style/render.h"

namespace depthstyle {

struct SingleStylization {
  std::filesystem::path content;
  // One style, or several for the interpolate, mask (foreground, background) and near_far (near, far) modes.
  std::vector<std::filesystem::path> styles;
  StyleMixMode mode = StyleMixMode::kSingle;
  std::vector<double> weights;   // interpolate
  std::filesystem::path mask;    // mask mode: white = foreground = first style
  BlendSetting setting;
  ImageSizing content_sizing;
  ImageSizing style_sizing;
  bool preserve_color = false;
  std::optional<DepthMapFile> depth_map;
  std::optional<DepthEstimatorConfig> depth_estimator;
  BackboneConfig backbone;
  std::filesystem::path output;
  bool save_maps = false;
  std::filesystem::path record;  // JSON record; empty = none
  int jpeg_quality = ImageSaveOptions{}.jpeg_quality;
};

struct SingleStylizationResult {
  std::vector<std::filesystem::path> written;  // output first
  nlohmann::json record;
};

// Throws UsageError for inconsistent requests (before any file is read), InputError for unreadable inputs.
SingleStylizationResult run_single_stylization(const SingleStylization& request);

}  // namespace depthstyle
