// The columns that the scores of a style grid's outputs add to its result rows (what each means:
// scores/grid_scores.h). Torch-free, so that the readers of result rows (grid/grid_record.h) need no LibTorch.
#pragma once

#include <vector>

#include "report/result_table.h"

namespace depthstyle {

std::vector<Column> grid_score_columns();

}  // namespace depthstyle
