#include "report/svg_bar_chart.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "report/result_table.h"
#include "report/svg_format.h"

namespace depthstyle {
namespace {

constexpr int kRowHeight = 26;
constexpr int kBarHeight = 16;
constexpr int kTitleHeight = 34;
constexpr int kAxisHeight = 44;
constexpr int kLegendHeight = 22;
constexpr int kCharWidth = kSvgCharWidth;
constexpr const char* kBarColour = "#4c78a8";
constexpr const char* kReferenceColour = "#e45756";

std::string fixed(double value, int decimals) { return svg_fixed(value, decimals); }
std::string px(double value) { return svg_px(value); }

// Where things go, in pixels: labels left of plot_left, bars from plot_left towards plot_right (value text and notes
// after them), rows from plot_top to plot_bottom, then the axis and the legend.
struct BarChartLayout {
  double plot_left = 0, plot_right = 0, plot_top = 0, plot_bottom = 0, height = 0;
  bool any_interval = false, any_reference = false;
  double axis_min = 0, axis_max = 1;

  bool legend() const { return any_interval || any_reference; }
  // The x of `value`, clamped to the axis.
  double x_of(double value) const {
    const double clamped = std::clamp(value, axis_min, axis_max);
    return plot_left + (clamped - axis_min) / (axis_max - axis_min) * (plot_right - plot_left);
  }
};

BarChartLayout bar_chart_layout(const std::vector<SvgBar>& bars, const SvgBarChartOptions& options) {
  BarChartLayout layout;
  std::size_t longest = 0;
  for (const SvgBar& bar : bars) {
    longest = std::max(longest, bar.label.size());
    layout.any_interval = layout.any_interval || (!std::isnan(bar.low) && !std::isnan(bar.high));
    layout.any_reference = layout.any_reference || !std::isnan(bar.reference);
  }
  layout.plot_left = std::clamp(static_cast<double>(longest * kCharWidth + 16), 80.0, 300.0);
  layout.plot_right = options.width - 150.0;  // room for the value and a short note
  layout.plot_top = kTitleHeight;
  layout.plot_bottom = layout.plot_top + static_cast<double>(bars.size()) * kRowHeight;
  layout.height = layout.plot_bottom + kAxisHeight + (layout.legend() ? kLegendHeight : 0);
  layout.axis_min = options.axis_min;
  layout.axis_max = options.axis_max;
  return layout;
}

// Vertical grid lines with their tick values, and the axis label under them.
std::string svg_axis(const BarChartLayout& layout, const SvgBarChartOptions& options) {
  std::string svg;
  const int ticks = static_cast<int>(std::floor((options.axis_max - options.axis_min) / options.tick_step + 1e-9));
  const int tick_decimals = options.tick_step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(options.tick_step) - 1e-9));
  for (int i = 0; i <= ticks; ++i) {
    const double value = options.axis_min + i * options.tick_step;
    const double x = layout.x_of(value);
    svg += concat("<line x1=\"", px(x), "\" y1=\"", px(layout.plot_top), "\" x2=\"", px(x), "\" y2=\"",
                  px(layout.plot_bottom), "\" stroke=\"#e0e0e0\"/>\n");
    svg += concat("<text x=\"", px(x), "\" y=\"", px(layout.plot_bottom + 16),
                  "\" text-anchor=\"middle\" fill=\"#444\">", fixed(value, tick_decimals), "</text>\n");
  }
  svg += concat("<text x=\"", px((layout.plot_left + layout.plot_right) / 2), "\" y=\"", px(layout.plot_bottom + 34),
                "\" text-anchor=\"middle\" fill=\"#222\">", html_escape(options.axis_label), "</text>\n");
  return svg;
}

// `text` cut to `room` characters with an ellipsis, at a UTF-8 character boundary.
std::string cut_to_room(const std::string& text, std::size_t room) {
  if (text.size() <= room || room <= 1) return text;
  std::size_t cut = room - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\u2026";
}

// One row: label, bar, interval whiskers, reference diamond, then the value and note.
std::string svg_bar_row(const SvgBar& bar, std::size_t row, const BarChartLayout& layout,
                        const SvgBarChartOptions& options) {
  const double middle = layout.plot_top + (static_cast<double>(row) + 0.5) * kRowHeight;
  std::string svg = concat("<text x=\"", px(layout.plot_left - 8), "\" y=\"", px(middle + 4),
                           "\" text-anchor=\"end\">", html_escape(bar.label), "</text>\n");
  double text_x = layout.plot_left + 4;
  if (!std::isnan(bar.value)) {
    const double end = layout.x_of(bar.value);
    svg += concat("<rect x=\"", px(layout.plot_left), "\" y=\"", px(middle - kBarHeight / 2.0), "\" width=\"",
                  px(end - layout.plot_left), "\" height=\"", kBarHeight, "\" fill=\"", kBarColour, "\"/>\n");
    text_x = end + 6;
    if (!std::isnan(bar.low) && !std::isnan(bar.high)) {
      const double low = layout.x_of(bar.low), high = layout.x_of(bar.high);
      svg += concat("<path d=\"M", px(low), " ", px(middle), "H", px(high), "M", px(low), " ", px(middle - 5), "V",
                    px(middle + 5), "M", px(high), " ", px(middle - 5), "V", px(middle + 5),
                    "\" stroke=\"#222\" stroke-width=\"1.5\" fill=\"none\"/>\n");
      text_x = std::max(text_x, high + 6);
    }
  }
  if (!std::isnan(bar.reference)) {
    const double x = layout.x_of(bar.reference);
    svg += concat("<path d=\"M", px(x), " ", px(middle - 6), "L", px(x + 5), " ", px(middle), "L", px(x), " ",
                  px(middle + 6), "L", px(x - 5), " ", px(middle), "Z\" fill=\"", kReferenceColour,
                  "\" stroke=\"#fff\" stroke-width=\"0.8\"/>\n");
    text_x = std::max(text_x, x + 9);
  }
  std::string text = std::isnan(bar.value) ? "" : fixed(bar.value, options.value_decimals);
  if (!bar.note.empty()) text += (text.empty() ? "" : "  ") + bar.note;
  // Cut what would run past the right edge (the whole text stays in a tooltip).
  const std::string shown =
      cut_to_room(text, static_cast<std::size_t>(std::max(0.0, (options.width - text_x - 4) / kCharWidth)));
  const char* style = std::isnan(bar.value) ? " fill=\"#888\" font-style=\"italic\"" : "";
  svg += concat("<text x=\"", px(text_x), "\" y=\"", px(middle + 4), "\"", style, ">", html_escape(shown),
                shown == text ? "" : "<title>" + html_escape(text) + "</title>", "</text>\n");
  return svg;
}

// Dashed guide lines (e.g. chance level) with their labels above the plot.
std::string svg_guides(const BarChartLayout& layout, const SvgBarChartOptions& options) {
  std::string svg;
  for (const auto& [value, label] : options.guides) {
    const double x = layout.x_of(value);
    svg += concat("<line x1=\"", px(x), "\" y1=\"", px(layout.plot_top - 4), "\" x2=\"", px(x), "\" y2=\"",
                  px(layout.plot_bottom), "\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n");
    svg += concat("<text x=\"", px(x + 3), "\" y=\"", px(layout.plot_top - 6), "\" fill=\"#666\" font-size=\"11\">",
                  html_escape(label), "</text>\n");
  }
  return svg;
}

// The legend under the axis: the interval's and the reference marker's meaning, for those the chart shows.
std::string svg_legend(const BarChartLayout& layout, const SvgBarChartOptions& options) {
  std::string svg;
  double x = layout.plot_left;
  const double y = layout.plot_bottom + kAxisHeight + 6;
  if (layout.any_interval) {
    svg += concat("<path d=\"M", px(x), " ", px(y), "H", px(x + 20), "M", px(x), " ", px(y - 5), "V", px(y + 5), "M",
                  px(x + 20), " ", px(y - 5), "V", px(y + 5), "\" stroke=\"#222\" stroke-width=\"1.5\"/>\n");
    svg += concat("<text x=\"", px(x + 26), "\" y=\"", px(y + 4), "\">", html_escape(options.interval_label),
                  "</text>\n");
    x += 40 + static_cast<double>(options.interval_label.size() * kCharWidth);
  }
  if (layout.any_reference) {
    svg += concat("<path d=\"M", px(x + 5), " ", px(y - 6), "L", px(x + 10), " ", px(y), "L", px(x + 5), " ",
                  px(y + 6), "L", px(x), " ", px(y), "Z\" fill=\"", kReferenceColour, "\"/>\n");
    svg += concat("<text x=\"", px(x + 16), "\" y=\"", px(y + 4), "\">", html_escape(options.reference_label),
                  "</text>\n");
  }
  return svg;
}

}  // namespace

std::string svg_horizontal_bar_chart(const std::vector<SvgBar>& bars, const SvgBarChartOptions& options) {
  DEPTHSTYLE_ASSERT(options.axis_max > options.axis_min && options.tick_step > 0);
  const BarChartLayout layout = bar_chart_layout(bars, options);
  std::string svg = concat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", options.width, "\" height=\"",
                           px(layout.height), "\" viewBox=\"0 0 ", options.width, " ", px(layout.height),
                           "\" font-family=\"sans-serif\" font-size=\"12\">\n");
  svg += concat("<title>", html_escape(options.title), "</title>\n");
  svg += concat("<text x=\"", px(layout.plot_left), "\" y=\"20\" font-size=\"14\" font-weight=\"bold\">",
                html_escape(options.title), "</text>\n");
  svg += svg_axis(layout, options);
  for (std::size_t row = 0; row < bars.size(); ++row) svg += svg_bar_row(bars[row], row, layout, options);
  svg += svg_guides(layout, options);
  if (layout.legend()) svg += svg_legend(layout, options);
  svg += "</svg>\n";
  return svg;
}

}  // namespace depthstyle
