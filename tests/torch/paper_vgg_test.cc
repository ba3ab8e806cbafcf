// configs/paper.yaml's backbone keys: given the paper's two network files (here the full-size VGG/AdaIN fixtures with
// random weights that tests/fixtures/style/make_vgg_fixtures.py writes), every style_grid step runs the VGG backbone,
// and the report says the figures were made with the paper's networks instead of calling them a stand-in.
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PaperJob, BackboneFilesPutEveryGridStepOnThePapersNetworks) {
  const std::filesystem::path style = std::filesystem::path(DEPTHSTYLE_GENERATED_FIXTURES) / "style";
  testing::TempDir dir;
  testing::write_text(dir / "paper.yaml",
                      "experiment: paper\n"
                      "backbone:\n"
                      "  encoder: " + (style / "vgg_normalised_zip.pth").string() + "\n"
                      "  decoder: " + (style / "decoder_zip.pth").string() + "\n"
                      "grids: {set: ['grid.content_sizes=[64]', 'grid.style_sizes=[64]', 'figures.panel_height=64']}\n"
                      "steps:\n"
                      "  - {name: fig6, config: " +
                          (std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "configs/fig6_compare.yaml").string() + "}\n");
  const ProcessResult result = testing::run_cli({"run", "paper.yaml"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string config = read_file(dir / "runs/paper/paper/steps/style_grid/fig6/config.yaml");
  EXPECT_TRUE(contains(config, "type: vgg")) << config;
  EXPECT_TRUE(contains(config, "vgg_normalised_zip.pth")) << config;
  const std::string markdown = read_file(dir / "runs/paper/paper/report.md");
  EXPECT_TRUE(contains(markdown, ", the paper's networks (the VGG-19 encoder and the AdaIN decoder of the public "
                                 "AdaIN port).\n"))
      << markdown;
  EXPECT_FALSE(contains(markdown, "Backbone: weight-free")) << markdown;
}

}  // namespace
}  // namespace depthstyle
