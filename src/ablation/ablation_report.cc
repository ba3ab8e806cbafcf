#include "ablation/ablation_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "ablation/ablation_plots.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "report/report.h"

namespace depthstyle {
namespace {

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

struct Family {
  const char* key;
  const char* heading;
  const char* definition;
};

const Family kFamilies[] = {
    {"depth_agreement", "Depth agreement",
     "Share of point pairs (clearly ordered in the content's predicted depth) that the depth estimator orders the "
     "same way on the output; higher = depth better kept. Ties and unknown values count as disagreement, as in "
     "Table 1's scoring."},
    {"depth_spearman", "Depth Spearman",
     "Spearman rank correlation of the estimator's maps for the output and the content on a common grid; "
     "higher = depth better kept."},
    {"content_distance", "Content distance",
     "Mean squared difference of the content taps (VGG: relu4_1) of output and content; lower = closer to the "
     "content (the AdaIN paper's content loss)."},
    {"style_distance", "Style distance",
     "Sum over the style taps (VGG: relu1_1..relu4_1) of the mean squared differences of channel means and standard "
     "deviations between output and style; lower = closer to the style (the AdaIN paper's style loss)."},
};

std::size_t score_index(const std::string& key) {
  for (std::size_t i = 0; i < ablation_scores().size(); ++i) {
    if (ablation_scores()[i].key == key) return i;
  }
  return 0;
}

ResultTable family_table(const AblationSummary& summary, const std::string& family) {
  ResultTable table({{"setting", "Setting"},
                     {"n", "n", ColumnKind::kInteger},
                     {"mean", "Mean", ColumnKind::kSignificant, 4},
                     {"lower", "Lower", ColumnKind::kSignificant, 4},
                     {"upper", "Upper", ColumnKind::kSignificant, 4},
                     {"near", "Near", ColumnKind::kSignificant, 4},
                     {"far", "Far", ColumnKind::kSignificant, 4},
                     {"sources", "Contents x styles"}});
  for (const SettingSummary& setting : summary.settings) {
    const MeanEstimate& whole = setting.scores[score_index(family)];
    table.add_json_row({{"setting", setting.key},
                        {"n", whole.n},
                        {"mean", number(whole.mean)},
                        {"lower", number(whole.lower)},
                        {"upper", number(whole.upper)},
                        {"near", number(setting.scores[score_index(family + "_near")].mean)},
                        {"far", number(setting.scores[score_index(family + "_far")].mean)},
                        {"sources", concat(setting.contents, " x ", setting.styles)}});
  }
  return table;
}

ResultTable family_comparisons(const AblationSummary& summary, const std::string& family) {
  ResultTable table({{"setting", "DA-AdaIN"},
                     {"reference", "AdaIN"},
                     {"region", "Region"},
                     {"pairs", "Pairs", ColumnKind::kInteger},
                     {"mean_difference", "Mean d", ColumnKind::kSignificant, 3},
                     {"median_difference", "Median d", ColumnKind::kSignificant, 3},
                     {"signs", "d > 0 / < 0 / = 0"},
                     {"sign_p", "Sign p", ColumnKind::kSignificant, 2},
                     {"wilcoxon_p", "Wilcoxon p", ColumnKind::kSignificant, 2},
                     {"wilcoxon_p_holm", "Holm p", ColumnKind::kSignificant, 2}});
  for (const PairedComparison& comparison : summary.comparisons) {
    const AblationScore& score = ablation_scores()[score_index(comparison.score)];
    if (score.family != family) continue;
    nlohmann::json row = {{"setting", comparison.setting_key},
                          {"reference", comparison.reference_key},
                          {"region", score.region.empty() ? "whole" : score.region},
                          {"pairs", comparison.pairs}};
    if (comparison.pairs > 0) {
      row.update({{"mean_difference", comparison.mean_difference},
                  {"median_difference", comparison.median_difference},
                  {"signs", concat(comparison.sign.positive, " / ", comparison.sign.negative, " / ",
                                   comparison.sign.zeros)},
                  {"sign_p", comparison.sign.p_value},
                  {"wilcoxon_p", comparison.wilcoxon.p_value},
                  {"wilcoxon_p_holm", comparison.wilcoxon_p_holm}});
    }
    table.add_json_row(row, ResultTable::kMissingFieldsAreEmpty);  // a comparison without pairs has no test
  }
  return table;
}

// The depth sources of one group of DA-AdaIN settings, a row each in the order of the first whole-image score's
// ranking (depth agreement), with every whole-image score's mean and rank.
ResultTable depth_source_table(const AblationSummary& summary, const std::string& group) {
  std::vector<Column> columns = {{"depth", "Depth source"}, {"n", "n", ColumnKind::kInteger}};
  std::vector<std::string> scores;
  for (const AblationScore& score : ablation_scores()) {
    if (!score.region.empty()) continue;
    scores.push_back(score.key);
    columns.push_back({score.key, concat(score.title, score.higher_is_better ? " (higher)" : " (lower)"),
                       ColumnKind::kSignificant, 4});
    columns.push_back({score.key + "_rank", "Rank", ColumnKind::kInteger});
  }
  std::vector<std::string> order;
  std::map<std::string, nlohmann::json> rows;
  for (const DepthSourceRank& rank : summary.depth_source_ranks) {
    if (rank.group != group) continue;
    if (rows.count(rank.depth) == 0) {
      order.push_back(rank.depth);  // the first score's order
      rows[rank.depth] = {{"depth", rank.depth}, {"n", rank.estimate.n}};
    }
    nlohmann::json& row = rows[rank.depth];
    row[rank.score] = number(rank.estimate.mean);
    row[rank.score + "_rank"] = rank.rank > 0 ? nlohmann::json(rank.rank) : nlohmann::json(nullptr);
  }
  ResultTable table(columns);
  for (const std::string& depth : order) table.add_json_row(rows[depth]);
  return table;
}

void add_depth_source_ranking(Report& report, const AblationSummary& summary, const AblationReportFacts& facts) {
  std::vector<std::string> groups;
  for (const DepthSourceRank& rank : summary.depth_source_ranks) {
    if (std::find(groups.begin(), groups.end(), rank.group) == groups.end()) groups.push_back(rank.group);
  }
  if (groups.empty() && facts.depth_sources_not_run.empty()) return;
  report.add_heading("Depth sources ranked");
  if (!facts.depth_sources_not_run.empty()) {
    std::vector<std::string> lines;
    for (const auto& [name, reason] : facts.depth_sources_not_run) lines.push_back(concat(name, ": ", reason));
    report.add_paragraph(concat("Depth sources of the config left out (skip_missing_weights): ", join(lines, "; "),
                                "."));
  }
  if (groups.empty()) return;
  report.add_paragraph(concat(
      "DA-AdaIN's strength map computed from each depth source, all else equal; sources ordered by depth agreement "
      "(the share of clearly ordered point pairs of the content that the output keeps, as ", facts.depth_estimator,
      " sees them), with the rank of every score beside it (1 = best; equal means share a rank). Read the columns "
      "together: a source whose strength map stylizes less overall keeps more depth and content and less style "
      "(noise, for one, blends about half everywhere), and a source that is the scores' own estimator is judged by "
      "its own cue. The paired tests against AdaIN are in the sections below; every rank with its interval: "
      "depth_sources.csv."));
  for (const std::string& group : groups) {
    report.add_paragraph(group);
    report.add_table(depth_source_table(summary, group));
  }
}

}  // namespace

std::filesystem::path write_ablation_outputs(const AblationSummary& summary, const AblationReportFacts& facts,
                                             const std::vector<std::pair<std::string, std::string>>& figures,
                                             const std::filesystem::path& dir) {
  const ResultTable settings = setting_summary_table(summary);
  const ResultTable comparisons = paired_comparison_table(summary);
  write_file_atomically(dir / "summary.csv", settings.to_csv());
  write_file_atomically(dir / "summary.json", settings.to_json().dump(2) + "\n");
  write_file_atomically(dir / "comparisons.csv", comparisons.to_csv());
  write_file_atomically(dir / "comparisons.json", comparisons.to_json().dump(2) + "\n");
  if (!summary.depth_source_ranks.empty()) {
    const ResultTable sources = depth_source_rank_table(summary);
    write_file_atomically(dir / "depth_sources.csv", sources.to_csv());
    write_file_atomically(dir / "depth_sources.json", sources.to_json().dump(2) + "\n");
  }
  const std::vector<AblationPlot> plots = ablation_plots(summary);
  for (const AblationPlot& plot : plots) write_file_atomically(dir / plot.path, plot.svg);

  Report report(facts.title);
  if (!facts.backbone_reproduces_paper) {
    report.add_paragraph("The outputs were made with the " + facts.backbone +
                         ": the numbers show what the strength map does to this stand-in, not to the paper's method.");
  }
  if (facts.score_network_stand_in) {
    report.add_paragraph("Content and style distances are taken on " + facts.score_network +
                         ", not on VGG: they measure colour and per-scale contrast (give scores.vgg_encoder for the "
                         "paper's perceptual features).");
  }
  std::int64_t cells = 0, failed = 0;
  for (const SettingSummary& setting : summary.settings) {
    cells += setting.cells;
    failed += setting.failed;
  }
  std::vector<std::pair<std::string, std::string>> facts_list = {
      {"backbone", facts.backbone},
      {"score network", facts.score_network},
      {"depth estimator", concat(facts.depth_estimator, "; ", facts.depth_pairs, " point pairs per content, rank gap >= ",
                                 format_number(facts.depth_min_rank_gap))},
      {"cells", concat(cells - failed, " ok, ", failed, " failed, in ", summary.settings.size(), " settings")},
      {"intervals", concat("Student t, ", format_number(100 * summary.options.confidence),
                           "%, over the content/style pairs taken as independent (pairs sharing a content or a style "
                           "are not: read the intervals as optimistic when few contents or styles are crossed)")},
      {"paired tests", concat("d = DA-AdaIN - AdaIN per content/style pair; sign test and Wilcoxon signed-rank (exact "
                              "for <= 50 nonzero untied differences), ",
                              summary.options.alternative, "; Holm over the comparisons of each score")},
      {"near / far", "halves of each content split at the median of the proximity the strength map is computed from "
                     "(the same cells for every beta and eps; AdaIN cells use the content's first depth source)"}};
  if (!facts.provenance.empty()) facts_list.emplace_back("run", facts.provenance);
  report.add_facts(facts_list);
  for (const std::string& warning : summary.warnings) report.add_paragraph("Warning: " + warning);
  add_depth_source_ranking(report, summary, facts);

  for (const Family& family : kFamilies) {
    report.add_heading(family.heading);
    report.add_paragraph(family.definition);
    report.add_table(family_table(summary, family.key));
    const ResultTable paired = family_comparisons(summary, family.key);
    if (paired.row_count() > 0) report.add_table(paired);
    for (const AblationPlot& plot : plots) {
      if (plot.path.rfind(concat("plots/", family.key, "_"), 0) == 0) report.add_figure(plot.path, plot.caption);
    }
  }
  report.add_heading("Trade-off");
  for (const AblationPlot& plot : plots) {
    if (plot.path.rfind("plots/tradeoff", 0) == 0) report.add_figure(plot.path, plot.caption);
  }
  if (!figures.empty()) {
    report.add_heading("Figures");
    for (const auto& [path, caption] : figures) report.add_figure(path, caption);
  }
  report.add_paragraph("Every cell with its scores: results.csv; every setting and score: summary.csv; every paired "
                       "comparison: comparisons.csv.");
  return report.write(dir, "report");
}

}  // namespace depthstyle
