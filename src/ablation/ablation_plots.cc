#include "ablation/ablation_plots.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/text.h"
#include "report/svg_line_chart.h"

namespace depthstyle {
namespace {

const char* const kFamilies[] = {"depth_agreement", "depth_spearman", "content_distance", "style_distance"};

std::size_t score_index(const std::string& key) {
  const std::vector<AblationScore>& scores = ablation_scores();
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (scores[i].key == key) return i;
  }
  DEPTHSTYLE_ASSERT(false);
}

const std::string& score_title(const std::string& key) { return ablation_scores()[score_index(key)].title; }

double number_of(const nlohmann::json& setting, const char* field) {
  return setting[field].is_number() ? setting[field].get<double>() : std::nan("");
}

std::string text_of(const nlohmann::json& setting, const char* field) {
  const nlohmann::json& value = setting[field];
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return format_number(value.get<double>());
}

SvgPoint point_of(const SettingSummary& setting, const std::string& score, double x) {
  const MeanEstimate& estimate = setting.scores[score_index(score)];
  SvgPoint point;
  point.x = x;
  point.y = estimate.mean;
  point.low = estimate.lower;
  point.high = estimate.upper;
  return point;
}

SvgReferenceLine reference_of(const SettingSummary& setting, const std::string& score, const std::string& label,
                              const std::string& dash) {
  const MeanEstimate& estimate = setting.scores[score_index(score)];
  SvgReferenceLine line;
  line.label = label;
  line.y = estimate.mean;
  line.low = estimate.lower;
  line.high = estimate.upper;
  line.dash = dash;
  return line;
}

// DA-AdaIN settings that share depth source, sizes and style mode, with the AdaIN settings they are compared with.
struct Group {
  std::string description;  // "depth map, content 512 px, style 512 px"
  std::vector<const SettingSummary*> settings;
  std::vector<const SettingSummary*> references;
};

std::vector<Group> groups_of(const AblationSummary& summary) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> index;
  for (const SettingSummary& setting : summary.settings) {
    if (setting.setting["method"] != "da-adain") continue;
    const nlohmann::json& s = setting.setting;
    const std::string key = concat(text_of(s, "depth"), "|", text_of(s, "content_size"), "|", text_of(s, "style_size"),
                                   "|", text_of(s, "style_mode"));
    const auto [found, inserted] = index.emplace(key, groups.size());
    if (inserted) {
      Group& group = groups.emplace_back();
      group.description = concat("depth ", text_of(s, "depth"), ", content ", text_of(s, "content_size"), " px, style ",
                                 text_of(s, "style_size"), " px");
      if (text_of(s, "style_mode") != "single") group.description += ", style mode " + text_of(s, "style_mode");
      for (const SettingSummary& reference : summary.settings) {
        if (reference.setting["method"] != "adain" || reference.setting["content_size"] != s["content_size"] ||
            reference.setting["style_size"] != s["style_size"] || reference.setting["style_mode"] != s["style_mode"]) {
          continue;
        }
        const std::vector<double>& wanted = summary.options.reference_content_weights;
        if (!wanted.empty() &&
            std::count(wanted.begin(), wanted.end(), number_of(reference.setting, "content_weight")) == 0) {
          continue;
        }
        group.references.push_back(&reference);
      }
    }
    groups[found->second].settings.push_back(&setting);
  }
  return groups;
}

std::vector<double> distinct(const std::vector<const SettingSummary*>& settings, const char* field) {
  std::vector<double> values;
  for (const SettingSummary* setting : settings) values.push_back(number_of(setting->setting, field));
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::string adain_label(const SettingSummary& reference) {
  return "AdaIN, content weight " + text_of(reference.setting, "content_weight");
}

// A score against `axis` ("beta" or "eps"), one line per value of the other parameter; `near_far`: the near and far
// halves instead of the whole image.
AblationPlot sweep_plot(const Group& group, const std::string& family, const char* axis, bool near_far,
                        double confidence, const std::string& suffix) {
  const char* other = std::string(axis) == "beta" ? "eps" : "beta";
  std::vector<SvgSeries> series;
  std::vector<SvgReferenceLine> references;
  const std::vector<double> others = distinct(group.settings, other);
  const std::vector<std::pair<std::string, std::string>> regions =
      near_far ? std::vector<std::pair<std::string, std::string>>{{"_near", ""}, {"_far", "6 4"}}
               : std::vector<std::pair<std::string, std::string>>{{"", ""}};
  for (std::size_t k = 0; k < others.size(); ++k) {
    for (const auto& [region, dash] : regions) {
      SvgSeries& line = series.emplace_back();
      line.label = concat("DA-AdaIN, ", other, " ", format_number(others[k]), near_far ? (region == "_near" ? ", near" : ", far") : "");
      line.dash = dash;
      line.colour = static_cast<int>(k);
      std::vector<const SettingSummary*> members;
      for (const SettingSummary* setting : group.settings) {
        if (number_of(setting->setting, other) == others[k]) members.push_back(setting);
      }
      std::sort(members.begin(), members.end(), [&](const SettingSummary* a, const SettingSummary* b) {
        return number_of(a->setting, axis) < number_of(b->setting, axis);
      });
      for (const SettingSummary* setting : members) {
        line.points.push_back(point_of(*setting, family + region, number_of(setting->setting, axis)));
        if (near_far) line.points.back().low = line.points.back().high = std::nan("");  // four bands would hide the lines
      }
    }
  }
  // Each AdaIN reference its own dash pattern (all are grey): whole image, near, far.
  static const char* const kReferenceDashes[][3] = {{"6 4", "8 3", "2 3"}, {"12 3 2 3", "14 4", "1 5"},
                                                    {"3 6", "10 2 2 2 2 2", "4 2 1 2"}};
  const std::size_t kDashKinds = sizeof(kReferenceDashes) / sizeof(kReferenceDashes[0]);
  for (std::size_t r = 0; r < group.references.size(); ++r) {
    const SettingSummary* reference = group.references[r];
    const char* const* dashes = kReferenceDashes[r % kDashKinds];
    for (const auto& [region, dash] : regions) {
      references.push_back(reference_of(*reference, family + region,
                                        adain_label(*reference) + (near_far ? (region == "_near" ? ", near" : ", far") : ""),
                                        near_far ? (region == "_near" ? dashes[1] : dashes[2]) : dashes[0]));
      if (near_far) references.back().low = references.back().high = std::nan("");
    }
  }
  SvgLineChartOptions options;
  std::string what = score_title(family) + (near_far ? ", near and far" : "");
  what[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(what[0])));
  options.title = concat(what, " vs ", axis);
  options.x_label = std::string(axis) == "beta" ? "beta (prominence of the strength map)" : "eps (offset: strength capped at 1 - eps)";
  options.y_label = score_title(family);
  options.x_evenly_spaced = true;
  options.interval_label = concat(format_number(100 * confidence), "% interval of the mean");
  AblationPlot plot;
  plot.path = concat("plots/", family, near_far ? "_near_far" : "", "_vs_", axis, suffix, ".svg");
  plot.caption = concat(what, " against ", axis, " (", group.description, "). ",
                        near_far ? "Lines: means over the content/style pairs (intervals in summary.csv)"
                                 : concat("Bands: ", format_number(100 * confidence),
                                          "% intervals of the means over the content/style pairs"),
                        "; horizontal lines: AdaIN.");
  plot.svg = svg_line_chart(series, references, options);
  return plot;
}

AblationPlot tradeoff_plot(const Group& group, double confidence, const std::string& suffix) {
  std::vector<SvgSeries> series;
  const std::vector<double> epsilons = distinct(group.settings, "eps");
  const auto point = [](const SettingSummary& setting, const std::string& label) {
    SvgPoint p = point_of(setting, "depth_agreement", setting.scores[score_index("style_distance")].mean);
    p.label = label;
    return p;
  };
  for (std::size_t k = 0; k < epsilons.size(); ++k) {
    SvgSeries& points = series.emplace_back();
    points.label = "DA-AdaIN, eps " + format_number(epsilons[k]);
    points.line = false;
    points.colour = static_cast<int>(k);
    for (const SettingSummary* setting : group.settings) {
      if (number_of(setting->setting, "eps") != epsilons[k]) continue;
      points.points.push_back(point(*setting, "b" + text_of(setting->setting, "beta")));
    }
  }
  if (!group.references.empty()) {
    SvgSeries& points = series.emplace_back();
    points.label = "AdaIN";
    points.line = false;
    points.colour = static_cast<int>(epsilons.size());
    for (const SettingSummary* reference : group.references) {
      points.points.push_back(point(*reference, "cw" + text_of(reference->setting, "content_weight")));
    }
  }
  for (SvgSeries& one : series) {
    one.points.erase(std::remove_if(one.points.begin(), one.points.end(),
                                    [](const SvgPoint& p) { return !std::isfinite(p.x); }),
                     one.points.end());
  }
  SvgLineChartOptions options;
  options.title = "Trade-off: depth agreement vs style distance";
  options.x_label = "style distance (lower = closer to the style)";
  options.y_label = "depth agreement";
  options.interval_label = concat(format_number(100 * confidence), "% interval (agreement)");
  AblationPlot plot;
  plot.path = concat("plots/tradeoff", suffix, ".svg");
  plot.caption = concat("Depth agreement against style distance, one point per setting (", group.description,
                        "); labels: b = beta, cw = AdaIN content weight");
  plot.svg = svg_line_chart(series, {}, options);
  return plot;
}

}  // namespace

std::vector<AblationPlot> ablation_plots(const AblationSummary& summary) {
  std::vector<AblationPlot> plots;
  const std::vector<Group> groups = groups_of(summary);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const Group& group = groups[g];
    const std::string suffix = groups.size() > 1 ? concat("_", g + 1) : "";
    for (const char* family : kFamilies) {
      for (const char* axis : {"beta", "eps"}) {
        if (distinct(group.settings, axis).size() < 2) continue;
        plots.push_back(sweep_plot(group, family, axis, false, summary.options.confidence, suffix));
        plots.push_back(sweep_plot(group, family, axis, true, summary.options.confidence, suffix));
      }
    }
    plots.push_back(tradeoff_plot(group, summary.options.confidence, suffix));
  }
  return plots;
}

}  // namespace depthstyle
