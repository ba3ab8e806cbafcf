// The results of a style grid as a table (results.csv, results.json), figure sheets (figures/*.png) and a report
// (report.md, report.html). Reads only the stored result rows and the pictures in the run folder.
//
// One row per cell; columns (style_grid_table): key, content, style, style_mode, method, content_weight (the
// paper's alpha, adain only), depth, beta, eps (strength map settings), content_size, style_size, width, height,
// output, strength_map, proximity_map (paths in the run folder), status ("ok" or "failed"), error, seconds_pair
// (work shared by the pair's cells: content encoding, depth steps 3-5, style encoding, AdaIN), seconds_cell (strength
// map steps 6-7, blend, decoder, saving), backbone, content_sha256, style_sha256 ('+'-joined for style groups);
// with scores, the score columns (scores/grid_scores.h).
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

#include "grid/style_grid_options.h"
#include "report/result_table.h"
#include "run/experiment.h"

namespace depthstyle {

// The column declaration every output format of the grid's results reads; with the score columns
// (scores/grid_scores.h) appended when the grid scores its outputs.
ResultTable style_grid_table(bool with_scores = false);

// results.csv and results.json; returns the table.
ResultTable write_style_grid_results(const StyleGridOptions& options, const std::vector<nlohmann::json>& rows,
                                     const std::filesystem::path& dir);

// The figure sheets of options.figures.layout (none: nothing), as (path in the run folder, caption).
std::vector<std::pair<std::string, std::string>> write_style_grid_figures(const StyleGridOptions& options,
                                                                          const std::vector<nlohmann::json>& rows,
                                                                          const nlohmann::json& backbone,
                                                                          const CommonOptions& common,
                                                                          const std::filesystem::path& dir);

// Writes results, sheets and report; returns the HTML report's path. `backbone`: the backbone's description with
// "label" and "reproduces_paper".
std::filesystem::path write_style_grid_report(const StyleGridOptions& options, const std::vector<nlohmann::json>& rows,
                                              const nlohmann::json& backbone, const CommonOptions& common,
                                              const RunRecord& record);

// A result row's field as text: "" when absent or null, a number as format_number writes it ("20", "0.15").
std::string style_grid_row_text(const nlohmann::json& row, const char* key);

}  // namespace depthstyle
