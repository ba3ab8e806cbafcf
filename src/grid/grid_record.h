// The record of one style-grid cell: what was asked (content, style, blend setting, sizes) and what came out (files,
// sizes, timings, status, scores). It is the grid's one result type: the run record stores it as a unit
// (run/run_record.h), results.csv / results.json hold one row per record, and every reader (the grid's report, the
// ablation summary, the survey's stimuli, the reproduction report) parses rows back into it here, in one place.
//
// JSON row (the stored unit and a results.json row; results.csv has the same columns, grid_record_table):
//   key            the cell key (grid/style_grid_cells.h)
//   content, style, style_mode ("single", "interpolate", "mask", "near_far")
//   method         "adain" | "da-adain"
//   content_weight the paper's alpha (weight of the CONTENT features), adain only; else null
//   depth, beta, eps  the strength map's depth source and Algorithm 1's parameters, when a strength map is used;
//                  else null
//   content_size, style_size   the sizes asked for (smaller side in px, 0 = kept)
//   width, height  the output's size in px (ok cells)
//   output, strength_map, proximity_map   paths inside the run folder ("" / absent = none)
//   status         "ok" | "failed"; error: the failure's message (failed cells)
//   seconds_pair   work shared by the cells of a content/style pair; seconds_cell: this cell's own work
//   backbone       the backbone type; content_sha256, style_sha256 ('+'-joined for style groups) of the inputs
//   + with scores, the score columns of scores/grid_scores.h (grid_score_columns), kept as the scorer wrote them.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "grid/style_grid_cells.h"
#include "report/result_table.h"
#include "style/style_names.h"

namespace depthstyle {

enum class CellStatus { kOk, kFailed };

std::string to_string(CellStatus status);  // "ok", "failed"

struct GridRecord {
  std::string key;
  std::string content;
  std::string style;
  StyleMixMode style_mode = StyleMixMode::kSingle;
  GridSetting setting;
  int content_size = 0;
  int style_size = 0;
  std::optional<int> width;
  std::optional<int> height;
  std::string output;
  std::string strength_map;
  std::string proximity_map;
  CellStatus status = CellStatus::kOk;
  std::string error;
  std::optional<double> seconds_pair;
  std::optional<double> seconds_cell;
  std::string backbone;
  std::string content_sha256;
  std::string style_sha256;
  // The score columns (scores/grid_scores.h), null when the grid does not score its outputs.
  nlohmann::json scores;

  bool ok() const { return status == CellStatus::kOk; }
  // The output's score `column`, if the cell is ok and has that score as a number.
  std::optional<double> score(const std::string& column) const;
};

// The stored row. Absent optional values are null; key order is JSON's (sorted), as before this type existed.
nlohmann::json to_json(const GridRecord& record);

// Parses a row written by to_json (or read from results.json). Throws InputError naming `where` (e.g.
// "runs/x/results.json row 3") and the field for a missing or mistyped field.
GridRecord grid_record_from_json(const nlohmann::json& row, const std::string& where);

// Every record of a finished grid's results.json, in order. Throws InputError naming the file.
std::vector<GridRecord> read_grid_results(const std::filesystem::path& results_json);

// The columns of results.csv / results.json and of the report's cell table; the score columns appended when the
// grid scores its outputs.
ResultTable grid_record_table(bool with_scores);
void add_grid_record_row(ResultTable& table, const GridRecord& record);

// "content=aloeL,style=starry_night,content_size=512,style_size=512": the content/style pair a cell belongs to.
std::string grid_pair_key(const GridRecord& record);

// "AdaIN, content weight 0" / "DA-AdaIN, beta 20, eps 0.15" (+ ", depth <source>" when name_depth); " near/far"
// after the method for near_far style groups.
std::string grid_setting_label(const GridRecord& record, bool name_depth);

}  // namespace depthstyle
