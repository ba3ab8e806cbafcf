#include "experiment_table.h"

namespace depthstyle {

std::unique_ptr<Experiment> make_samples_overview();
std::unique_ptr<Experiment> make_diw_eval();

const std::vector<ExperimentKind>& experiment_table() {
  static const std::vector<ExperimentKind> table = {
      {"samples_overview", "the sample images and their real ground-truth disparity, with provenance",
       make_samples_overview},
      {"diw_eval", "relative-depth accuracy of depth estimators on a DIW-format set (Table 1)", make_diw_eval},
  };
  return table;
}

}  // namespace depthstyle
