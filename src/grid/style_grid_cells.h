// The cells of a style grid, in computation order, and their stable keys.
//
// Depth sources of a content: its own depth_map (named "map"), then every depth estimator, in that order.
// Cells, in the order they are computed (docs/conventions.md#expensive-work-outermost):
//   content > content size > style > style size > method > (adain: content weight; da-adain: depth > beta > eps)
//   near_far styles with method adain: content weight > depth > beta > eps.
// Key of a cell, used in file names and result rows (numbers in their shortest round-trip form):
//   content=aloeL,style=starry_night,method=da-adain,depth=map,beta=20,eps=0.15,content_size=512,style_size=512
//   content=aloeL,style=starry_night,method=adain,content_weight=0,content_size=512,style_size=512
#pragma once

#include <string>
#include <vector>

#include "grid/style_grid_options.h"
#include "style/style_names.h"

namespace depthstyle {

// One blend setting of a cell, as it appears in keys and result rows.
struct GridSetting {
  StyleMethod method = StyleMethod::kAdain;
  bool uses_content_weight = false;
  double content_weight = 0;   // adain
  bool uses_strength = false;  // da-adain, or a near_far style
  std::string depth;           // depth source name
  double beta = 0;
  double eps = 0;
};

// The settings of one content/style pair, in computation order. `style_mode` is the style group's mode name
// (after complete_style_grid); `depth_sources` the content's depth source names.
std::vector<GridSetting> grid_settings(const StyleGridOptions& options, const std::string& style_mode,
                                       const std::vector<std::string>& depth_sources);

std::string grid_cell_key(const std::string& content, const std::string& style, const GridSetting& setting,
                          int content_size, int style_size);
// The setting's part of a key: "method=adain,content_weight=0" / "method=da-adain,depth=map,beta=20,eps=0.15".
std::string grid_setting_key(const GridSetting& setting);
// The same without the method: "content_weight=0" / "depth=map,beta=20,eps=0.15" (every setting has one of them).
std::string grid_blend_parameters_key(const GridSetting& setting);

struct GridCell {
  std::size_t content = 0;  // index into options.contents
  int content_size = 0;
  std::size_t style = 0;    // index into options.styles
  int style_size = 0;
  GridSetting setting;
  std::string key;
};

// Every cell of the grid, in computation order (options completed by complete_style_grid).
std::vector<GridCell> grid_cells(const StyleGridOptions& options);

// The depth source names of a content: "map" if it has a depth map, then the estimators' names.
std::vector<std::string> depth_source_names(const StyleGridOptions& options, const StyleGridContent& content);

}  // namespace depthstyle
