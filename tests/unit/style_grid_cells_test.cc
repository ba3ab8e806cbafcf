// Expansion of a style grid into cells: computation order (expensive work outermost) and stable keys.
#include <gtest/gtest.h>

#include <set>

#include "grid/style_grid_cells.h"

namespace depthstyle {
namespace {

StyleGridContent content(const std::string& name, const std::string& depth_map) {
  StyleGridContent content;
  content.image = name + ".jpg";
  content.name = name;
  content.depth_map = depth_map;
  content.depth_meaning = depth_map.empty() ? "none" : "depth";
  return content;
}

GridSetting adain_setting(double content_weight) {
  GridSetting setting;
  setting.method = StyleMethod::kAdain;
  setting.uses_content_weight = true;
  setting.content_weight = content_weight;
  return setting;
}

GridSetting strength_setting(GridSetting setting, const std::string& depth, double beta, double eps) {
  setting.uses_strength = true;
  setting.depth = depth;
  setting.beta = beta;
  setting.eps = eps;
  return setting;
}

StyleGridOptions two_by_two() {
  StyleGridOptions options;
  options.contents = {content("a", "a_depth.png"), content("b", "")};
  options.styles = {{{"s.jpg"}, "s", "single", {}}, {{"s.jpg", "t.jpg"}, "s+t", "near_far", {}}};
  options.methods = {"adain", "da-adain"};
  options.content_weights = {0, 0.5};
  options.betas = {0, 20};
  options.epsilons = {0.15};
  options.content_sizes = {256, 512};
  options.style_sizes = {300};
  DepthEstimatorConfig vertical;
  vertical.name = vertical.type = "vertical";
  options.depth_estimators = {vertical};
  return options;
}

TEST(StyleGridCells, KeysNameEveryParameterThatAppliesToTheMethod) {
  EXPECT_EQ(grid_cell_key("aloeL", "starry_night", adain_setting(0.5), 512, 512),
            "content=aloeL,style=starry_night,method=adain,content_weight=0.5,content_size=512,style_size=512");
  GridSetting da;
  da.method = StyleMethod::kDepthAware;
  EXPECT_EQ(grid_cell_key("aloeL", "starry_night", strength_setting(da, "map", 20, 0.15), 1000, 300),
            "content=aloeL,style=starry_night,method=da-adain,depth=map,beta=20,eps=0.15,content_size=1000,"
            "style_size=300");
  EXPECT_EQ(grid_cell_key("c", "s+t", strength_setting(adain_setting(0), "vertical", 1e-05, 0), 0, 0),
            "content=c,style=s+t,method=adain,content_weight=0,depth=vertical,beta=1e-05,eps=0,content_size=0,"
            "style_size=0");
}

TEST(StyleGridCells, DepthSourcesAreTheContentsMapThenTheEstimators) {
  const StyleGridOptions options = two_by_two();
  EXPECT_EQ(depth_source_names(options, options.contents[0]), (std::vector<std::string>{"map", "vertical"}));
  EXPECT_EQ(depth_source_names(options, options.contents[1]), (std::vector<std::string>{"vertical"}));
}

TEST(StyleGridCells, SettingsFollowTheMethodAndTheStyleMode) {
  const StyleGridOptions options = two_by_two();
  const std::vector<GridSetting> single = grid_settings(options, "single", {"map", "vertical"});
  // adain: 2 content weights; da-adain: 2 depths x 2 betas x 1 eps
  ASSERT_EQ(single.size(), 2u + 4u);
  EXPECT_EQ(single[0].method, StyleMethod::kAdain);
  EXPECT_FALSE(single[0].uses_strength);
  EXPECT_EQ(single[1].content_weight, 0.5);
  EXPECT_EQ(single[2].method, StyleMethod::kDepthAware);
  EXPECT_FALSE(single[2].uses_content_weight);
  EXPECT_EQ(single[2].depth, "map");
  EXPECT_EQ(single[3].beta, 20);
  EXPECT_EQ(single[4].depth, "vertical");
  // near_far with adain mixes its styles by the strength map: content weight x depth x beta x eps
  StyleGridOptions adain_only = options;
  adain_only.methods = {"adain"};
  const std::vector<GridSetting> near_far = grid_settings(adain_only, "near_far", {"map", "vertical"});
  ASSERT_EQ(near_far.size(), 2u * 2u * 2u);
  EXPECT_TRUE(near_far[0].uses_content_weight && near_far[0].uses_strength);
}

TEST(StyleGridCells, ExpensiveWorkIsOutermost) {
  StyleGridOptions options = two_by_two();
  options.methods = {"adain"};
  options.styles[1].mode = "interpolate";
  const std::vector<GridCell> cells = grid_cells(options);
  // 2 contents x 2 content sizes x 2 styles x 1 style size x 2 content weights
  ASSERT_EQ(cells.size(), 16u);
  EXPECT_EQ(cells[0].key, "content=a,style=s,method=adain,content_weight=0,content_size=256,style_size=300");
  EXPECT_EQ(cells[1].key, "content=a,style=s,method=adain,content_weight=0.5,content_size=256,style_size=300");
  EXPECT_EQ(cells[2].key, "content=a,style=s+t,method=adain,content_weight=0,content_size=256,style_size=300");
  EXPECT_EQ(cells[4].content_size, 512);
  EXPECT_EQ(cells[8].content, 1u);
  std::set<std::string> keys;
  for (const GridCell& cell : cells) keys.insert(cell.key);
  EXPECT_EQ(keys.size(), cells.size()) << "keys must be unique";
}

}  // namespace
}  // namespace depthstyle
