#include "experiment_table.h"

namespace depthstyle {

std::unique_ptr<Experiment> make_samples_overview();
std::unique_ptr<Experiment> make_diw_eval();
std::unique_ptr<Experiment> make_style_grid();
std::unique_ptr<Experiment> make_study_analysis();
std::unique_ptr<Experiment> make_paper();
std::unique_ptr<Experiment> make_ablation();

const std::vector<ExperimentKind>& experiment_table() {
  static const std::vector<ExperimentKind> table = {
      {"samples_overview", "the sample images and their real ground-truth disparity, with provenance",
       make_samples_overview},
      {"diw_eval", "relative-depth accuracy of depth estimators on a DIW-format set (Table 1)", make_diw_eval},
      {"style_grid", "AdaIN / DA-AdaIN stylization grids with figure sheets (paper Fig. 3-6)", make_style_grid},
      {"study_analysis", "a pairwise user study (Table 2 and beyond) from an answers CSV or from its counts",
       make_study_analysis},
      {"paper", "the whole reproduction: DIW, figures, study, Table 2 and the report, as resumable steps", make_paper},
      {"ablation", "scored style grids over beta, eps and AdaIN's content weight: means, paired tests, plots",
       make_ablation},
  };
  return table;
}

}  // namespace depthstyle
