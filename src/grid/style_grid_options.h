// The config of `experiment: style_grid` (its cells and keys: grid/style_grid_cells.h).
//
//   contents:                      # content images, each with its own depth map and mask if it has them
//     - image: sample:aloeL.jpg    # a path, or sample:<file> for the sample cache ($DEPTHSTYLE_CACHE or datasets/cache)
//       depth_map: sample:aloeGT.png
//       depth_meaning: disparity   # depth (bigger = farther) or proximity / disparity / inverse_depth
//       depth_zero_unknown: true
//   styles:                        # style images, or groups of them for the multi-style modes
//     - images: sample:starry_night.jpg
//     - {images: [sample:starry_night.jpg, sample:brick.png], mode: interpolate, weights: [1, 1]}
//   grid:
//     methods: [adain, da-adain]
//     content_weights: [0]         # adain: the PAPER's alpha, weight of the CONTENT features (port alpha = 1 - it)
//     betas: [0, 1, 5, 10, 20]     # da-adain (and near_far styles): Algorithm 1's beta
//     epsilons: [0]                # ... and eps
//     content_sizes: [512]         # smaller side, 0 = keep
//     style_sizes: [512]
//   depth_estimators: []           # registry entries (depth/depth_estimator.h): more depth sources
//   scores: {enabled: false}       # depth preservation, content and style distances per output (scores/grid_scores.h)
//
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "depth/depth_estimator.h"
#include "io/image.h"
#include "scores/grid_scores.h"
#include "style/backbone_factory.h"
#include "style/image_sizing.h"
#include "style/strength_map.h"

namespace depthstyle {

class Schema;

struct StyleGridContent {
  // Image file, or sample:<file name> from the sample catalog.
  std::string image;
  // Name in keys and results; default: the image file's stem.
  std::string name;
  // Precomputed depth of this image (PFM, PNG, NPY, NPZ), or sample:<file>; "" = none.
  std::string depth_map;
  // What depth_map holds: depth, or proximity / disparity / inverse_depth; "none" without a depth_map.
  std::string depth_meaning = "none";
  // A stored 0 in depth_map marks an unknown pixel (Middlebury 8-bit disparity).
  bool depth_zero_unknown = false;
  // NPZ: the array to read ("" = the only one).
  std::string depth_npz_key;
  // PNG: value = stored integer / scale.
  double depth_png_scale = 1;
  // Mask for style groups of mode mask (white = foreground = the group's first style); "" = none.
  std::string mask;
};

struct StyleGridStyle {
  // One image, or several for the modes interpolate, mask and near_far; paths or sample:<file>.
  std::vector<std::string> images;
  // Name in keys and results; default: the images' stems joined by '+'.
  std::string name;
  // single, interpolate, mask or near_far (style/style_mix.h); auto = single for one image, interpolate for more.
  std::string mode = "auto";
  // interpolate: one weight >= 0 per image (normalised to sum 1); default: equal weights.
  std::vector<double> weights;
};

struct StyleGridOutput {
  // Image format of the stylized outputs: png or jpg.
  std::string format = "png";
  int jpeg_quality = ImageSaveOptions{}.jpeg_quality;
  // Pictures of every strength map used (finest level), next to the outputs.
  bool save_strength_maps = true;
};

struct StyleGridFigures {
  // none; sweep: a sheet per content/style/depth with the outputs in grid order (Fig. 4, Fig. 5);
  // compare: one sheet, a column per content/style pair, a row per setting (Fig. 6). Both also write the inputs
  // sheet (Fig. 3: contents with their proximity maps, styles).
  std::string layout = "sweep";
  // Title of the sheets (default: the run's name).
  std::string title;
  // Height of one picture on a sheet, px.
  int panel_height = 220;
};

struct StyleGridOptions {
  std::vector<StyleGridContent> contents;
  std::vector<StyleGridStyle> styles;
  std::vector<std::string> methods = {"adain", "da-adain"};
  std::vector<double> content_weights = {0};
  // The paper's values (style/strength_map.h), as one setting each.
  std::vector<double> betas = {StrengthMapParams{}.beta};
  std::vector<double> epsilons = {StrengthMapParams{}.eps};
  std::vector<int> content_sizes = {ImageSizing{}.smaller_side};
  std::vector<int> style_sizes = {ImageSizing{}.smaller_side};
  // Centre-crop contents and styles to squares after resizing (the port's --crop).
  bool crop = false;
  // Give each style the content's colour mean and covariance first (the port's --preserve_color).
  bool preserve_color = false;
  std::vector<DepthEstimatorConfig> depth_estimators;
  // Folder relative depth_estimators paths are taken in ("" = the working directory).
  std::string weights_dir;
  // A depth estimator whose model file or folder is missing: false = the run stops naming it; true = it is left out
  // of the grid (so a config can list every model and run those present), logged, and listed in the manifest
  // ("depth_estimators_not_run") and the ablation report.
  bool skip_missing_weights = false;
  // Not a key: filled by complete_style_grid, the entries left out with their reason ("not run: weights missing at
  // PATH"), in config order.
  std::vector<std::pair<std::string, std::string>> depth_estimators_not_run;
  BackboneConfig backbone;
  StyleGridOutput output;
  StyleGridFigures figures;
  GridScoreOptions scores;
};

// `scores_optional`: declare scores.enabled (style_grid); without it the runner always scores (ablation).
void declare_style_grid(Schema& schema, StyleGridOptions& options, bool scores_optional = true);

// Fills in defaults that depend on other keys: names from file names, style modes and interpolation weights; takes
// depth estimator paths inside weights_dir and, with skip_missing_weights, moves the entries whose files are missing
// to depth_estimators_not_run.
void complete_style_grid(StyleGridOptions& options);

// Every problem that needs several keys at once, each naming its key (e.g. "styles[1].weights: ..."); empty if
// the options can run. Call after complete_style_grid.
std::vector<std::string> style_grid_problems(const StyleGridOptions& options);

// "sample:<file>" -> the file in the sample cache; anything else is a path as given.
std::filesystem::path resolve_input_path(const std::string& text);

}  // namespace depthstyle
