// experiment: ablation — a style grid (grid/) over beta, eps and the AdaIN content weight whose every output is
// scored (scores/grid_scores.h), then its summary (ablation/ablation_summary.h), plots and report
// (ablation/ablation_report.h). The grid machinery does the work: cells, keys, units for --resume, failed cells as
// rows, results.csv with the scores; the summary reads only the stored rows.
//
//   experiment: ablation
//   contents: [...]                 # as style_grid, each with its depth
//   styles: [...]
//   grid: {methods: [adain, da-adain], content_weights: [0], betas: [0, 5, 10, 20, 50], epsilons: [0, 0.15, 0.3]}
//   scores: {depth_estimator: {name: dark_channel, type: dark_channel}, depth_pairs: 1000}
//   summary: {confidence: 0.95, reference_content_weights: [0], alternative: two-sided}
//
// Defaults differ from style_grid's where an ablation needs it: the sweep above, and no figure sheets
// (figures.layout: none; sweep or compare add them to the report).
#pragma once

#include <string>
#include <vector>

#include "ablation/ablation_summary.h"
#include "grid/style_grid_options.h"
#include "run/experiment.h"

namespace depthstyle {

struct AblationOptions {
  AblationOptions();
  StyleGridOptions grid;
  AblationSummaryOptions summary;
};

void declare_ablation(Schema& schema, AblationOptions& options);
// Fills in the grid's defaults (complete_style_grid) and turns scoring on.
void complete_ablation(AblationOptions& options);
// Every problem of the completed options, each naming its key; empty if they can run.
std::vector<std::string> ablation_problems(const AblationOptions& options);
// `options` completed and without problems. Sets context.report.
void run_ablation(AblationOptions options, RunContext& context);

}  // namespace depthstyle
