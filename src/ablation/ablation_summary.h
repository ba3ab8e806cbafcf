// The summary of an ablation (experiment ablation, a style grid whose rows carry scores, scores/grid_scores.h):
// per setting, the mean and a confidence interval of every score over the content/style pairs, and DA-AdaIN against
// AdaIN pair by pair. It reads only the stored result rows.
//
//   setting      every field of a row except its content and style: method, style_mode, content_weight (AdaIN),
//                depth, beta, eps (DA-AdaIN), content_size, style_size. Its key lists them as the grid's cell keys
//                do ("method=da-adain,depth=map,beta=20,eps=0.15,content_size=512,style_size=512").
//   observation  one content/style pair of a setting. Only rows with status "ok" and a value for the score count;
//                n says how many did, and every setting lists its failed cells.
//   interval     Student t over the pairs (stats/mean_interval.h). It treats the pairs as independent; pairs that
//                share a content or a style are not, so with few contents or styles it is too narrow: each setting
//                states how many contents and styles its pairs come from.
//   comparison   for every DA-AdaIN setting and every AdaIN reference setting with the same sizes and style mode
//                (the AdaIN content weights in reference_content_weights; empty = all of them): on the pairs where
//                both have the score, and for the near/far scores the same regions_depth, the differences
//                d = DA-AdaIN - AdaIN; their mean and median, the sign test and the Wilcoxon signed-rank test
//                (stats/paired_tests.h: zeros dropped; exact for at most 50 nonzero untied differences, else the
//                normal approximation with tie and continuity corrections), with `alternative` about d; Holm's
//                adjustment of the Wilcoxon p-values over every comparison of the same score (the family).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "grid/grid_record.h"
#include "report/result_table.h"
#include "stats/binomial.h"
#include "stats/mean_interval.h"
#include "stats/paired_tests.h"

namespace depthstyle {

class Schema;

struct AblationSummaryOptions {
  // Confidence level of the intervals of the means, in (0, 1).
  double confidence = 0.95;
  // AdaIN content weights (the paper's alpha) the DA-AdaIN settings are compared with; empty = every one in the grid.
  std::vector<double> reference_content_weights;
  // two-sided, greater (DA-AdaIN scores higher) or less.
  std::string alternative = "two-sided";
};

// Binds the keys under "summary.".
void declare_ablation_summary(Schema& schema, AblationSummaryOptions& options);

struct AblationScore {
  std::string key;    // field of the result rows
  std::string title;  // for tables and plots
  // Region of the content the score covers: "" (the whole image), "near" or "far".
  std::string region;
  // The score without its region suffix ("depth_agreement" for "depth_agreement_near").
  std::string family;
  // Which way is better when settings are ranked: higher depth agreement and Spearman (depth kept), lower content
  // and style distances (closer to the content, closer to the style; the two pull against each other).
  bool higher_is_better = true;
};

// The scores summarised, in table order: depth_agreement, depth_spearman, content_distance, style_distance, each
// whole, near and far.
const std::vector<AblationScore>& ablation_scores();

struct SettingSummary {
  std::string key;
  // method, style_mode, content_weight, depth, beta, eps, content_size, style_size (null where unused).
  nlohmann::json setting;
  std::int64_t cells = 0;
  std::int64_t failed = 0;
  std::int64_t contents = 0;  // distinct contents among the cells that are ok
  std::int64_t styles = 0;
  std::vector<MeanEstimate> scores;  // in ablation_scores() order
};

struct PairedComparison {
  std::string setting_key;    // the DA-AdaIN setting
  std::string reference_key;  // the AdaIN setting
  std::string score;          // AblationScore::key
  std::int64_t pairs = 0;     // differences compared
  double mean_difference = 0;
  double median_difference = 0;
  SignTest sign;
  WilcoxonSignedRankTest wilcoxon;
  double wilcoxon_p_holm = 1;
};

// The depth sources of DA-AdaIN ranked by one whole-image score: within a group of DA-AdaIN settings equal in
// everything but their depth source (method, style mode, beta, eps, sizes), the sources ordered by their mean score,
// best first (AblationScore::higher_is_better). Equal means share the better rank ("1, 2, 2, 4"); a source without
// a value (every cell failed) has rank 0 and comes last. The means are over the content/style pairs each source has;
// when their counts n differ, the sources were not scored on the same pairs.
struct DepthSourceRank {
  // The group's setting without its depth: "method=da-adain,beta=20,eps=0.15,content_size=256,style_size=256".
  std::string group;
  std::string score;  // AblationScore::key
  std::string depth;  // the source's name
  std::string setting_key;
  std::int64_t rank = 0;
  MeanEstimate estimate;
};

struct AblationSummary {
  AblationSummaryOptions options;
  std::vector<SettingSummary> settings;  // in the order the rows first show them (the grid's cell order)
  std::vector<PairedComparison> comparisons;  // by DA-AdaIN setting, then reference, then score
  // Groups with at least two depth sources only; by group (first-seen order), then score (ablation_scores() order,
  // whole-image scores), then rank.
  std::vector<DepthSourceRank> depth_source_ranks;
  std::vector<std::string> warnings;
};

// Throws UsageError for options out of range.
AblationSummary summarize_ablation(const std::vector<GridRecord>& records, const AblationSummaryOptions& options);

// The setting's key from a row's fields (the grid's cell key without content and style).
std::string ablation_setting_key(const GridRecord& record);

// summary.csv: a row per setting and score (setting fields, cells, failed, contents, styles, score, n, mean, sd,
// lower, upper, confidence).
ResultTable setting_summary_table(const AblationSummary& summary);
// comparisons.csv: a row per comparison and score.
ResultTable paired_comparison_table(const AblationSummary& summary);
// depth_sources.csv: a row per DepthSourceRank (group, score, rank, depth, setting, n, mean, lower, upper).
ResultTable depth_source_rank_table(const AblationSummary& summary);

}  // namespace depthstyle
