#include "ablation/ablation_run.h"

#include <algorithm>

#include "ablation/ablation_report.h"
#include "core/build_info.h"
#include "core/log.h"
#include "core/text.h"
#include "grid/style_grid_report.h"
#include "grid/style_grid_run.h"

namespace depthstyle {

AblationOptions::AblationOptions() {
  grid.betas = {0, 5, 10, 20, 50};
  grid.epsilons = {0, 0.15, 0.3};
  grid.figures.layout = "none";
}

void declare_ablation(Schema& schema, AblationOptions& options) {
  declare_style_grid(schema, options.grid, /*scores_optional=*/false);
  declare_ablation_summary(schema, options.summary);
}

void complete_ablation(AblationOptions& options) {
  complete_style_grid(options.grid);
  options.grid.scores.enabled = true;
}

std::vector<std::string> ablation_problems(const AblationOptions& options) {
  std::vector<std::string> problems = style_grid_problems(options.grid);
  const std::vector<std::string>& methods = options.grid.methods;
  if (std::count(methods.begin(), methods.end(), "adain") == 0 ||
      std::count(methods.begin(), methods.end(), "da-adain") == 0) {
    problems.push_back("grid.methods: an ablation compares da-adain with adain; list both");
  }
  for (const double weight : options.summary.reference_content_weights) {
    if (std::count(options.grid.content_weights.begin(), options.grid.content_weights.end(), weight) == 0) {
      std::vector<std::string> weights;
      for (const double grid_weight : options.grid.content_weights) weights.push_back(format_number(grid_weight));
      problems.push_back(concat("summary.reference_content_weights: ", format_number(weight),
                                " is not among grid.content_weights (", join(weights, ", "), ")"));
    }
  }
  return problems;
}

void run_ablation(AblationOptions options, RunContext& context) {
  const StyleGridResults results = run_style_grid_cells(options.grid, context);
  const std::filesystem::path& dir = context.record.dir();
  write_style_grid_results(options.grid, results.records, dir);
  const std::vector<std::pair<std::string, std::string>> figures =
      write_style_grid_figures(options.grid, results.records, results.backbone, context.common, dir);
  const AblationSummary summary = summarize_ablation(results.records, options.summary);
  for (const std::string& warning : summary.warnings) log_warning("ablation: ", warning);

  AblationReportFacts facts;
  facts.title = options.grid.figures.title.empty() ? "Ablation " + context.common.name : options.grid.figures.title;
  facts.backbone = results.backbone.value("label", std::string("?"));
  facts.backbone_reproduces_paper = results.backbone.value("reproduces_paper", false);
  facts.score_network = results.scores["network"].value("label", std::string("?"));
  facts.score_network_stand_in = results.scores["network"].value("stand_in", true);
  facts.depth_estimator = concat(options.grid.scores.depth_estimator.name, " (", options.grid.scores.depth_estimator.type, ")");
  facts.depth_pairs = options.grid.scores.depth_pairs;
  facts.depth_sources_not_run = options.grid.depth_estimators_not_run;
  facts.depth_min_rank_gap = options.grid.scores.depth_min_rank_gap;
  facts.provenance = concat("run ", context.common.name, ", tool revision ", build_info().git_revision.substr(0, 12),
                            build_info().git_dirty ? " (modified)" : "");
  context.report = write_ablation_outputs(summary, facts, figures, dir);
}

}  // namespace depthstyle
