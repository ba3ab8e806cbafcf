// What the scores of a style grid's outputs declare without computing anything (their meaning: scores/grid_scores.h):
// the columns they add to result rows and the default depth estimator of the scores. Torch-free, so that the readers
// of result rows (grid/grid_record.h) and the grid's options need no LibTorch.
#pragma once

#include <vector>

#include "depth/depth_estimator.h"
#include "report/result_table.h"

namespace depthstyle {

std::vector<Column> grid_score_columns();

// The default estimator of the scores: the dark-channel haze cue (depth/dark_channel.h), weight-free but reading the
// pixels, so it responds to what stylization does to them (vertical would agree perfectly whatever the output).
DepthEstimatorConfig default_score_depth_estimator();

}  // namespace depthstyle
