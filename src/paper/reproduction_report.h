// The report of the whole reproduction (`depthstyle report`, and the last step of `experiment: paper`): one
// self-contained HTML page and the same content as Markdown, from the stored results of finished runs only. Nothing
// is recomputed: no model runs; the only computation is the statistics of a study database's answers (as `analyze
// --db` does), so a study that collects answers after the run shows them in the next report.
//
// Sections, each saying in plain words what it ran on:
//   What ran on stand-ins  one line per part: DIW data, depth models, backbone of the figures and of the stimuli,
//                          study answers, and every step that did not run with its reason
//   Table 1                per DIW run: the data (the real DIW test set, or the Middlebury stand-in with real ground
//                          truth), each estimator's accuracy with n and 95% Clopper-Pearson interval and the paper's
//                          number where it has one, the bar chart; then the paper's Table 1 with this reproduction's
//                          number beside each row (or why there is none)
//   Figures                per style-grid run: its figure sheets (Figs. 3-6 with proximity and strength maps) and
//                          the backbone that made them
//   User study             per study database: the design (pairs, sentinels, repeats, respondents, seeds); Table 2 as
//                          printed in the paper, recomputed from the paper's counts, and from the database's answers
//                          when it has some, each with n, the 95% interval and both p-values
//   Provenance             per run: experiment, status, git revision, library versions, times, links to its record
//
// Files: <out>/report.html (pictures as data: URIs, downscaled to `figure_max_side`; links to the full-size files
// beside them; no request outside the page) and <out>/report.md (links to the files), written atomically.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace depthstyle {

struct ReproductionSources {
  std::vector<std::filesystem::path> diw_runs;     // experiment diw_eval
  std::vector<std::filesystem::path> grid_runs;    // experiment style_grid
  std::vector<std::filesystem::path> studies;      // study folders of `survey create` (study.sqlite)
  std::vector<std::filesystem::path> table2_runs;  // experiment study_analysis (Table 2 from the paper's counts)
  // Run folders whose record the provenance section lists beyond the ones above (the paper run itself).
  std::vector<std::filesystem::path> other_runs;
  // Parts that did not run, each with its reason ("real DIW test set: not run, no diw.csv given").
  std::vector<std::string> not_run;
};

// Adds `folder` where it belongs: a run folder by its manifest's experiment (a finished `paper` run contributes its
// steps, steps.json; other experiments only their provenance), a folder holding study.sqlite as a study. Throws
// InputError naming a folder that is absent, unfinished, or missing a result file.
void add_report_source(const std::filesystem::path& folder, ReproductionSources& sources);
ReproductionSources classify_report_sources(const std::vector<std::filesystem::path>& folders);

struct ReproductionReportOptions {
  std::string title = "Reproduction of Kitov et al. (2020), Depth-Aware Arbitrary Style Transfer";
  // Longer side of the pictures embedded in the page, px (the linked files keep their size).
  int figure_max_side = 1600;
};

// Checks every source first (InputError as classify_report_sources), then writes report.html and report.md into
// `out_dir` (created if needed). Returns the HTML path.
std::filesystem::path write_reproduction_report(const ReproductionSources& sources,
                                                const std::filesystem::path& out_dir,
                                                const ReproductionReportOptions& options = {});

}  // namespace depthstyle
