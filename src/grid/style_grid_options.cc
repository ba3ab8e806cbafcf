#include "grid/style_grid_options.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "config/schema.h"
#include "core/error.h"
#include "core/text.h"
#include "data/sample_fetch.h"
#include "depth/depth_prediction.h"
#include "depth/model_location.h"
#include "style/image_sizing.h"
#include "style/pyramid_backbone.h"
#include "style/style_mix.h"

namespace depthstyle {
namespace {

constexpr const char* kSamplePrefix = "sample:";
// "none" (no depth map) is the default; explicit values keep the stored config readable by --resume.
const std::vector<std::string> kDepthMeanings = {"none", "depth", "proximity", "disparity", "inverse_depth"};

std::string file_stem(const std::string& text) {
  const std::string path = starts_with(text, kSamplePrefix) ? text.substr(std::string(kSamplePrefix).size()) : text;
  return std::filesystem::path(path).stem().string();
}

bool usable_in_file_names(const std::string& name) {
  return !name.empty() && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '+';
  });
}

void declare_content(Schema& schema, StyleGridContent& content) {
  schema.add("image", &content.image, "content image: a path, or sample:<file> from the sample cache")
      .non_empty()
      .required();
  schema.add("name", &content.name, "name in keys and results (default: the file's stem)");
  schema.add("depth_map", &content.depth_map, "precomputed depth of this image: .pfm, .png, .npy, .npz, or "
                                              "sample:<file> ('' = none)");
  schema.add("depth_meaning", &content.depth_meaning, "what depth_map holds (bigger = farther for depth, bigger = "
                                                      "nearer for the others)")
      .one_of(kDepthMeanings);
  schema.add("depth_zero_unknown", &content.depth_zero_unknown, "a stored 0 in depth_map marks an unknown pixel");
  schema.add("depth_npz_key", &content.depth_npz_key, "array of an .npz depth_map ('' = its only array)");
  schema.add("depth_png_scale", &content.depth_png_scale, "PNG depth_map: value = stored integer / scale (> 0)");
  schema.add("mask", &content.mask, "mask for style groups of mode mask: white = foreground = their first style");
}

void declare_style(Schema& schema, StyleGridStyle& style) {
  schema.add("images", &style.images, "style image(s): paths or sample:<file>").non_empty().required();
  schema.add("name", &style.name, "name in keys and results (default: the images' stems joined by '+')");
  std::vector<std::string> modes = style_mix_mode_names();
  modes.insert(modes.begin(), "auto");
  schema.add("mode", &style.mode, "how several images combine; auto = single for one image, interpolate for more")
      .one_of(modes);
  schema.add("weights", &style.weights, "interpolate: one weight per image, normalised to sum 1 (default: equal)")
      .at_least(0);
}

// Problems of unique, file-name-safe names; `what` names the list ("contents", "styles", ...).
void check_names(const std::vector<std::string>& names, const std::string& what, std::vector<std::string>& problems) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!usable_in_file_names(names[i])) {
      problems.push_back(concat(what, "[", i, "].name: '", names[i], "' cannot be used in file names; use letters, ",
                                "digits, '-', '_', '.' and '+' (set a name)"));
    } else if (!seen.insert(names[i]).second) {
      problems.push_back(concat(what, "[", i, "].name: '", names[i], "' is used twice; give one of them another name"));
    }
  }
}

}  // namespace

std::filesystem::path resolve_input_path(const std::string& text) {
  if (!starts_with(text, kSamplePrefix)) return text;
  return sample_path(default_cache_dir(), text.substr(std::string(kSamplePrefix).size()));
}

void declare_style_grid(Schema& schema, StyleGridOptions& options, bool scores_optional) {
  schema.add_list<StyleGridContent>("contents", &options.contents, declare_content, "content images").required();
  schema.add_list<StyleGridStyle>("styles", &options.styles, declare_style, "style images or groups").required();
  schema.add("grid.methods", &options.methods, "adain (paper eq. 4) and/or da-adain (eq. 5)")
      .one_of(style_method_names())
      .non_empty();
  schema.add("grid.content_weights", &options.content_weights,
             "adain: the PAPER's alpha, weight of the CONTENT features (the port's alpha = 1 - this); 0 = full style")
      .range(0, 1)
      .non_empty();
  schema.add("grid.betas", &options.betas, "da-adain and near_far styles: Algorithm 1's prominence beta")
      .at_least(0)
      .non_empty();
  schema.add("grid.epsilons", &options.epsilons, "da-adain and near_far styles: Algorithm 1's offset eps (strength "
                                                 "capped at 1 - eps)")
      .range(0, 1)
      .non_empty();
  schema.add("grid.content_sizes", &options.content_sizes, "smaller side of the contents, px (0 = keep)")
      .range(0, kMaxSmallerSide)
      .non_empty();
  schema.add("grid.style_sizes", &options.style_sizes, "smaller side of the styles, px (0 = keep)")
      .range(0, kMaxSmallerSide)
      .non_empty();
  schema.add("crop", &options.crop, "centre-crop contents and styles to squares after resizing (the port's --crop)");
  schema.add("preserve_color", &options.preserve_color,
             "match each style's colour mean and covariance to the content's first (the port's --preserve_color)");
  schema.add_list<DepthEstimatorConfig>("depth_estimators", &options.depth_estimators, declare_depth_estimator,
                                        "depth estimators: further depth sources besides the contents' depth maps");
  schema.add("weights_dir", &options.weights_dir,
             "folder relative depth_estimators paths are taken in ('' = the working directory)")
      .runtime_only();
  schema.add("skip_missing_weights", &options.skip_missing_weights,
             "leave out depth estimators whose model file or folder is missing (listed as not run) instead of "
             "stopping the run");
  declare_backbone(schema, "backbone", options.backbone);
  schema.add("output.format", &options.output.format, "image format of the stylized outputs").one_of({"png", "jpg"});
  schema.add("output.jpeg_quality", &options.output.jpeg_quality, "JPEG quality").range(0, 100);
  schema.add("output.save_strength_maps", &options.output.save_strength_maps,
             "save a picture of every strength map used (finest feature level)");
  schema.add("figures.layout", &options.figures.layout,
             "figure sheets: sweep (a sheet per content/style pair and sizes, Fig. 4/5), compare (columns = pairs, Fig. 6), "
             "none")
      .one_of({"none", "sweep", "compare"});
  schema.add("figures.title", &options.figures.title, "title of the figure sheets (default: the run's name)");
  schema.add("figures.panel_height", &options.figures.panel_height, "height of one picture on a sheet, px")
      .range(64, 1024);
  declare_grid_scores(schema, options.scores, scores_optional);
}

void complete_style_grid(StyleGridOptions& options) {
  for (StyleGridContent& content : options.contents) {
    if (content.name.empty()) content.name = file_stem(content.image);
  }
  for (StyleGridStyle& style : options.styles) {
    if (style.name.empty()) {
      std::vector<std::string> stems;
      for (const std::string& image : style.images) stems.push_back(file_stem(image));
      style.name = join(stems, "+");
    }
    if (style.mode == "auto") style.mode = style.images.size() > 1 ? "interpolate" : "single";
    if (style.mode == "interpolate" && style.weights.empty()) style.weights.assign(style.images.size(), 1.0);
  }
  std::vector<DepthEstimatorConfig> present;
  for (const DepthEstimatorConfig& configured : options.depth_estimators) {
    const DepthEstimatorConfig estimator = with_model_location(configured, options.weights_dir);
    const std::string missing = weights_missing_reason(estimator_model_path(estimator));
    if (options.skip_missing_weights && !missing.empty()) {
      options.depth_estimators_not_run.emplace_back(estimator.name, missing);
    } else {
      present.push_back(estimator);
    }
  }
  options.depth_estimators = std::move(present);
}

namespace {

// Names of contents, styles and depth estimators: present, distinct, and 'map' kept for the contents' own maps.
void add_name_problems(const StyleGridOptions& options, std::vector<std::string>& problems) {
  std::vector<std::string> names;
  for (const StyleGridContent& content : options.contents) names.push_back(content.name);
  check_names(names, "contents", problems);
  names.clear();
  for (const StyleGridStyle& style : options.styles) names.push_back(style.name);
  check_names(names, "styles", problems);
  names.clear();
  for (const DepthEstimatorConfig& estimator : options.depth_estimators) names.push_back(estimator.name);
  check_names(names, "depth_estimators", problems);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "map") {
      problems.push_back(concat("depth_estimators[", i, "].name: 'map' names the contents' own depth maps; choose "
                                "another name"));
    }
  }
}

// What the contents need from the methods and style groups: depth (da-adain, near_far) and masks (mode mask).
struct ContentNeeds {
  bool depth = false;
  bool mask = false;
};

ContentNeeds add_style_problems(const StyleGridOptions& options, bool da_adain, std::vector<std::string>& problems) {
  ContentNeeds needs;
  needs.depth = da_adain;
  for (std::size_t i = 0; i < options.styles.size(); ++i) {
    const StyleGridStyle& style = options.styles[i];
    try {
      const StyleMixMode mode = style_mix_mode_from_string(style.mode);
      // masks belong to the contents (checked by add_content_problems)
      check_style_group(mode, style.weights, style.images.size(), mode == StyleMixMode::kMask);
    } catch (const UsageError& error) {
      problems.push_back(concat("styles[", i, "] (", style.name, "): ", error.what()));
    }
    needs.depth = needs.depth || style.mode == "near_far";
    needs.mask = needs.mask || style.mode == "mask";
    if (style.mode == "near_far" && da_adain) {
      problems.push_back(concat("styles[", i, "] (", style.name, "): mode near_far mixes its two styles with the "
                                "strength map and is blended by method adain; remove da-adain from grid.methods or "
                                "run this style in a grid of its own"));
    }
  }
  return needs;
}

// Each content's depth map keys, and the depth and mask the methods and style groups need.
void add_content_problems(const StyleGridOptions& options, bool da_adain, const ContentNeeds& needs,
                          std::vector<std::string>& problems) {
  for (std::size_t i = 0; i < options.contents.size(); ++i) {
    const StyleGridContent& content = options.contents[i];
    const std::string where = concat("contents[", i, "] (", content.name, ")");
    if (!(content.depth_png_scale > 0)) {
      problems.push_back(concat(where, ".depth_png_scale: must be > 0, got ", format_number(content.depth_png_scale)));
    }
    if (!content.depth_map.empty() && content.depth_meaning == "none") {
      problems.push_back(concat(where, ".depth_meaning: required with depth_map: depth (bigger = farther), or ",
                                "proximity, disparity, inverse_depth (bigger = nearer)"));
    }
    if (content.depth_map.empty()) {
      const StyleGridContent defaults;
      const std::vector<std::pair<std::string, bool>> map_keys = {
          {"depth_meaning", content.depth_meaning != defaults.depth_meaning},
          {"depth_zero_unknown", content.depth_zero_unknown},
          {"depth_npz_key", !content.depth_npz_key.empty()},
          {"depth_png_scale", content.depth_png_scale != defaults.depth_png_scale}};
      for (const auto& [key, is_set] : map_keys) {
        if (is_set) problems.push_back(concat(where, ".", key, ": describes depth_map, which is not set"));
      }
    }
    if (needs.depth && content.depth_map.empty() && options.depth_estimators.empty()) {
      problems.push_back(concat(where, ": ", da_adain ? "method da-adain" : "style mode near_far",
                                " needs its depth: set depth_map, or add depth_estimators"));
    }
    if (needs.mask && content.mask.empty()) {
      problems.push_back(concat(where, ".mask: required by the style groups of mode mask"));
    }
    if (!needs.mask && !content.mask.empty()) {
      problems.push_back(concat(where, ".mask: only used by style groups of mode mask, and there is none"));
    }
  }
}

// The backbone's own keys, the scores', and image sizes the pyramid backbone cannot take.
void add_backbone_problems(const StyleGridOptions& options, std::vector<std::string>& problems) {
  for (std::string& problem : backbone_config_problems(options.backbone, "backbone")) {
    problems.push_back(std::move(problem));
  }
  if (options.scores.enabled) {
    for (std::string& problem : grid_score_problems(options.scores, options.backbone)) {
      problems.push_back(std::move(problem));
    }
  }
  if (options.backbone.type != "pyramid") return;
  const int minimum = pyramid_minimum_side(options.backbone.pyramid_levels);
  for (const auto& [key, sizes] : {std::pair{"grid.content_sizes", &options.content_sizes},
                                   std::pair{"grid.style_sizes", &options.style_sizes}}) {
    for (const int size : *sizes) {
      if (size > 0 && size < minimum) {
        problems.push_back(concat(key, ": ", size, " px is below the pyramid backbone's minimum of ", minimum,
                                  " px for ", options.backbone.pyramid_levels, " levels (backbone.pyramid_levels)"));
      }
    }
  }
}

}  // namespace

std::vector<std::string> style_grid_problems(const StyleGridOptions& options) {
  std::vector<std::string> problems;
  if (options.contents.empty()) problems.push_back("contents: at least one content image is needed");
  if (options.styles.empty()) problems.push_back("styles: at least one style image is needed");
  add_name_problems(options, problems);
  const bool da_adain = std::count(options.methods.begin(), options.methods.end(), "da-adain") > 0;
  const ContentNeeds needs = add_style_problems(options, da_adain, problems);
  add_content_problems(options, da_adain, needs, problems);
  add_backbone_problems(options, problems);
  return problems;
}

}  // namespace depthstyle
