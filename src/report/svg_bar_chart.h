// A horizontal bar chart as a standalone SVG document (no scripts, no external fonts or files), for reports: one
// bar per row with an optional interval (whiskers), an optional reference marker (e.g. the paper's number) and
// dashed guide lines (e.g. chance level). Rows without a value show their note instead of a bar, so a model that did
// not run stays visible. The output depends only on the input (fixed number formatting), so it can be compared
// byte for byte.
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace depthstyle {

struct SvgBar {
  std::string label;
  // NaN: no bar; the note is shown in its place.
  double value = std::numeric_limits<double>::quiet_NaN();
  // Interval whiskers; NaN = none.
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  // Reference marker (a diamond); NaN = none.
  double reference = std::numeric_limits<double>::quiet_NaN();
  // Text after the value (or instead of the bar).
  std::string note;
};

struct SvgBarChartOptions {
  std::string title;
  std::string axis_label;
  // Values are clamped to [axis_min, axis_max] for drawing (the printed value is not).
  double axis_min = 0;
  double axis_max = 1;
  double tick_step = 0.1;
  int value_decimals = 3;
  // Vertical dashed lines with a label, e.g. {0.5, "chance"}.
  std::vector<std::pair<double, std::string>> guides;
  // Legend entries; shown only if some bar has an interval / a reference.
  std::string interval_label = "95% interval";
  std::string reference_label = "reference";
  int width = 760;  // pixels
};

std::string svg_horizontal_bar_chart(const std::vector<SvgBar>& bars, const SvgBarChartOptions& options);

}  // namespace depthstyle
