// The tables and report of a study analysis (stats/study_analysis.h). Each table is declared once as a ResultTable,
// so its CSV file, its rows in analysis.json and its Markdown/HTML rendering cannot disagree.
//
// Files written by write_study_outputs(dir):
//   table2.csv          Table 2 in the paper's column order, then the two-sided interval and p-value
//   conventions.csv     which formula gives which printed number (and whether it matches the paper's, when given)
//   respondents.csv     per respondent: responses, votes, preference, quality controls, exclusion   (from answers)
//   respondent_view.csv how many respondents preferred each method, sign test over respondents      (from answers)
//   items.csv           per image pair: responses, votes, proportion, two-sided p (unadjusted)       (from answers)
//   clustered.csv       the two-way cluster bootstrap (conservative), its seeds, both design effects  (from answers)
//   method_pairs.csv    every pair of methods compared, two-sided p and Holm-adjusted p             (from answers)
//   bradley_terry.csv   Bradley-Terry strengths                                   (more than two methods, estimable)
//   model.csv           the crossed random-effects model, the recommended headline: one row per number with its meaning
//   planning.csv        exact minimum n for the configured effect, and the power at the observed n
//   planning_power.csv  power of the model's test by simulation over a grid of respondents x pairs
//   analysis.json       {"source", "options", "warnings", "tables": {name: rows}}
//   report.md, report.html
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/report.h"
#include "report/result_table.h"
#include "stats/study_analysis.h"

namespace depthstyle {

// The numbers as the paper prints them, to set beside ours ("" = not given).
struct PaperTable2 {
  std::string proportion;     // "57.5%"
  std::string std_deviation;  // "2.6%"
  std::string p_value;        // "0.0026"
};

struct NamedTable {
  std::string name;   // file stem
  std::string title;  // heading in the report
  ResultTable table;
};

// The tables that apply to this analysis, in report order.
std::vector<NamedTable> study_tables(const StudyAnalysis& analysis, const PaperTable2& paper = {});
nlohmann::json study_analysis_json(const StudyAnalysis& analysis, const std::vector<NamedTable>& tables);
Report study_report(const StudyAnalysis& analysis, const std::vector<NamedTable>& tables);
// Writes every file listed above into `dir` (atomically); returns the path of report.html.
std::filesystem::path write_study_outputs(const StudyAnalysis& analysis, const std::filesystem::path& dir,
                                          const PaperTable2& paper = {});

// Power of the model's test by simulation (stats/crossed_power.h), one row per design; the table of the analysis's
// planning section and of `stats power --from-study`.
NamedTable power_simulation_table(const std::vector<CrossedPowerDesign>& designs, const CrossedPowerOptions& options);

// The numbers as the paper prints them: "57.5%" (one decimal) and "0.0026" (two significant digits).
std::string paper_percent(double fraction);
std::string paper_p_value(double p_value);

}  // namespace depthstyle
