#include "ablation/ablation_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "config/schema.h"
#include "core/error.h"
#include "core/text.h"
#include "stats/multiple_testing.h"

namespace depthstyle {
namespace {

const char* const kSettingFields[] = {"method", "style_mode", "content_weight", "depth",
                                      "beta",   "eps",        "content_size",   "style_size"};

std::string text_of(const nlohmann::json& row, const char* key) {
  const auto field = row.find(key);
  if (field == row.end() || field->is_null()) return "";
  if (field->is_string()) return field->get<std::string>();
  return field->is_number_integer() ? std::to_string(field->get<std::int64_t>()) : format_number(field->get<double>());
}

bool is_ok(const nlohmann::json& row) { return text_of(row, "status") == "ok"; }

// The score of a row, or NaN if it has none (failed cell, undefined score).
double score_of(const nlohmann::json& row, const std::string& key) {
  const auto field = row.find(key);
  if (!is_ok(row) || field == row.end() || !field->is_number()) return std::nan("");
  return field->get<double>();
}

std::string pair_of(const nlohmann::json& row) { return text_of(row, "content") + "\n" + text_of(row, "style"); }

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::vector<AblationScore> make_scores() {
  const std::pair<const char*, const char*> families[] = {{"depth_agreement", "depth agreement"},
                                                          {"depth_spearman", "depth Spearman"},
                                                          {"content_distance", "content distance"},
                                                          {"style_distance", "style distance"}};
  std::vector<AblationScore> scores;
  for (const auto& [family, title] : families) {
    scores.push_back({family, title, "", family});
    scores.push_back({concat(family, "_near"), concat(title, " (near)"), "near", family});
    scores.push_back({concat(family, "_far"), concat(title, " (far)"), "far", family});
  }
  return scores;
}

}  // namespace

void declare_ablation_summary(Schema& schema, AblationSummaryOptions& options) {
  schema.add("summary.confidence", &options.confidence, "confidence level of the intervals of the mean scores")
      .range(0.5, 0.999);
  schema.add("summary.reference_content_weights", &options.reference_content_weights,
             "AdaIN content weights (paper alpha) each DA-AdaIN setting is compared with ([] = all in the grid)")
      .range(0, 1);
  schema.add("summary.alternative", &options.alternative,
             "alternative of the paired tests about d = DA-AdaIN - AdaIN")
      .one_of({"two-sided", "greater", "less"});
}

const std::vector<AblationScore>& ablation_scores() {
  static const std::vector<AblationScore> scores = make_scores();
  return scores;
}

std::string ablation_setting_key(const nlohmann::json& row) {
  std::string key = "method=" + text_of(row, "method");
  const std::string mode = text_of(row, "style_mode");
  if (!mode.empty() && mode != "single") key += ",style_mode=" + mode;
  if (!text_of(row, "content_weight").empty()) key += ",content_weight=" + text_of(row, "content_weight");
  if (!text_of(row, "depth").empty()) {
    key += concat(",depth=", text_of(row, "depth"), ",beta=", text_of(row, "beta"), ",eps=", text_of(row, "eps"));
  }
  return key + concat(",content_size=", text_of(row, "content_size"), ",style_size=", text_of(row, "style_size"));
}

AblationSummary summarize_ablation(const std::vector<nlohmann::json>& rows, const AblationSummaryOptions& options) {
  const Alternative alternative = alternative_from_string(options.alternative);
  AblationSummary summary;
  summary.options = options;
  const std::vector<AblationScore>& scores = ablation_scores();

  // Settings in first-seen order, with their rows.
  std::vector<std::vector<const nlohmann::json*>> members;
  std::map<std::string, std::size_t> index_of;
  for (const nlohmann::json& row : rows) {
    const std::string key = ablation_setting_key(row);
    const auto [found, inserted] = index_of.emplace(key, summary.settings.size());
    if (inserted) {
      SettingSummary& setting = summary.settings.emplace_back();
      setting.key = key;
      setting.setting = nlohmann::json::object();
      for (const char* field : kSettingFields) setting.setting[field] = row.contains(field) ? row[field] : nullptr;
      members.emplace_back();
    }
    members[found->second].push_back(&row);
  }
  for (std::size_t s = 0; s < summary.settings.size(); ++s) {
    SettingSummary& setting = summary.settings[s];
    std::set<std::string> contents, styles;
    for (const nlohmann::json* row : members[s]) {
      ++setting.cells;
      if (!is_ok(*row)) {
        ++setting.failed;
        continue;
      }
      contents.insert(text_of(*row, "content"));
      styles.insert(text_of(*row, "style"));
    }
    setting.contents = static_cast<std::int64_t>(contents.size());
    setting.styles = static_cast<std::int64_t>(styles.size());
    for (const AblationScore& score : scores) {
      std::vector<double> values;
      for (const nlohmann::json* row : members[s]) {
        const double value = score_of(*row, score.key);
        if (!std::isnan(value)) values.push_back(value);
      }
      setting.scores.push_back(mean_with_t_interval(values, options.confidence));
    }
    if (setting.failed > 0) summary.warnings.push_back(concat(setting.key, ": ", setting.failed, " failed cell(s)"));
  }

  // DA-AdaIN against each AdaIN reference of the same sizes and style mode.
  const auto same_sizes = [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["content_size"] == b["content_size"] && a["style_size"] == b["style_size"] &&
           a["style_mode"] == b["style_mode"];
  };
  const auto is_reference = [&](const SettingSummary& setting) {
    if (setting.setting["method"] != "adain") return false;
    if (options.reference_content_weights.empty()) return true;
    const double weight = setting.setting["content_weight"].is_number() ? setting.setting["content_weight"].get<double>()
                                                                         : std::nan("");
    return std::count(options.reference_content_weights.begin(), options.reference_content_weights.end(), weight) > 0;
  };
  std::map<std::string, std::vector<std::size_t>> family;  // score -> comparisons with pairs, for Holm
  std::int64_t most_pairs = 0;
  for (std::size_t s = 0; s < summary.settings.size(); ++s) {
    if (summary.settings[s].setting["method"] != "da-adain") continue;
    for (std::size_t r = 0; r < summary.settings.size(); ++r) {
      if (!is_reference(summary.settings[r]) || !same_sizes(summary.settings[s].setting, summary.settings[r].setting)) {
        continue;
      }
      std::map<std::string, const nlohmann::json*> reference_rows;
      for (const nlohmann::json* row : members[r]) reference_rows[pair_of(*row)] = row;
      for (const AblationScore& score : scores) {
        std::vector<double> differences;
        for (const nlohmann::json* row : members[s]) {
          const auto reference = reference_rows.find(pair_of(*row));
          if (reference == reference_rows.end()) continue;
          if (!score.region.empty() && text_of(*row, "regions_depth") != text_of(*reference->second, "regions_depth")) {
            continue;
          }
          const double value = score_of(*row, score.key), base = score_of(*reference->second, score.key);
          if (!std::isnan(value) && !std::isnan(base)) differences.push_back(value - base);
        }
        PairedComparison& comparison = summary.comparisons.emplace_back();
        comparison.setting_key = summary.settings[s].key;
        comparison.reference_key = summary.settings[r].key;
        comparison.score = score.key;
        comparison.pairs = static_cast<std::int64_t>(differences.size());
        comparison.sign = sign_test(differences, alternative);
        comparison.wilcoxon = wilcoxon_signed_rank_test(differences, alternative);
        if (differences.empty()) {
          comparison.mean_difference = comparison.median_difference = std::nan("");
          continue;
        }
        double sum = 0;
        for (const double difference : differences) sum += difference;
        comparison.mean_difference = sum / static_cast<double>(differences.size());
        comparison.median_difference = median_of(differences);
        family[score.key].push_back(summary.comparisons.size() - 1);
        most_pairs = std::max(most_pairs, comparison.pairs);
      }
    }
  }
  for (const auto& [score, members_of_family] : family) {
    std::vector<double> p_values;
    for (const std::size_t i : members_of_family) p_values.push_back(summary.comparisons[i].wilcoxon.p_value);
    const std::vector<double> adjusted = holm_adjusted_p_values(p_values);
    for (std::size_t k = 0; k < members_of_family.size(); ++k) {
      summary.comparisons[members_of_family[k]].wilcoxon_p_holm = adjusted[k];
    }
  }
  if (summary.comparisons.empty()) {
    summary.warnings.push_back("no paired comparisons: the grid needs method da-adain and method adain (with a "
                               "content weight in summary.reference_content_weights) at the same sizes");
  } else if (most_pairs > 0 && most_pairs <= 5) {
    // Without zeros or ties, the exact two-sided Wilcoxon and sign tests cannot go below 2 / 2^n.
    summary.warnings.push_back(concat("at most ", most_pairs, " content/style pairs per comparison: the smallest "
                                      "two-sided p-value the exact tests can give is 2 / 2^", most_pairs, " = ",
                                      format_number(2 / std::ldexp(1.0, static_cast<int>(most_pairs))),
                                      "; add contents or styles"));
  }
  return summary;
}

ResultTable setting_summary_table(const AblationSummary& summary) {
  ResultTable table({{"setting", "Setting"},
                     {"method", "Method"},
                     {"style_mode", "Style mode"},
                     {"content_weight", "Content weight", ColumnKind::kNumber, 3},
                     {"depth", "Depth"},
                     {"beta", "beta", ColumnKind::kNumber, 3},
                     {"eps", "eps", ColumnKind::kNumber, 3},
                     {"content_size", "Content size", ColumnKind::kInteger},
                     {"style_size", "Style size", ColumnKind::kInteger},
                     {"cells", "Cells", ColumnKind::kInteger},
                     {"failed", "Failed", ColumnKind::kInteger},
                     {"contents", "Contents", ColumnKind::kInteger},
                     {"styles", "Styles", ColumnKind::kInteger},
                     {"score", "Score"},
                     {"n", "n", ColumnKind::kInteger},
                     {"mean", "Mean", ColumnKind::kSignificant, 4},
                     {"sd", "SD", ColumnKind::kSignificant, 3},
                     {"lower", "Lower", ColumnKind::kSignificant, 4},
                     {"upper", "Upper", ColumnKind::kSignificant, 4},
                     {"confidence", "Confidence", ColumnKind::kNumber, 3}});
  const auto number = [](double value) { return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value); };
  for (const SettingSummary& setting : summary.settings) {
    for (std::size_t i = 0; i < ablation_scores().size(); ++i) {
      nlohmann::json row = setting.setting;
      const MeanEstimate& estimate = setting.scores[i];
      row.update({{"setting", setting.key},
                  {"cells", setting.cells},
                  {"failed", setting.failed},
                  {"contents", setting.contents},
                  {"styles", setting.styles},
                  {"score", ablation_scores()[i].key},
                  {"n", estimate.n},
                  {"mean", number(estimate.mean)},
                  {"sd", number(estimate.standard_deviation)},
                  {"lower", number(estimate.lower)},
                  {"upper", number(estimate.upper)},
                  {"confidence", summary.options.confidence}});
      table.add_json_row(row);
    }
  }
  return table;
}

ResultTable paired_comparison_table(const AblationSummary& summary) {
  ResultTable table({{"setting", "DA-AdaIN setting"},
                     {"reference", "AdaIN reference"},
                     {"score", "Score"},
                     {"pairs", "Pairs", ColumnKind::kInteger},
                     {"mean_difference", "Mean d", ColumnKind::kSignificant, 3},
                     {"median_difference", "Median d", ColumnKind::kSignificant, 3},
                     {"positive", "d > 0", ColumnKind::kInteger},
                     {"negative", "d < 0", ColumnKind::kInteger},
                     {"zeros", "d = 0", ColumnKind::kInteger},
                     {"sign_p", "Sign test p", ColumnKind::kSignificant, 2},
                     {"wilcoxon_v", "Wilcoxon V", ColumnKind::kNumber, 1},
                     {"wilcoxon_exact", "Exact"},
                     {"wilcoxon_p", "Wilcoxon p", ColumnKind::kSignificant, 2},
                     {"wilcoxon_p_holm", "Holm p", ColumnKind::kSignificant, 2},
                     {"alternative", "Alternative"}});
  for (const PairedComparison& comparison : summary.comparisons) {
    nlohmann::json row = {{"setting", comparison.setting_key},
                          {"reference", comparison.reference_key},
                          {"score", comparison.score},
                          {"pairs", comparison.pairs},
                          {"alternative", summary.options.alternative}};
    if (comparison.pairs > 0) {
      row.update({{"mean_difference", comparison.mean_difference},
                  {"median_difference", comparison.median_difference},
                  {"positive", comparison.sign.positive},
                  {"negative", comparison.sign.negative},
                  {"zeros", comparison.sign.zeros},
                  {"sign_p", comparison.sign.p_value},
                  {"wilcoxon_v", comparison.wilcoxon.statistic},
                  {"wilcoxon_exact", comparison.wilcoxon.exact ? "yes" : "no (normal approximation)"},
                  {"wilcoxon_p", comparison.wilcoxon.p_value},
                  {"wilcoxon_p_holm", comparison.wilcoxon_p_holm}});
    }
    table.add_json_row(row);
  }
  return table;
}

}  // namespace depthstyle
