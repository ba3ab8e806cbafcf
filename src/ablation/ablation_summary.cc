#include "ablation/ablation_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "config/schema.h"
#include "grid/grid_record.h"
#include "core/error.h"
#include "core/text.h"
#include "stats/multiple_testing.h"

namespace depthstyle {
namespace {

const char* const kSettingFields[] = {"method", "style_mode", "content_weight", "depth",
                                      "beta",   "eps",        "content_size",   "style_size"};

// The score of a record, or NaN if it has none (failed cell, undefined score).
double score_of(const GridRecord& record, const std::string& key) { return record.score(key).value_or(std::nan("")); }

std::string regions_depth_of(const GridRecord& record) {
  const auto found = record.scores.is_object() ? record.scores.find("regions_depth") : record.scores.end();
  return found != record.scores.end() && found->is_string() ? found->get<std::string>() : "";
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::vector<AblationScore> make_scores() {
  struct Family {
    const char* key;
    const char* title;
    bool higher_is_better;
  };
  const Family families[] = {{"depth_agreement", "depth agreement", true},
                             {"depth_spearman", "depth Spearman", true},
                             {"content_distance", "content distance", false},
                             {"style_distance", "style distance", false}};
  std::vector<AblationScore> scores;
  for (const Family& family : families) {
    const std::string key = family.key, title = family.title;
    scores.push_back({key, title, "", key, family.higher_is_better});
    scores.push_back({key + "_near", title + " (near)", "near", key, family.higher_is_better});
    scores.push_back({key + "_far", title + " (far)", "far", key, family.higher_is_better});
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

std::string ablation_setting_key(const GridRecord& record) {
  std::string key = "method=" + to_string(record.setting.method);
  if (record.style_mode != StyleMixMode::kSingle) key += ",style_mode=" + to_string(record.style_mode);
  key += "," + grid_blend_parameters_key(record.setting);
  return key + concat(",content_size=", record.content_size, ",style_size=", record.style_size);
}

namespace {

// The settings of the records in first-seen order, each with its records (by index into `settings`).
struct SettingGroups {
  std::vector<SettingSummary> settings;
  std::vector<std::vector<const GridRecord*>> members;
};

SettingGroups group_by_setting(const std::vector<GridRecord>& records) {
  SettingGroups groups;
  std::map<std::string, std::size_t> index_of;
  for (const GridRecord& record : records) {
    const std::string key = ablation_setting_key(record);
    const auto [found, inserted] = index_of.emplace(key, groups.settings.size());
    if (inserted) {
      SettingSummary& setting = groups.settings.emplace_back();
      setting.key = key;
      const nlohmann::json row = to_json(record);
      for (const char* field : kSettingFields) setting.setting[field] = row.at(field);
      groups.members.emplace_back();
    }
    groups.members[found->second].push_back(&record);
  }
  return groups;
}

// Counts and the mean of every score over one setting's cells.
void summarize_setting(SettingSummary& setting, const std::vector<const GridRecord*>& members, double confidence) {
  std::set<std::string> contents, styles;
  for (const GridRecord* record : members) {
    ++setting.cells;
    if (!record->ok()) {
      ++setting.failed;
      continue;
    }
    contents.insert(record->content);
    styles.insert(record->style);
  }
  setting.contents = static_cast<std::int64_t>(contents.size());
  setting.styles = static_cast<std::int64_t>(styles.size());
  for (const AblationScore& score : ablation_scores()) {
    std::vector<double> values;
    for (const GridRecord* record : members) {
      const double value = score_of(*record, score.key);
      if (!std::isnan(value)) values.push_back(value);
    }
    setting.scores.push_back(mean_with_t_interval(values, confidence));
  }
}

// DA-AdaIN setting minus AdaIN reference, per content/style pair present in both, for one score.
std::vector<double> paired_differences(const std::vector<const GridRecord*>& setting,
                                       const std::vector<const GridRecord*>& reference, const AblationScore& score) {
  const auto pair_of = [](const GridRecord& record) { return record.content + "\n" + record.style; };
  std::map<std::string, const GridRecord*> reference_of_pair;
  for (const GridRecord* record : reference) reference_of_pair[pair_of(*record)] = record;
  std::vector<double> differences;
  for (const GridRecord* record : setting) {
    const auto found = reference_of_pair.find(pair_of(*record));
    if (found == reference_of_pair.end()) continue;
    if (!score.region.empty() && regions_depth_of(*record) != regions_depth_of(*found->second)) continue;
    const double value = score_of(*record, score.key), base = score_of(*found->second, score.key);
    if (!std::isnan(value) && !std::isnan(base)) differences.push_back(value - base);
  }
  return differences;
}

PairedComparison compare(const SettingSummary& setting, const SettingSummary& reference,
                         const AblationScore& score, std::vector<double> differences, Alternative alternative) {
  PairedComparison comparison;
  comparison.setting_key = setting.key;
  comparison.reference_key = reference.key;
  comparison.score = score.key;
  comparison.pairs = static_cast<std::int64_t>(differences.size());
  comparison.sign = sign_test(differences, alternative);
  comparison.wilcoxon = wilcoxon_signed_rank_test(differences, alternative);
  if (differences.empty()) {
    comparison.mean_difference = comparison.median_difference = std::nan("");
    return comparison;
  }
  double sum = 0;
  for (const double difference : differences) sum += difference;
  comparison.mean_difference = sum / static_cast<double>(differences.size());
  comparison.median_difference = median_of(std::move(differences));
  return comparison;
}

bool is_reference(const SettingSummary& setting, const AblationSummaryOptions& options) {
  if (setting.setting["method"] != "adain") return false;
  if (options.reference_content_weights.empty()) return true;
  const nlohmann::json& weight = setting.setting["content_weight"];
  const double value = weight.is_number() ? weight.get<double>() : std::nan("");
  return std::count(options.reference_content_weights.begin(), options.reference_content_weights.end(), value) > 0;
}

bool same_sizes_and_mode(const SettingSummary& a, const SettingSummary& b) {
  for (const char* field : {"content_size", "style_size", "style_mode"}) {
    if (a.setting[field] != b.setting[field]) return false;
  }
  return true;
}

// Holm's adjustment of the Wilcoxon p-values within each score's family of comparisons (those with pairs).
void adjust_wilcoxon_p_values(std::vector<PairedComparison>& comparisons) {
  std::map<std::string, std::vector<std::size_t>> family;
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    if (comparisons[i].pairs > 0) family[comparisons[i].score].push_back(i);
  }
  for (const auto& [score, members] : family) {
    std::vector<double> p_values;
    for (const std::size_t i : members) p_values.push_back(comparisons[i].wilcoxon.p_value);
    const std::vector<double> adjusted = holm_adjusted_p_values(p_values);
    for (std::size_t k = 0; k < members.size(); ++k) comparisons[members[k]].wilcoxon_p_holm = adjusted[k];
  }
}

// The setting's fields except its depth source, as a key: what the DA-AdaIN settings of one ranking share.
std::string setting_key_without_depth(const SettingSummary& setting) {
  std::vector<std::string> parts;
  for (const char* field : kSettingFields) {
    const nlohmann::json& value = setting.setting[field];
    if (std::string(field) == "depth" || value.is_null()) continue;
    parts.push_back(concat(field, "=", value.is_number() ? format_number(value.get<double>()) : value.get<std::string>()));
  }
  return join(parts, ",");
}

// One score's ranks within one group of settings (indices into summary.settings).
void rank_group(const AblationSummary& summary, const std::string& group, const std::vector<std::size_t>& members,
                std::size_t score_index, std::vector<DepthSourceRank>& ranks) {
  const AblationScore& score = ablation_scores()[score_index];
  std::vector<DepthSourceRank> rows;
  for (const std::size_t s : members) {
    const SettingSummary& setting = summary.settings[s];
    rows.push_back({group, score.key, setting.setting["depth"].get<std::string>(), setting.key, 0,
                    setting.scores[score_index]});
  }
  const auto better = [&](const DepthSourceRank& a, const DepthSourceRank& b) {
    const bool a_valued = !std::isnan(a.estimate.mean), b_valued = !std::isnan(b.estimate.mean);
    if (a_valued != b_valued) return a_valued;
    if (!a_valued) return false;
    return score.higher_is_better ? a.estimate.mean > b.estimate.mean : a.estimate.mean < b.estimate.mean;
  };
  std::stable_sort(rows.begin(), rows.end(), better);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (std::isnan(rows[i].estimate.mean)) continue;
    const bool tied = i > 0 && rows[i].estimate.mean == rows[i - 1].estimate.mean;
    rows[i].rank = tied ? rows[i - 1].rank : static_cast<std::int64_t>(i + 1);
  }
  ranks.insert(ranks.end(), rows.begin(), rows.end());
}

std::vector<DepthSourceRank> rank_depth_sources(const AblationSummary& summary) {
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::size_t>> members;
  for (std::size_t s = 0; s < summary.settings.size(); ++s) {
    const SettingSummary& setting = summary.settings[s];
    if (setting.setting["method"] != "da-adain" || !setting.setting["depth"].is_string()) continue;
    const std::string group = setting_key_without_depth(setting);
    if (members[group].empty()) groups.push_back(group);
    members[group].push_back(s);
  }
  std::vector<DepthSourceRank> ranks;
  for (const std::string& group : groups) {
    if (members[group].size() < 2) continue;
    for (std::size_t i = 0; i < ablation_scores().size(); ++i) {
      if (ablation_scores()[i].region.empty()) rank_group(summary, group, members[group], i, ranks);
    }
  }
  return ranks;
}

}  // namespace

AblationSummary summarize_ablation(const std::vector<GridRecord>& records, const AblationSummaryOptions& options) {
  const Alternative alternative = alternative_from_string(options.alternative);
  AblationSummary summary;
  summary.options = options;
  SettingGroups groups = group_by_setting(records);
  summary.settings = std::move(groups.settings);
  for (std::size_t s = 0; s < summary.settings.size(); ++s) {
    SettingSummary& setting = summary.settings[s];
    summarize_setting(setting, groups.members[s], options.confidence);
    if (setting.failed > 0) summary.warnings.push_back(concat(setting.key, ": ", setting.failed, " failed cell(s)"));
  }

  // DA-AdaIN against each AdaIN reference of the same sizes and style mode.
  std::int64_t most_pairs = 0;
  for (std::size_t s = 0; s < summary.settings.size(); ++s) {
    if (summary.settings[s].setting["method"] != "da-adain") continue;
    for (std::size_t r = 0; r < summary.settings.size(); ++r) {
      if (!is_reference(summary.settings[r], options) ||
          !same_sizes_and_mode(summary.settings[s], summary.settings[r])) {
        continue;
      }
      for (const AblationScore& score : ablation_scores()) {
        summary.comparisons.push_back(
            compare(summary.settings[s], summary.settings[r], score,
                    paired_differences(groups.members[s], groups.members[r], score), alternative));
        most_pairs = std::max(most_pairs, summary.comparisons.back().pairs);
      }
    }
  }
  adjust_wilcoxon_p_values(summary.comparisons);
  summary.depth_source_ranks = rank_depth_sources(summary);
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
    table.add_json_row(row, ResultTable::kMissingFieldsAreEmpty);  // a comparison without pairs has no test
  }
  return table;
}

ResultTable depth_source_rank_table(const AblationSummary& summary) {
  ResultTable table({{"group", "Setting without depth"},
                     {"score", "Score"},
                     {"rank", "Rank", ColumnKind::kInteger},
                     {"depth", "Depth source"},
                     {"setting", "Setting"},
                     {"n", "n", ColumnKind::kInteger},
                     {"mean", "Mean", ColumnKind::kSignificant, 4},
                     {"lower", "Lower", ColumnKind::kSignificant, 4},
                     {"upper", "Upper", ColumnKind::kSignificant, 4},
                     {"better", "Better"}});
  const auto number = [](double value) { return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value); };
  for (const DepthSourceRank& rank : summary.depth_source_ranks) {
    const bool higher = std::find_if(ablation_scores().begin(), ablation_scores().end(), [&](const AblationScore& s) {
                          return s.key == rank.score;
                        })->higher_is_better;
    table.add_json_row({{"group", rank.group},
                        {"score", rank.score},
                        {"rank", rank.rank > 0 ? nlohmann::json(rank.rank) : nlohmann::json(nullptr)},
                        {"depth", rank.depth},
                        {"setting", rank.setting_key},
                        {"n", rank.estimate.n},
                        {"mean", number(rank.estimate.mean)},
                        {"lower", number(rank.estimate.lower)},
                        {"upper", number(rank.estimate.upper)},
                        {"better", higher ? "higher" : "lower"}});
  }
  return table;
}

}  // namespace depthstyle
