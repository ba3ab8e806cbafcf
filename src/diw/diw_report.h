// The Table 1 report of a DIW evaluation, from stored results only: one row per estimator in config order with its
// accuracy, 95% interval and n, WHDR, ties, per-relation accuracy, the paper's number where the paper has one, and
// the exact McNemar test against the best model. Estimators that did not run stay in the table with the reason.
//
// Files written into the report folder (atomically):
//   results.csv, results.json   the table, full precision (one column list feeds both, and the Markdown/HTML)
//   table1.svg                  bar chart: accuracy with interval whiskers, the paper's number as a diamond
//   report.md, report.html      the table, the chart, how the numbers were computed and the provenance facts
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diw/diw_results.h"
#include "report/result_table.h"

namespace depthstyle {

struct DiwReportInfo {
  std::string title = "Relative depth on DIW (Table 1)";
  // Provenance shown in the report: dataset, its sha256, store, shard, run folder...
  std::vector<std::pair<std::string, std::string>> facts;
  // Estimator name -> the paper's row (paper_table1.h) it reproduces.
  std::vector<std::pair<std::string, std::string>> paper_rows;
};

ResultTable diw_results_table(const DiwResults& results, const DiwReportInfo& info);

// Writes the files above into `dir`; returns the path of report.html.
std::filesystem::path write_diw_report(const DiwResults& results, const DiwReportInfo& info,
                                       const std::filesystem::path& dir);

// Scores `store` and writes its report into `dir`, with the tie policy and paper rows the store's settings name
// (unless `ties` overrides the policy) and the store's identity as provenance, after `facts`. Returns report.html.
std::filesystem::path write_store_report(PredictionStore& store, const std::filesystem::path& dir,
                                         std::optional<TiePolicy> ties = std::nullopt,
                                         std::vector<std::pair<std::string, std::string>> facts = {});

}  // namespace depthstyle
