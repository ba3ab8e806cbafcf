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

// One chart being written: the data's ranges and the plot's layout, then one method per layer of the picture, in
// drawing order (frame, references, bands, series, legend).
class LineChart {
 public:
  LineChart(const std::vector<SvgSeries>& series, const std::vector<SvgReferenceLine>& references,
            const SvgLineChartOptions& options)
      : series_(series), references_(references), options_(options) {
    measure();
    lay_out();
  }

  std::string write() {
    svg_ = concat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", options_.width, "\" height=\"",
                  options_.height, "\" viewBox=\"0 0 ", options_.width, " ", options_.height,
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n");
    svg_ += concat("<title>", html_escape(options_.title), "</title>\n");
    svg_ += concat("<text x=\"", svg_px(plot_left_), "\" y=\"22\" font-size=\"14\" font-weight=\"bold\">",
                   html_escape(options_.title), "</text>\n");
    write_grid_and_axes();
    write_references();
    write_bands();
    write_series();
    write_legend();
    svg_ += "</svg>\n";
    return std::move(svg_);
  }

 private:
  // The y range of every value and interval, the x range and the distinct x values of the points.
  void measure() {
    double y_min = INFINITY, y_max = -INFINITY, x_min = INFINITY, x_max = -INFINITY;
    const auto cover_y = [&](double value) {
      if (!std::isfinite(value)) return;
      y_min = std::min(y_min, value);
      y_max = std::max(y_max, value);
    };
    const auto cover_interval = [&](double low, double high) {
      if (!has_interval(low, high)) return;
      any_interval_ = true;
      cover_y(low);
      cover_y(high);
    };
    for (const SvgSeries& one : series_) {
      for (const SvgPoint& point : one.points) {
        if (!std::isfinite(point.y)) continue;
        cover_y(point.y);
        cover_interval(point.low, point.high);
        x_min = std::min(x_min, point.x);
        x_max = std::max(x_max, point.x);
        distinct_x_.push_back(point.x);
      }
    }
    for (const SvgReferenceLine& reference : references_) {
      cover_y(reference.y);
      cover_interval(reference.low, reference.high);
    }
    if (!std::isfinite(y_min)) y_min = 0, y_max = 1;
    if (!std::isfinite(x_min)) x_min = 0, x_max = 1;
    std::sort(distinct_x_.begin(), distinct_x_.end());
    distinct_x_.erase(std::unique(distinct_x_.begin(), distinct_x_.end()), distinct_x_.end());
    y_axis_ = nice_axis(y_min, y_max);
    x_axis_ = nice_axis(x_min, x_max);
  }

  // The legend takes the right-hand side, as wide as its longest label needs (within limits).
  void lay_out() {
    std::size_t longest = options_.interval_label.size();
    for (const SvgSeries& one : series_) longest = std::max(longest, one.label.size());
    for (const SvgReferenceLine& reference : references_) longest = std::max(longest, reference.label.size());
    const double legend_width = std::clamp(static_cast<double>(longest * kSvgCharWidth + 44), 120.0, 280.0);
    plot_right_ = options_.width - legend_width - 12;
    plot_bottom_ = options_.height - kBottomMargin;
    DEPTHSTYLE_ASSERT(plot_right_ > plot_left_ + 40 && plot_bottom_ > plot_top_ + 40);
  }

  double y_of(double value) const {
    return plot_bottom_ - (value - y_axis_.low) / (y_axis_.high - y_axis_.low) * (plot_bottom_ - plot_top_);
  }
  double x_of(double value) const {
    if (options_.x_evenly_spaced) {
      const auto at = std::lower_bound(distinct_x_.begin(), distinct_x_.end(), value);
      const double rank = static_cast<double>(at - distinct_x_.begin());
      const double slots = static_cast<double>(std::max<std::size_t>(distinct_x_.size(), 1));
      return plot_left_ + (rank + 0.5) / slots * (plot_right_ - plot_left_);
    }
    return plot_left_ + (value - x_axis_.low) / (x_axis_.high - x_axis_.low) * (plot_right_ - plot_left_);
  }

  // Grid, ticks and axis labels.
  void write_grid_and_axes() {
    for (double value = y_axis_.low; value <= y_axis_.high + y_axis_.step * 1e-6; value += y_axis_.step) {
      const double y = y_of(value);
      svg_ += concat("<line x1=\"", svg_px(plot_left_), "\" y1=\"", svg_px(y), "\" x2=\"", svg_px(plot_right_),
                     "\" y2=\"", svg_px(y), "\" stroke=\"#e0e0e0\"/>\n");
      svg_ += concat("<text x=\"", svg_px(plot_left_ - 6), "\" y=\"", svg_px(y + 4),
                     "\" text-anchor=\"end\" fill=\"#444\">", tick_text(value, y_axis_), "</text>\n");
    }
    if (options_.x_evenly_spaced) {
      for (const double value : distinct_x_) write_x_tick(x_of(value), format_number(value));
    } else {
      for (double value = x_axis_.low; value <= x_axis_.high + x_axis_.step * 1e-6; value += x_axis_.step) {
        write_x_tick(x_of(value), tick_text(value, x_axis_));
      }
    }
    svg_ += concat("<rect x=\"", svg_px(plot_left_), "\" y=\"", svg_px(plot_top_), "\" width=\"",
                   svg_px(plot_right_ - plot_left_), "\" height=\"", svg_px(plot_bottom_ - plot_top_),
                   "\" fill=\"none\" stroke=\"#888\"/>\n");
    svg_ += concat("<text x=\"", svg_px((plot_left_ + plot_right_) / 2), "\" y=\"", svg_px(plot_bottom_ + 36),
                   "\" text-anchor=\"middle\" fill=\"#222\">", html_escape(options_.x_label), "</text>\n");
    const double y_middle = (plot_top_ + plot_bottom_) / 2;
    svg_ += concat("<text x=\"16\" y=\"", svg_px(y_middle),
                   "\" text-anchor=\"middle\" fill=\"#222\" transform=\"rotate(-90 16 ", svg_px(y_middle), ")\">",
                   html_escape(options_.y_label), "</text>\n");
  }

  void write_x_tick(double x, const std::string& text) {
    svg_ += concat("<line x1=\"", svg_px(x), "\" y1=\"", svg_px(plot_bottom_), "\" x2=\"", svg_px(x), "\" y2=\"",
                   svg_px(plot_bottom_ + 4), "\" stroke=\"#888\"/>\n");
    svg_ += concat("<text x=\"", svg_px(x), "\" y=\"", svg_px(plot_bottom_ + 17),
                   "\" text-anchor=\"middle\" fill=\"#444\">", html_escape(text), "</text>\n");
  }

  // References: bands, then lines.
  void write_references() {
    for (const SvgReferenceLine& reference : references_) {
      if (!has_interval(reference.low, reference.high)) continue;
      svg_ += concat("<rect x=\"", svg_px(plot_left_), "\" y=\"", svg_px(y_of(reference.high)), "\" width=\"",
                     svg_px(plot_right_ - plot_left_), "\" height=\"",
                     svg_px(y_of(reference.low) - y_of(reference.high)), "\" fill=\"", kReferenceColour,
                     "\" fill-opacity=\"0.12\"/>\n");
    }
    for (const SvgReferenceLine& reference : references_) {
      if (!std::isfinite(reference.y)) continue;
      svg_ += concat("<line x1=\"", svg_px(plot_left_), "\" y1=\"", svg_px(y_of(reference.y)), "\" x2=\"",
                     svg_px(plot_right_), "\" y2=\"", svg_px(y_of(reference.y)), "\" stroke=\"", kReferenceColour,
                     "\" stroke-width=\"1.5\"", dash_attribute(reference.dash), "/>\n");
    }
  }

  // Bands along lines: each run of consecutive points with an interval is one band.
  void write_bands() {
    for (std::size_t s = 0; s < series_.size(); ++s) {
      const SvgSeries& one = series_[s];
      if (!one.line) continue;
      std::vector<const SvgPoint*> run;
      for (const SvgPoint& point : one.points) {
        if (std::isfinite(point.y) && has_interval(point.low, point.high)) {
          run.push_back(&point);
        } else {
          write_band(run, colour_of(one, s));
        }
      }
      write_band(run, colour_of(one, s));
    }
  }

  // Writes the band of `run` (if it has two points or more) and empties it.
  void write_band(std::vector<const SvgPoint*>& run, const char* colour) {
    if (run.size() >= 2) {
      std::string path = "M";
      for (std::size_t i = 0; i < run.size(); ++i) {
        path += concat(i == 0 ? "" : "L", svg_px(x_of(run[i]->x)), " ", svg_px(y_of(run[i]->high)));
      }
      for (std::size_t i = run.size(); i-- > 0;) {
        path += concat("L", svg_px(x_of(run[i]->x)), " ", svg_px(y_of(run[i]->low)));
      }
      svg_ += concat("<path d=\"", path, "Z\" fill=\"", colour, "\" fill-opacity=\"0.18\"/>\n");
    }
    run.clear();
  }

  // Lines, whiskers, markers and point labels.
  void write_series() {
    for (std::size_t s = 0; s < series_.size(); ++s) {
      const SvgSeries& one = series_[s];
      const char* colour = colour_of(one, s);
      if (one.line) write_line(one, colour);
      for (const SvgPoint& point : one.points) {
        if (!std::isfinite(point.y)) continue;
        const double x = x_of(point.x), y = y_of(point.y);
        // An interval on a marker: a whisker.
        if (has_interval(point.low, point.high) && !one.line) {
          svg_ += concat("<path d=\"M", svg_px(x), " ", svg_px(y_of(point.low)), "V", svg_px(y_of(point.high)), "M",
                         svg_px(x - 4), " ", svg_px(y_of(point.low)), "H", svg_px(x + 4), "M", svg_px(x - 4), " ",
                         svg_px(y_of(point.high)), "H", svg_px(x + 4), "\" stroke=\"", colour,
                         "\" stroke-width=\"1.2\" fill=\"none\"/>\n");
        }
        svg_ += concat("<circle cx=\"", svg_px(x), "\" cy=\"", svg_px(y), "\" r=\"", one.line ? "3" : "4",
                       "\" fill=\"", colour, "\"/>\n");
        if (!point.label.empty()) place_label(point.label, x, y);
      }
    }
  }

  // The line through a series' points, broken where a point has no y.
  void write_line(const SvgSeries& one, const char* colour) {
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
      svg_ += concat("<path d=\"", path, "\" fill=\"none\" stroke=\"", colour, "\" stroke-width=\"2\"",
                     dash_attribute(one.dash), "/>\n");
    }
  }

  // Point labels go above right of their point, else below right, above left or below left, whichever first
  // overlaps no label already placed (boxes estimated at 6 px per character, 10 px high); a label that fits nowhere
  // is left out rather than drawn over another (points at the same place, such as settings that are equal).
  void place_label(const std::string& label, double x, double y) {
    const double width = 6.0 * static_cast<double>(label.size());
    for (const auto& [dx, dy, from_right] : {std::tuple{6.0, -6.0, false}, std::tuple{6.0, 14.0, false},
                                             std::tuple{-6.0, -6.0, true}, std::tuple{-6.0, 14.0, true}}) {
      const Box box{from_right ? x + dx - width : x + dx, y + dy - 9, from_right ? x + dx : x + dx + width, y + dy + 1};
      const bool overlaps = std::any_of(placed_.begin(), placed_.end(), [&](const Box& other) {
        return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      });
      if (overlaps) continue;
      placed_.push_back(box);
      svg_ += concat("<text x=\"", svg_px(x + dx), "\" y=\"", svg_px(y + dy), "\" font-size=\"10\" fill=\"#333\"",
                     from_right ? " text-anchor=\"end\"" : "", ">", html_escape(label), "</text>\n");
      return;
    }
  }

  void write_legend() {
    legend_y_ = plot_top_ + 8;
    const double legend_x = plot_right_ + 16;
    for (std::size_t s = 0; s < series_.size(); ++s) {
      const SvgSeries& one = series_[s];
      const char* colour = colour_of(one, s);
      if (one.line) {
        svg_ += concat("<line x1=\"", svg_px(legend_x), "\" y1=\"", svg_px(legend_y_), "\" x2=\"",
                       svg_px(legend_x + 24), "\" y2=\"", svg_px(legend_y_), "\" stroke=\"", colour,
                       "\" stroke-width=\"2\"", dash_attribute(one.dash), "/>\n");
      } else {
        svg_ += concat("<circle cx=\"", svg_px(legend_x + 12), "\" cy=\"", svg_px(legend_y_), "\" r=\"4\" fill=\"",
                       colour, "\"/>\n");
      }
      write_legend_text(legend_x, one.label);
    }
    for (const SvgReferenceLine& reference : references_) {
      svg_ += concat("<line x1=\"", svg_px(legend_x), "\" y1=\"", svg_px(legend_y_), "\" x2=\"",
                     svg_px(legend_x + 24), "\" y2=\"", svg_px(legend_y_), "\" stroke=\"", kReferenceColour,
                     "\" stroke-width=\"1.5\"", dash_attribute(reference.dash), "/>\n");
      write_legend_text(legend_x, reference.label);
    }
    if (any_interval_) {
      svg_ += concat("<rect x=\"", svg_px(legend_x), "\" y=\"", svg_px(legend_y_ - 5),
                     "\" width=\"24\" height=\"10\" fill=\"#888\" fill-opacity=\"0.3\"/>\n");
      write_legend_text(legend_x, options_.interval_label);
    }
  }

  void write_legend_text(double legend_x, const std::string& text) {
    svg_ += concat("<text x=\"", svg_px(legend_x + 30), "\" y=\"", svg_px(legend_y_ + 4), "\">", html_escape(text),
                   "</text>\n");
    legend_y_ += kLegendRow;
  }

  static std::string dash_attribute(const std::string& dash) {
    return dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"";
  }

  struct Box {
    double left, top, right, bottom;
  };

  const std::vector<SvgSeries>& series_;
  const std::vector<SvgReferenceLine>& references_;
  const SvgLineChartOptions& options_;
  std::vector<double> distinct_x_;
  bool any_interval_ = false;
  Axis x_axis_, y_axis_;
  const double plot_left_ = kLeft, plot_top_ = kTop;
  double plot_right_ = 0, plot_bottom_ = 0;
  double legend_y_ = 0;
  std::vector<Box> placed_;
  std::string svg_;
};

}  // namespace

std::string svg_line_chart(const std::vector<SvgSeries>& series, const std::vector<SvgReferenceLine>& references,
                           const SvgLineChartOptions& options) {
  return LineChart(series, references, options).write();
}

}  // namespace depthstyle
