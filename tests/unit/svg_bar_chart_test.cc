// The SVG bar chart against a golden file (tests/fixtures/report/bar_chart.svg; regenerate with
// DEPTHSTYLE_UPDATE_GOLDEN=1 and look at it before committing), and the escaping of labels.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/atomic_file.h"
#include "report/svg_bar_chart.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(SvgBarChart, MatchesTheGoldenFile) {
  std::vector<SvgBar> bars(3);
  bars[0].label = "midas";
  bars[0].value = 0.8734;
  bars[0].low = 0.85;
  bars[0].high = 0.89;
  bars[0].reference = 0.87;
  bars[0].note = "n=1000";
  bars[1].label = "monodepth2 mono_640x192";
  bars[1].reference = 0.71;
  bars[1].note = "not run: weights missing at weights/md2/encoder.pth";
  bars[2].label = "random";
  bars[2].value = 0.5;
  bars[2].low = 0.47;
  bars[2].high = 0.53;
  SvgBarChartOptions options;
  options.title = "Relative depth on DIW";
  options.axis_label = "accuracy";
  options.guides = {{0.5, "chance"}};
  options.reference_label = "paper";
  const std::string svg = svg_horizontal_bar_chart(bars, options);
  const std::filesystem::path golden = testing::fixture_path("report/bar_chart.svg");
  if (std::getenv("DEPTHSTYLE_UPDATE_GOLDEN")) write_file_atomically(golden, svg);
  EXPECT_EQ(svg, read_file(golden));
}

TEST(SvgBarChart, EscapesTextAndClampsBarsToTheAxis) {
  std::vector<SvgBar> bars(1);
  bars[0].label = "a<b & \"c\"";
  bars[0].value = 1.7;  // beyond the axis: drawn to its end, printed as is
  SvgBarChartOptions options;
  options.title = "x < y";
  const std::string svg = svg_horizontal_bar_chart(bars, options);
  EXPECT_NE(svg.find(">a&lt;b &amp; &quot;c&quot;</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>x &lt; y</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">1.700</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("legend"), std::string::npos);
}

}  // namespace
}  // namespace depthstyle
