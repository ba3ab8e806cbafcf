#include "grid/style_grid_cells.h"

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

std::vector<std::string> depth_source_names(const StyleGridOptions& options, const StyleGridContent& content) {
  std::vector<std::string> names;
  if (!content.depth_map.empty()) names.push_back("map");
  for (const DepthEstimatorConfig& estimator : options.depth_estimators) names.push_back(estimator.name);
  return names;
}

std::vector<GridSetting> grid_settings(const StyleGridOptions& options, const std::string& style_mode,
                                       const std::vector<std::string>& depth_sources) {
  std::vector<GridSetting> settings;
  const auto add_strength_settings = [&](GridSetting base) {
    base.uses_strength = true;
    for (const std::string& depth : depth_sources) {
      for (const double beta : options.betas) {
        for (const double eps : options.epsilons) {
          base.depth = depth;
          base.beta = beta;
          base.eps = eps;
          settings.push_back(base);
        }
      }
    }
  };
  for (const std::string& method : options.methods) {
    GridSetting base;
    base.method = style_method_from_string(method);
    if (base.method == StyleMethod::kAdain) {
      base.uses_content_weight = true;
      for (const double weight : options.content_weights) {
        base.content_weight = weight;
        if (style_mode == "near_far") {
          add_strength_settings(base);
        } else {
          settings.push_back(base);
        }
      }
    } else {
      add_strength_settings(base);
    }
  }
  return settings;
}

std::string grid_cell_key(const std::string& content, const std::string& style, const GridSetting& setting,
                          int content_size, int style_size) {
  return concat("content=", content, ",style=", style, ",", grid_setting_key(setting), ",content_size=", content_size,
                ",style_size=", style_size);
}

std::string grid_setting_key(const GridSetting& setting) {
  return "method=" + to_string(setting.method) + "," + grid_blend_parameters_key(setting);
}

std::string grid_blend_parameters_key(const GridSetting& setting) {
  std::vector<std::string> parts;
  if (setting.uses_content_weight) parts.push_back("content_weight=" + format_number(setting.content_weight));
  if (setting.uses_strength) {
    parts.push_back(concat("depth=", setting.depth, ",beta=", format_number(setting.beta), ",eps=",
                           format_number(setting.eps)));
  }
  return join(parts, ",");
}

std::vector<GridCell> grid_cells(const StyleGridOptions& options) {
  std::vector<GridCell> cells;
  for (std::size_t content = 0; content < options.contents.size(); ++content) {
    const std::vector<std::string> sources = depth_source_names(options, options.contents[content]);
    for (const int content_size : options.content_sizes) {
      for (std::size_t style = 0; style < options.styles.size(); ++style) {
        for (const int style_size : options.style_sizes) {
          for (const GridSetting& setting : grid_settings(options, options.styles[style].mode, sources)) {
            cells.push_back({content, content_size, style, style_size, setting,
                             grid_cell_key(options.contents[content].name, options.styles[style].name, setting,
                                           content_size, style_size)});
          }
        }
      }
    }
  }
  return cells;
}

}  // namespace depthstyle
