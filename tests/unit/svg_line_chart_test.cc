// The SVG line/band/scatter chart against a golden file (tests/fixtures/report/line_chart.svg; regenerate with
// DEPTHSTYLE_UPDATE_GOLDEN=1 and look at it before committing), and what it does with odd input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "core/atomic_file.h"
#include "report/svg_line_chart.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(SvgLineChart, MatchesTheGoldenFile) {
  SvgSeries eps0{"DA-AdaIN, eps 0", {}, true, "", -1};
  SvgSeries eps15{"DA-AdaIN, eps 0.15", {}, true, "6 4", -1};
  const double betas[] = {0, 1, 5, 20, 50};
  for (int i = 0; i < 5; ++i) {
    eps0.points.push_back({betas[i], 0.6 + 0.05 * i, 0.55 + 0.05 * i, 0.65 + 0.05 * i, ""});
    eps15.points.push_back({betas[i], 0.58 + 0.04 * i, NAN, NAN, ""});
  }
  eps15.points[2].y = NAN;  // the line breaks there
  SvgSeries scatter{"AdaIN", {{0.3, 0.7, 0.65, 0.75, "cw0"}}, false, "", 3};
  SvgReferenceLine adain{"AdaIN, content weight 0", 0.62, 0.6, 0.64, "6 4"};
  SvgLineChartOptions options;
  options.title = "Depth agreement vs beta";
  options.x_label = "beta";
  options.y_label = "depth agreement";
  options.x_evenly_spaced = true;
  const std::string svg = svg_line_chart({eps0, eps15, scatter}, {adain}, options);
  const std::filesystem::path golden = testing::fixture_path("report/line_chart.svg");
  if (std::getenv("DEPTHSTYLE_UPDATE_GOLDEN")) write_file_atomically(golden, svg);
  EXPECT_EQ(svg, read_file(golden));
}

TEST(SvgLineChart, BandsWhiskersBreaksAndEscapes) {
  SvgSeries line{"a<b", {{0, 1, 0.5, 1.5, ""}, {1, 2, 1.5, 2.5, ""}, {2, NAN, NAN, NAN, ""}, {3, 3, 2, 4, "x&y"}},
                 true, "", -1};
  SvgLineChartOptions options;
  options.title = "t \"quoted\"";
  const std::string svg = svg_line_chart({line}, {}, options);
  // One band for the first two points (the third has no value, the fourth is alone: no band, no whisker on a line).
  EXPECT_EQ(count_of(svg, "fill-opacity=\"0.18\""), 1u) << svg;
  // The line is drawn in two pieces (M.. L.., then M..): it breaks at the point without a value.
  const std::size_t end = svg.find("\" fill=\"none\" stroke=\"#4c78a8\" stroke-width=\"2\"/>");
  ASSERT_NE(end, std::string::npos) << svg;
  const std::size_t start = svg.rfind("<path d=\"", end);
  EXPECT_EQ(count_of(svg.substr(start, end - start), "M"), 2u) << svg.substr(start, end - start);
  EXPECT_EQ(count_of(svg, "<circle"), 3u) << "a marker per point with a value (a line's legend entry is a line)";
  EXPECT_NE(svg.find(">a&lt;b</text>"), std::string::npos);
  EXPECT_NE(svg.find(">x&amp;y</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>t &quot;quoted&quot;</title>"), std::string::npos);
  // Nice ticks: y covers the intervals (0.5 .. 4) and a margin, in steps of 1 from 0 to 5 (4 would put the top of
  // an interval on the frame); the top tick is on the plot's top edge.
  EXPECT_NE(svg.find("<text x=\"64.0\" y=\"44.0\" text-anchor=\"end\" fill=\"#444\">5</text>"), std::string::npos)
      << svg;
  EXPECT_NE(svg.find("text-anchor=\"end\" fill=\"#444\">0</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("text-anchor=\"end\" fill=\"#444\">6</text>"), std::string::npos) << svg;
}

TEST(SvgLineChart, AMarginNeverCrossesZero) {
  // Distances from 20 to 2600: the 3% margin below 20 would reach -58 and, with steps of 1000, an axis from -1000;
  // the axis starts at 0 instead. Values that are all negative end at 0 the same way.
  SvgSeries positive{"d", {{0, 20, NAN, NAN, ""}, {1, 2600, NAN, NAN, ""}}, true, "", -1};
  const std::string svg = svg_line_chart({positive}, {}, SvgLineChartOptions{});
  EXPECT_NE(svg.find("text-anchor=\"end\" fill=\"#444\">0</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("text-anchor=\"end\" fill=\"#444\">3000</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find(">-1000</text>"), std::string::npos) << svg;
  SvgSeries negative{"d", {{0, -20, NAN, NAN, ""}, {1, -2600, NAN, NAN, ""}}, true, "", -1};
  const std::string mirrored = svg_line_chart({negative}, {}, SvgLineChartOptions{});
  EXPECT_NE(mirrored.find("text-anchor=\"end\" fill=\"#444\">0</text>"), std::string::npos) << mirrored;
  EXPECT_EQ(mirrored.find(">1000</text>"), std::string::npos) << mirrored;
}

TEST(SvgLineChart, LabelsOfPointsAtOnePlaceDoNotCoverOneAnother) {
  // Five markers at the same place: the labels go above right, below right, above left, below left; the fifth has
  // no free place and is left out. A label elsewhere keeps its usual place.
  SvgSeries same{"s", {}, false, "", -1};
  for (const char* label : {"p1", "p2", "p3", "p4", "p5"}) same.points.push_back({1, 1, NAN, NAN, label});
  same.points.push_back({2, 2, NAN, NAN, "far"});
  const std::string svg = svg_line_chart({same}, {}, SvgLineChartOptions{});
  for (const char* label : {">p1<", ">p2<", ">p3<", ">p4<", ">far<"}) {
    EXPECT_EQ(count_of(svg, label), 1u) << label << "\n" << svg;
  }
  EXPECT_EQ(svg.find(">p5<"), std::string::npos) << svg;
  EXPECT_EQ(count_of(svg, "text-anchor=\"end\" fill=\"#333\""), 0u) << "labels are not axis ticks";
  EXPECT_EQ(count_of(svg, "font-size=\"10\" fill=\"#333\" text-anchor=\"end\""), 2u) << svg;
}

TEST(SvgLineChart, EmptyAndConstantDataStillDraw) {
  const std::string empty = svg_line_chart({}, {}, SvgLineChartOptions{});
  EXPECT_NE(empty.find("</svg>"), std::string::npos);
  SvgSeries flat{"flat", {{1, 2, NAN, NAN, ""}, {2, 2, NAN, NAN, ""}}, true, "", -1};
  const std::string svg = svg_line_chart({flat}, {}, SvgLineChartOptions{});
  EXPECT_EQ(svg.find("nan"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("inf"), std::string::npos) << svg;
}

}  // namespace
}  // namespace depthstyle
