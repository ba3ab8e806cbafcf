// Running a style grid (grid/style_grid_options.h) into its run folder, resumable cell by cell.
//
// Run folder (besides the run record's files, run/run_record.h):
//   images/<key>.<png|jpg>                        the stylized outputs, one per cell
//   maps/<key>.strength.png                       strength map of each cell that used one (finest level, absolute
//                                                 grey scale; report/style_previews.h)
//   maps/content=<c>,depth=<d>,content_size=<n>.proximity.png   proximity of each content, depth source and size
//   inputs/content=<c>,content_size=<n>.png       the sized contents, inputs/style=<s>,style_size=<n>,image=<i>.png
//                                                 the sized style images, for the figure sheets
//   depth/<content>.<estimator>.{npy,json}        depth maps from estimators, computed once (style/depth_source.h)
//   results.csv, results.json                     one row per cell (grid/grid_record.h); with scores.enabled
//                                                 each row also holds the output's scores (scores/grid_scores.h)
//   figures/*.png, report.md, report.html         figure sheets and the report, from the stored results only
//
// Each finished cell is a unit of the run record: --resume skips it, and redoes only unfinished cells, whose files
// come out byte-identical to an uninterrupted run at the same thread count (every step is deterministic; estimator
// depth maps are reused from the cache, bit for bit). A cell that fails (unreadable image, an image too small for
// the backbone, ...) becomes a result row with status "failed" and its error; it is not recorded as finished, so a
// resumed run tries it again. The report counts failures.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "grid/grid_record.h"
#include "grid/style_grid_options.h"
#include "run/experiment.h"

namespace depthstyle {

struct StyleGridResults {
  // One per cell, in cell order: the stored record of a finished cell, or the failed cell's record with its error.
  std::vector<GridRecord> records;
  // The backbone's description with "label" and "reproduces_paper" (as in the manifest).
  nlohmann::json backbone;
  // With scores: what produced them (GridScorer::describe, as in the manifest); else null.
  nlohmann::json scores;
};

// Runs (or resumes) every cell; writes the cells' files and units, no results table or report. `options` must have
// passed style_grid_problems.
StyleGridResults run_style_grid_cells(StyleGridOptions options, RunContext& context);

// run_style_grid_cells, then results and report (grid/style_grid_report.h). Sets context.report.
void run_style_grid(StyleGridOptions options, RunContext& context);

}  // namespace depthstyle
