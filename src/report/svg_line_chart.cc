#include "report/svg_line_chart.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "report/result_table.h"
#include "report/svg_format.h"

namespace depthstyle {
namespace {

constexpr const char* kPalette[] = {"#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2",
                                    "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac"};
constexpr int kPaletteSize = sizeof kPalette / sizeof kPalette[0];
constexpr const char* kReferenceColour = "#444";
constexpr double kTop = 40;
constexpr double kLeft = 70;
constexpr double kBottomMargin = 48;
constexpr double kLegendRow = 18;

const char* colour_of(const SvgSeries& series, std::size_t index) {
  const int chosen = series.colour >= 0 ? series.colour : static_cast<int>(index);
  return kPalette[chosen % kPaletteSize];
}

bool has_interval(double low, double high) { return std::isfinite(low) && std::isfinite(high); }

struct Axis {
  double low = 0;
  double high = 1;
  double step = 0.2;
  int decimals = 1;
};

// Ticks at multiples of 1, 2 or 5 times a power of ten, about five of them, covering [lowest, highest] with a margin
// of 3% of the range, so no point sits on the plot's frame; the margin never crosses zero (values that are all
// positive, such as distances, get an axis from 0, not one a whole step below it).
Axis nice_axis(double lowest, double highest) {
  const double pad = highest > lowest ? 0.03 * (highest - lowest) : lowest == 0 ? 0.5 : std::fabs(lowest) * 0.1;
  lowest = lowest > 0 ? std::max(0.0, lowest - pad) : lowest - pad;
  highest = highest < 0 ? std::min(0.0, highest + pad) : highest + pad;
  const double raw = (highest - lowest) / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  Axis axis;
  axis.step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
  axis.low = std::floor(lowest / axis.step + 1e-9) * axis.step;
  axis.high = std::ceil(highest / axis.step - 1e-9) * axis.step;
  axis.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(axis.step) + 1e-9)));
  return axis;
}

std::string tick_text(double value, const Axis& axis) {
  if (std::fabs(value) < axis.step * 1e-9) value = 0;  // no "-0.0"
  return svg_fixed(value, axis.decimals);
}

}  // namespace

std::string svg_line_chart(const std::vector<SvgSeries>& series, const std::vector<SvgReferenceLine>& references,
                           const SvgLineChartOptions& options) {
  // Value ranges.
  double y_min = INFINITY, y_max = -INFINITY, x_min = INFINITY, x_max = -INFINITY;
  std::vector<double> distinct_x;
  bool any_interval = false;
  const auto cover_y = [&](double value) {
    if (!std::isfinite(value)) return;
    y_min = std::min(y_min, value);
    y_max = std::max(y_max, value);
  };
  for (const SvgSeries& one : series) {
    for (const SvgPoint& point : one.points) {
      if (!std::isfinite(point.y)) continue;
      cover_y(point.y);
      if (has_interval(point.low, point.high)) {
        any_interval = true;
        cover_y(point.low);
        cover_y(point.high);
      }
      x_min = std::min(x_min, point.x);
      x_max = std::max(x_max, point.x);
      distinct_x.push_back(point.x);
    }
  }
  for (const SvgReferenceLine& reference : references) {
    cover_y(reference.y);
    if (has_interval(reference.low, reference.high)) {
      any_interval = true;
      cover_y(reference.low);
      cover_y(reference.high);
    }
  }
  if (!std::isfinite(y_min)) y_min = 0, y_max = 1;
  if (!std::isfinite(x_min)) x_min = 0, x_max = 1;
  std::sort(distinct_x.begin(), distinct_x.end());
  distinct_x.erase(std::unique(distinct_x.begin(), distinct_x.end()), distinct_x.end());
  const Axis y_axis = nice_axis(y_min, y_max);
  const Axis x_axis = nice_axis(x_min, x_max);

  // Layout: the legend takes the right-hand side.
  std::size_t longest = options.interval_label.size();
  for (const SvgSeries& one : series) longest = std::max(longest, one.label.size());
  for (const SvgReferenceLine& reference : references) longest = std::max(longest, reference.label.size());
  const double legend_width = std::clamp(static_cast<double>(longest * kSvgCharWidth + 44), 120.0, 280.0);
  const double plot_left = kLeft, plot_top = kTop;
  const double plot_right = options.width - legend_width - 12;
  const double plot_bottom = options.height - kBottomMargin;
  DEPTHSTYLE_ASSERT(plot_right > plot_left + 40 && plot_bottom > plot_top + 40);
  const auto y_of = [&](double value) {
    return plot_bottom - (value - y_axis.low) / (y_axis.high - y_axis.low) * (plot_bottom - plot_top);
  };
  const auto x_of = [&](double value) {
    if (options.x_evenly_spaced) {
      const auto at = std::lower_bound(distinct_x.begin(), distinct_x.end(), value);
      const double rank = static_cast<double>(at - distinct_x.begin());
      const double slots = static_cast<double>(std::max<std::size_t>(distinct_x.size(), 1));
      return plot_left + (rank + 0.5) / slots * (plot_right - plot_left);
    }
    return plot_left + (value - x_axis.low) / (x_axis.high - x_axis.low) * (plot_right - plot_left);
  };

  std::string svg = concat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", options.width, "\" height=\"",
                           options.height, "\" viewBox=\"0 0 ", options.width, " ", options.height,
                           "\" font-family=\"sans-serif\" font-size=\"12\">\n");
  svg += concat("<title>", html_escape(options.title), "</title>\n");
  svg += concat("<text x=\"", svg_px(plot_left), "\" y=\"22\" font-size=\"14\" font-weight=\"bold\">",
                html_escape(options.title), "</text>\n");

  // Grid, ticks and axis labels.
  for (double value = y_axis.low; value <= y_axis.high + y_axis.step * 1e-6; value += y_axis.step) {
    const double y = y_of(value);
    svg += concat("<line x1=\"", svg_px(plot_left), "\" y1=\"", svg_px(y), "\" x2=\"", svg_px(plot_right), "\" y2=\"",
                  svg_px(y), "\" stroke=\"#e0e0e0\"/>\n");
    svg += concat("<text x=\"", svg_px(plot_left - 6), "\" y=\"", svg_px(y + 4), "\" text-anchor=\"end\" fill=\"#444\">",
                  tick_text(value, y_axis), "</text>\n");
  }
  const auto x_tick = [&](double x, const std::string& text) {
    svg += concat("<line x1=\"", svg_px(x), "\" y1=\"", svg_px(plot_bottom), "\" x2=\"", svg_px(x), "\" y2=\"",
                  svg_px(plot_bottom + 4), "\" stroke=\"#888\"/>\n");
    svg += concat("<text x=\"", svg_px(x), "\" y=\"", svg_px(plot_bottom + 17), "\" text-anchor=\"middle\" fill=\"#444\">",
                  html_escape(text), "</text>\n");
  };
  if (options.x_evenly_spaced) {
    for (const double value : distinct_x) x_tick(x_of(value), format_number(value));
  } else {
    for (double value = x_axis.low; value <= x_axis.high + x_axis.step * 1e-6; value += x_axis.step) {
      x_tick(x_of(value), tick_text(value, x_axis));
    }
  }
  svg += concat("<rect x=\"", svg_px(plot_left), "\" y=\"", svg_px(plot_top), "\" width=\"",
                svg_px(plot_right - plot_left), "\" height=\"", svg_px(plot_bottom - plot_top),
                "\" fill=\"none\" stroke=\"#888\"/>\n");
  svg += concat("<text x=\"", svg_px((plot_left + plot_right) / 2), "\" y=\"", svg_px(plot_bottom + 36),
                "\" text-anchor=\"middle\" fill=\"#222\">", html_escape(options.x_label), "</text>\n");
  const double y_middle = (plot_top + plot_bottom) / 2;
  svg += concat("<text x=\"16\" y=\"", svg_px(y_middle), "\" text-anchor=\"middle\" fill=\"#222\" transform=\"rotate(-90 16 ",
                svg_px(y_middle), ")\">", html_escape(options.y_label), "</text>\n");

  // References: bands, then lines.
  for (const SvgReferenceLine& reference : references) {
    if (!has_interval(reference.low, reference.high)) continue;
    svg += concat("<rect x=\"", svg_px(plot_left), "\" y=\"", svg_px(y_of(reference.high)), "\" width=\"",
                  svg_px(plot_right - plot_left), "\" height=\"", svg_px(y_of(reference.low) - y_of(reference.high)),
                  "\" fill=\"", kReferenceColour, "\" fill-opacity=\"0.12\"/>\n");
  }
  for (const SvgReferenceLine& reference : references) {
    if (!std::isfinite(reference.y)) continue;
    svg += concat("<line x1=\"", svg_px(plot_left), "\" y1=\"", svg_px(y_of(reference.y)), "\" x2=\"",
                  svg_px(plot_right), "\" y2=\"", svg_px(y_of(reference.y)), "\" stroke=\"", kReferenceColour,
                  "\" stroke-width=\"1.5\"", reference.dash.empty() ? "" : " stroke-dasharray=\"" + reference.dash + "\"",
                  "/>\n");
  }

  // Point labels go above right of their point, else below right, above left or below left, whichever first
  // overlaps no label already placed (boxes estimated at 6 px per character, 10 px high); a label that fits nowhere
  // is left out rather than drawn over another (points at the same place, such as settings that are equal).
  struct Box {
    double left, top, right, bottom;
  };
  std::vector<Box> placed;
  const auto place_label = [&](const std::string& label, double x, double y) {
    const double width = 6.0 * static_cast<double>(label.size());
    for (const auto& [dx, dy, from_right] : {std::tuple{6.0, -6.0, false}, std::tuple{6.0, 14.0, false},
                                             std::tuple{-6.0, -6.0, true}, std::tuple{-6.0, 14.0, true}}) {
      const Box box{from_right ? x + dx - width : x + dx, y + dy - 9, from_right ? x + dx : x + dx + width, y + dy + 1};
      const bool overlaps = std::any_of(placed.begin(), placed.end(), [&](const Box& other) {
        return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      });
      if (overlaps) continue;
      placed.push_back(box);
      svg += concat("<text x=\"", svg_px(x + dx), "\" y=\"", svg_px(y + dy), "\" font-size=\"10\" fill=\"#333\"",
                    from_right ? " text-anchor=\"end\"" : "", ">", html_escape(label), "</text>\n");
      return;
    }
  };

  // Series: bands along lines, then lines, whiskers, markers and labels.
  for (std::size_t s = 0; s < series.size(); ++s) {
    const SvgSeries& one = series[s];
    if (!one.line) continue;
    // Each run of consecutive points with an interval is one band.
    std::vector<const SvgPoint*> run;
    const auto close_run = [&] {
      if (run.size() >= 2) {
        std::string path = "M";
        for (std::size_t i = 0; i < run.size(); ++i) {
          path += concat(i == 0 ? "" : "L", svg_px(x_of(run[i]->x)), " ", svg_px(y_of(run[i]->high)));
        }
        for (std::size_t i = run.size(); i-- > 0;) path += concat("L", svg_px(x_of(run[i]->x)), " ", svg_px(y_of(run[i]->low)));
        svg += concat("<path d=\"", path, "Z\" fill=\"", colour_of(one, s), "\" fill-opacity=\"0.18\"/>\n");
      }
      run.clear();
    };
    for (const SvgPoint& point : one.points) {
      if (std::isfinite(point.y) && has_interval(point.low, point.high)) {
        run.push_back(&point);
      } else {
        close_run();
      }
    }
    close_run();
  }
  for (std::size_t s = 0; s < series.size(); ++s) {
    const SvgSeries& one = series[s];
    const char* colour = colour_of(one, s);
    if (one.line) {
      std::string path;
      bool pen_down = false;
      for (const SvgPoint& point : one.points) {
        if (!std::isfinite(point.y)) {
          pen_down = false;
          continue;
        }
        path += concat(pen_down ? "L" : "M", svg_px(x_of(point.x)), " ", svg_px(y_of(point.y)));
        pen_down = true;
      }
      if (!path.empty()) {
        svg += concat("<path d=\"", path, "\" fill=\"none\" stroke=\"", colour, "\" stroke-width=\"2\"",
                      one.dash.empty() ? "" : " stroke-dasharray=\"" + one.dash + "\"", "/>\n");
      }
    }
    for (const SvgPoint& point : one.points) {
      if (!std::isfinite(point.y)) continue;
      const double x = x_of(point.x), y = y_of(point.y);
      // A lone interval on a line (no neighbour to make a band with) or on a marker: a whisker.
      if (has_interval(point.low, point.high) && !one.line) {
        svg += concat("<path d=\"M", svg_px(x), " ", svg_px(y_of(point.low)), "V", svg_px(y_of(point.high)), "M",
                      svg_px(x - 4), " ", svg_px(y_of(point.low)), "H", svg_px(x + 4), "M", svg_px(x - 4), " ",
                      svg_px(y_of(point.high)), "H", svg_px(x + 4), "\" stroke=\"", colour,
                      "\" stroke-width=\"1.2\" fill=\"none\"/>\n");
      }
      svg += concat("<circle cx=\"", svg_px(x), "\" cy=\"", svg_px(y), "\" r=\"", one.line ? "3" : "4", "\" fill=\"",
                    colour, "\"/>\n");
      if (!point.label.empty()) place_label(point.label, x, y);
    }
  }

  // Legend.
  double legend_y = plot_top + 8;
  const double legend_x = plot_right + 16;
  const auto legend_text = [&](const std::string& text) {
    svg += concat("<text x=\"", svg_px(legend_x + 30), "\" y=\"", svg_px(legend_y + 4), "\">", html_escape(text),
                  "</text>\n");
    legend_y += kLegendRow;
  };
  for (std::size_t s = 0; s < series.size(); ++s) {
    const SvgSeries& one = series[s];
    const char* colour = colour_of(one, s);
    if (one.line) {
      svg += concat("<line x1=\"", svg_px(legend_x), "\" y1=\"", svg_px(legend_y), "\" x2=\"", svg_px(legend_x + 24),
                    "\" y2=\"", svg_px(legend_y), "\" stroke=\"", colour, "\" stroke-width=\"2\"",
                    one.dash.empty() ? "" : " stroke-dasharray=\"" + one.dash + "\"", "/>\n");
    } else {
      svg += concat("<circle cx=\"", svg_px(legend_x + 12), "\" cy=\"", svg_px(legend_y), "\" r=\"4\" fill=\"", colour,
                    "\"/>\n");
    }
    legend_text(one.label);
  }
  for (const SvgReferenceLine& reference : references) {
    svg += concat("<line x1=\"", svg_px(legend_x), "\" y1=\"", svg_px(legend_y), "\" x2=\"", svg_px(legend_x + 24),
                  "\" y2=\"", svg_px(legend_y), "\" stroke=\"", kReferenceColour, "\" stroke-width=\"1.5\"",
                  reference.dash.empty() ? "" : " stroke-dasharray=\"" + reference.dash + "\"", "/>\n");
    legend_text(reference.label);
  }
  if (any_interval) {
    svg += concat("<rect x=\"", svg_px(legend_x), "\" y=\"", svg_px(legend_y - 5), "\" width=\"24\" height=\"10\" "
                  "fill=\"#888\" fill-opacity=\"0.3\"/>\n");
    legend_text(options.interval_label);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace depthstyle
