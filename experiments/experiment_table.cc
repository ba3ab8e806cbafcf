#include "experiment_table.h"

namespace depthstyle {

std::unique_ptr<Experiment> make_samples_overview();

const std::vector<ExperimentKind>& experiment_table() {
  static const std::vector<ExperimentKind> table = {
      {"samples_overview", "the sample images and their real ground-truth disparity, with provenance",
       make_samples_overview},
  };
  return table;
}

}  // namespace depthstyle
