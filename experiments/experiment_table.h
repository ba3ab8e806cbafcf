// The experiment runners this binary knows, selected by a config's `experiment:` key.
#pragma once

#include <vector>

#include "run/experiment.h"

namespace depthstyle {

const std::vector<ExperimentKind>& experiment_table();

}  // namespace depthstyle
