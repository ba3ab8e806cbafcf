// The outputs of an ablation's summary (ablation/ablation_summary.h), written from the stored result rows only:
//   summary.csv, summary.json          a row per setting and score: n, mean, sd, interval (setting_summary_table)
//   comparisons.csv, comparisons.json  a row per DA-AdaIN setting, AdaIN reference and score (paired_comparison_table)
//   depth_sources.csv, .json           when DA-AdaIN settings differ only in their depth source: the sources ranked
//                                      per score (depth_source_rank_table)
//   plots/*.svg                        ablation/ablation_plots.h
//   report.md, report.html             the depth sources ranked (if any), then per score: the means per setting,
//                                      the paired comparisons, the plots; what produced the numbers and how to read
//                                      them
// Nothing here depends on the time or the machine, so a resumed run writes the same bytes.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "ablation/ablation_summary.h"

namespace depthstyle {

struct AblationReportFacts {
  std::string title;
  std::string backbone;  // label
  bool backbone_reproduces_paper = false;
  std::string score_network;  // label (scores/score_network.h)
  bool score_network_stand_in = true;
  std::string depth_estimator;  // "name (type)"
  int depth_pairs = 0;
  double depth_min_rank_gap = 0;
  // Depth sources the grid left out (skip_missing_weights): name and reason, listed beside the ranking.
  std::vector<std::pair<std::string, std::string>> depth_sources_not_run;
  // "run NAME, tool revision REV" ("" = none).
  std::string provenance;
};

// Writes every file listed above into `dir` (atomically); `figures` (path, caption) are added to the report after
// the plots (the grid's figure sheets). Returns the path of report.html.
std::filesystem::path write_ablation_outputs(const AblationSummary& summary, const AblationReportFacts& facts,
                                             const std::vector<std::pair<std::string, std::string>>& figures,
                                             const std::filesystem::path& dir);

}  // namespace depthstyle
