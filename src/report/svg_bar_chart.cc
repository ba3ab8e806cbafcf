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

}  // namespace

std::string svg_horizontal_bar_chart(const std::vector<SvgBar>& bars, const SvgBarChartOptions& options) {
  DEPTHSTYLE_ASSERT(options.axis_max > options.axis_min && options.tick_step > 0);
  std::size_t longest = 0;
  bool any_interval = false, any_reference = false;
  for (const SvgBar& bar : bars) {
    longest = std::max(longest, bar.label.size());
    any_interval = any_interval || (!std::isnan(bar.low) && !std::isnan(bar.high));
    any_reference = any_reference || !std::isnan(bar.reference);
  }
  const double label_width = std::clamp(static_cast<double>(longest * kCharWidth + 16), 80.0, 300.0);
  const double plot_left = label_width;
  const double plot_right = options.width - 150.0;  // room for the value and a short note
  const double plot_top = kTitleHeight;
  const double plot_bottom = plot_top + static_cast<double>(bars.size()) * kRowHeight;
  const bool legend = any_interval || any_reference;
  const double height = plot_bottom + kAxisHeight + (legend ? kLegendHeight : 0);
  const auto x_of = [&](double value) {
    const double clamped = std::clamp(value, options.axis_min, options.axis_max);
    return plot_left + (clamped - options.axis_min) / (options.axis_max - options.axis_min) * (plot_right - plot_left);
  };

  std::string svg = concat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", options.width, "\" height=\"",
                           px(height), "\" viewBox=\"0 0 ", options.width, " ", px(height),
                           "\" font-family=\"sans-serif\" font-size=\"12\">\n");
  svg += concat("<title>", html_escape(options.title), "</title>\n");
  svg += concat("<text x=\"", px(plot_left), "\" y=\"20\" font-size=\"14\" font-weight=\"bold\">",
                html_escape(options.title), "</text>\n");

  // Grid and ticks.
  const int ticks = static_cast<int>(std::floor((options.axis_max - options.axis_min) / options.tick_step + 1e-9));
  const int tick_decimals = options.tick_step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(options.tick_step) - 1e-9));
  for (int i = 0; i <= ticks; ++i) {
    const double value = options.axis_min + i * options.tick_step;
    const double x = x_of(value);
    svg += concat("<line x1=\"", px(x), "\" y1=\"", px(plot_top), "\" x2=\"", px(x), "\" y2=\"", px(plot_bottom),
                  "\" stroke=\"#e0e0e0\"/>\n");
    svg += concat("<text x=\"", px(x), "\" y=\"", px(plot_bottom + 16), "\" text-anchor=\"middle\" fill=\"#444\">",
                  fixed(value, tick_decimals), "</text>\n");
  }
  svg += concat("<text x=\"", px((plot_left + plot_right) / 2), "\" y=\"", px(plot_bottom + 34),
                "\" text-anchor=\"middle\" fill=\"#222\">", html_escape(options.axis_label), "</text>\n");

  for (std::size_t row = 0; row < bars.size(); ++row) {
    const SvgBar& bar = bars[row];
    const double middle = plot_top + (static_cast<double>(row) + 0.5) * kRowHeight;
    svg += concat("<text x=\"", px(plot_left - 8), "\" y=\"", px(middle + 4), "\" text-anchor=\"end\">",
                  html_escape(bar.label), "</text>\n");
    double text_x = plot_left + 4;
    if (!std::isnan(bar.value)) {
      const double end = x_of(bar.value);
      svg += concat("<rect x=\"", px(plot_left), "\" y=\"", px(middle - kBarHeight / 2.0), "\" width=\"",
                    px(end - plot_left), "\" height=\"", kBarHeight, "\" fill=\"", kBarColour, "\"/>\n");
      text_x = end + 6;
      if (!std::isnan(bar.low) && !std::isnan(bar.high)) {
        const double low = x_of(bar.low), high = x_of(bar.high);
        svg += concat("<path d=\"M", px(low), " ", px(middle), "H", px(high), "M", px(low), " ", px(middle - 5), "V",
                      px(middle + 5), "M", px(high), " ", px(middle - 5), "V", px(middle + 5),
                      "\" stroke=\"#222\" stroke-width=\"1.5\" fill=\"none\"/>\n");
        text_x = std::max(text_x, high + 6);
      }
    }
    if (!std::isnan(bar.reference)) {
      const double x = x_of(bar.reference);
      svg += concat("<path d=\"M", px(x), " ", px(middle - 6), "L", px(x + 5), " ", px(middle), "L", px(x), " ",
                    px(middle + 6), "L", px(x - 5), " ", px(middle), "Z\" fill=\"", kReferenceColour,
                    "\" stroke=\"#fff\" stroke-width=\"0.8\"/>\n");
      text_x = std::max(text_x, x + 9);
    }
    std::string text = std::isnan(bar.value) ? "" : fixed(bar.value, options.value_decimals);
    if (!bar.note.empty()) text += (text.empty() ? "" : "  ") + bar.note;
    // Cut what would run past the right edge (the whole text stays in a tooltip), at a UTF-8 character boundary.
    const auto room = static_cast<std::size_t>(std::max(0.0, (options.width - text_x - 4) / kCharWidth));
    std::string shown = text;
    if (shown.size() > room && room > 1) {
      std::size_t cut = room - 1;
      while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
      shown = shown.substr(0, cut) + "\u2026";
    }
    const char* style = std::isnan(bar.value) ? " fill=\"#888\" font-style=\"italic\"" : "";
    svg += concat("<text x=\"", px(text_x), "\" y=\"", px(middle + 4), "\"", style, ">", html_escape(shown),
                  shown == text ? "" : "<title>" + html_escape(text) + "</title>", "</text>\n");
  }

  for (const auto& [value, label] : options.guides) {
    const double x = x_of(value);
    svg += concat("<line x1=\"", px(x), "\" y1=\"", px(plot_top - 4), "\" x2=\"", px(x), "\" y2=\"", px(plot_bottom),
                  "\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n");
    svg += concat("<text x=\"", px(x + 3), "\" y=\"", px(plot_top - 6), "\" fill=\"#666\" font-size=\"11\">",
                  html_escape(label), "</text>\n");
  }

  if (legend) {
    double x = plot_left;
    const double y = plot_bottom + kAxisHeight + 6;
    if (any_interval) {
      svg += concat("<path d=\"M", px(x), " ", px(y), "H", px(x + 20), "M", px(x), " ", px(y - 5), "V", px(y + 5), "M",
                    px(x + 20), " ", px(y - 5), "V", px(y + 5), "\" stroke=\"#222\" stroke-width=\"1.5\"/>\n");
      svg += concat("<text x=\"", px(x + 26), "\" y=\"", px(y + 4), "\">", html_escape(options.interval_label),
                    "</text>\n");
      x += 40 + static_cast<double>(options.interval_label.size() * kCharWidth);
    }
    if (any_reference) {
      svg += concat("<path d=\"M", px(x + 5), " ", px(y - 6), "L", px(x + 10), " ", px(y), "L", px(x + 5), " ",
                    px(y + 6), "L", px(x), " ", px(y), "Z\" fill=\"", kReferenceColour, "\"/>\n");
      svg += concat("<text x=\"", px(x + 16), "\" y=\"", px(y + 4), "\">", html_escape(options.reference_label),
                    "</text>\n");
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace depthstyle
