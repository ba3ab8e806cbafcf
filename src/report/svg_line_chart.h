// A line / band / scatter chart as a standalone SVG document (no scripts, fonts or external files), for reports:
//   series     points joined by a line (a sweep: a score against beta), or markers only (a scatter: one point per
//              setting); each point may carry an interval, drawn as a shaded band along a line or as a whisker on
//              a marker, and a short text label beside it (placed where it covers no other label, else left out)
//   references horizontal lines with an optional band (e.g. AdaIN's mean and interval beside DA-AdaIN's curve)
// A legend on the right names every series and reference. Axes get "nice" ticks (1, 2 or 5 times a power of ten)
// around the data with a small margin that does not cross zero;
// with x_evenly_spaced the distinct x values of all series are placed at equal distances and labelled with their
// values, which reads better for sweeps such as beta = 0, 1, 5, 10, 20, 50. Points with a NaN y are left out (a
// line breaks there). The output depends only on the input (fixed number formatting), so it compares byte for byte.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace depthstyle {

struct SvgPoint {
  double x = 0;
  double y = std::numeric_limits<double>::quiet_NaN();
  // Interval; NaN = none.
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  // Drawn next to the point ("" = none).
  std::string label;
};

struct SvgSeries {
  std::string label;
  std::vector<SvgPoint> points;  // a line joins them in this order
  bool line = true;              // false: markers only
  std::string dash;              // stroke-dasharray of the line, "" = solid
  int colour = -1;               // index into the palette; -1 = the series' own index
};

struct SvgReferenceLine {
  std::string label;
  double y = 0;
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  std::string dash = "6 4";
};

struct SvgLineChartOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool x_evenly_spaced = false;
  // Legend entry explaining the bands and whiskers (shown if any point or reference has an interval).
  std::string interval_label = "95% interval";
  int width = 680;   // pixels
  int height = 380;
};

std::string svg_line_chart(const std::vector<SvgSeries>& series, const std::vector<SvgReferenceLine>& references,
                           const SvgLineChartOptions& options);

}  // namespace depthstyle
