// The results of a style grid as a table (results.csv, results.json), figure sheets (figures/*.png) and a report
// (report.md, report.html). Reads only the stored result rows and the pictures in the run folder.
//
// One row per cell, a GridRecord (grid/grid_record.h, which lists the columns).
//
// Figure sheets, labelled with the parameters, the backbone (and whether it reproduces the paper) and the depth
// source:
//   figures/inputs.png   Fig. 3: the contents with their proximity maps, the styles
//   sweep layout         figures/sweep,content=..,style=..,content_size=..,style_size=...png: the pair, its proximity
//                        maps, and a column per cell (output above, strength map below): Fig. 4 and Fig. 5
//   compare layout       figures/compare.png: a column per content/style pair; rows content, style, one row per
//                        setting (AdaIN, DA-AdaIN, ...), the proximity and strength maps: Fig. 6
//   figures.json         {"title", "backbone": {"label", "reproduces_paper", ...}, "figures": [{"file", "caption"}]}:
//                        the sheets in report order, for reports that gather several runs (paper/reproduction_report.h)
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "grid/grid_record.h"
#include "grid/style_grid_options.h"
#include "report/result_table.h"
#include "run/experiment.h"

namespace depthstyle {

// results.csv and results.json; returns the table.
ResultTable write_style_grid_results(const StyleGridOptions& options, const std::vector<GridRecord>& records,
                                     const std::filesystem::path& dir);

// The figure sheets of options.figures.layout (none: nothing), as (path in the run folder, caption).
std::vector<std::pair<std::string, std::string>> write_style_grid_figures(const StyleGridOptions& options,
                                                                          const std::vector<GridRecord>& records,
                                                                          const nlohmann::json& backbone,
                                                                          const CommonOptions& common,
                                                                          const std::filesystem::path& dir);

// Writes results, sheets and report; returns the HTML report's path. `backbone`: the backbone's description with
// "label" and "reproduces_paper".
std::filesystem::path write_style_grid_report(const StyleGridOptions& options, const std::vector<GridRecord>& records,
                                              const nlohmann::json& backbone, const CommonOptions& common,
                                              const RunRecord& record);

}  // namespace depthstyle
