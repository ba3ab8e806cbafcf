// experiment: paper — the main job (configs/paper.yaml): the whole reproduction as a chain of steps, each a sub-run
// inside the paper run's folder, then the reproduction report (paper/reproduction_report.h) over all of them.
//
// A step is one of
//   run                 `depthstyle run CONFIG` (any experiment: diw_eval, style_grid, study_analysis, ...) into
//                       <paper run>/steps/<experiment>/<step name>/
//   study               `depthstyle survey create CONFIG` (a study database from a grid step) into
//                       <paper run>/steps/study/<step name>/
//   diw_middlebury_set  `depthstyle data make-diw-middlebury` (DIW-format pairs on the Middlebury photos with their
//                       real ground truth) into <paper run>/steps/data/<step name>/; `set` takes pairs_per_image,
//                       seed and min_ratio
// with `set` overrides as --set gives them. In override values "{step:NAME}" is the folder of the earlier step NAME,
// "{diw.csv}" and "{diw.weights_dir}" the paper's keys of those names. A step with `only_if: KEY` runs only when
// that paper key is non-empty (the real DIW evaluation: diw.csv); otherwise it is recorded as not run, with the
// reason, and the report says so. Every style_grid step also gets the paper's grids.set overrides, and when
// backbone.encoder and backbone.decoder are given, the paper's VGG backbone with them (otherwise the configs'
// weight-free stand-in).
//
// Resuming: each finished step is a unit of the paper run ("step=<name>"), so `run configs/paper.yaml --resume`
// skips it; an unfinished step's sub-run is resumed with its own units. A failed step's error starts with
// "step '<name>' (<config>): ". <paper run>/steps.json lists every step with its kind, folder (relative to the run
// folder) and status ("succeeded", "not run" or "failed" with the reason, "running", "pending"); `depthstyle report
// <paper run>` reads it.
#pragma once

#include <string>
#include <vector>

#include "run/experiment.h"

namespace depthstyle {

struct PaperStep {
  // The step's folder name and unit key: letters, digits, '-', '_', '.'.
  std::string name;
  // run, study or diw_middlebury_set (see above).
  std::string kind = "run";
  // run, study: the YAML config the step runs.
  std::string config;
  // "key.path=value" as --set; see above for {step:NAME} and {diw.csv}.
  std::vector<std::string> overrides;
  // A paper key ("diw.csv"): the step runs only when it is non-empty. "" = always.
  std::string only_if;
};

struct PaperOptions {
  // The real DIW test set's CSV (datasets/README.md); "" = no real DIW evaluation (steps with only_if: diw.csv).
  std::string diw_csv;
  // Folder of the depth models' files (configs/table1.yaml's layout); "" = none: the models are reported as not run.
  std::string diw_weights_dir;
  // The paper's networks for every style_grid step (vgg_normalised.pth, decoder.pth); "" = the weight-free stand-in.
  std::string backbone_encoder;
  std::string backbone_decoder;
  // Overrides for every style_grid step, after the step's own (e.g. smaller sizes for a quick run:
  // --set 'grids.set=["grid.content_sizes=[128]", "grid.style_sizes=[128]"]').
  std::vector<std::string> grid_overrides;
  std::vector<PaperStep> steps;
  // Longer side of the pictures embedded in the report page, px.
  int figure_max_side = 1600;
};

void declare_paper(Schema& schema, PaperOptions& options);
// Throws ConfigError naming the key: duplicate or unsafe step names, unknown kinds, missing configs, references to
// steps that do not come earlier, unknown only_if keys, one backbone file without the other.
void check_paper(const PaperOptions& options);
// Runs the steps that are not finished yet, then writes the report (context.report).
void run_paper(const PaperOptions& options, RunContext& context, const std::vector<ExperimentKind>& kinds);

}  // namespace depthstyle
