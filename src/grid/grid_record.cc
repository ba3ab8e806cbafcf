#include "grid/grid_record.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "scores/score_declarations.h"

namespace depthstyle {
namespace {

nlohmann::json text_or_null(const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); }

// Typed access to a row's fields, each failure naming the row and the field.
class RowReader {
 public:
  RowReader(const nlohmann::json& row, const std::string& where) : row_(row), where_(where) {
    if (!row.is_object()) throw InputError(concat(where, ": expected a JSON object (a style grid result row)"));
  }

  const nlohmann::json* field(const char* key, bool required) const {
    const auto found = row_.find(key);
    if (found == row_.end() || found->is_null()) {
      if (required) throw InputError(concat(where_, ": missing field '", key, "'; is this a style_grid result?"));
      return nullptr;
    }
    return &*found;
  }
  std::string text(const char* key, bool required = true) const {
    const nlohmann::json* value = field(key, required);
    if (!value) return "";
    if (!value->is_string()) throw mistyped(key, "a string");
    return value->get<std::string>();
  }
  std::optional<double> number(const char* key, bool required = false) const {
    const nlohmann::json* value = field(key, required);
    if (!value) return std::nullopt;
    if (!value->is_number()) throw mistyped(key, "a number");
    return value->get<double>();
  }
  std::optional<int> integer(const char* key, bool required = false) const {
    const std::optional<double> value = number(key, required);
    if (!value) return std::nullopt;
    if (*value != static_cast<int>(*value)) throw mistyped(key, "an integer");
    return static_cast<int>(*value);
  }

 private:
  InputError mistyped(const char* key, const char* expected) const {
    return InputError(concat(where_, ": field '", key, "' must be ", expected, ", got ", row_.at(key).dump()));
  }
  const nlohmann::json& row_;
  const std::string& where_;
};

GridSetting setting_from_row(const RowReader& row) {
  GridSetting setting;
  setting.method = style_method_from_string(row.text("method"));
  if (const auto weight = row.number("content_weight")) {
    setting.uses_content_weight = true;
    setting.content_weight = *weight;
  }
  setting.depth = row.text("depth", false);
  if (!setting.depth.empty()) {
    setting.uses_strength = true;
    setting.beta = row.number("beta", true).value();
    setting.eps = row.number("eps", true).value();
  }
  return setting;
}

}  // namespace

std::string to_string(CellStatus status) { return status == CellStatus::kOk ? "ok" : "failed"; }

std::optional<double> GridRecord::score(const std::string& column) const {
  if (!ok() || !scores.is_object()) return std::nullopt;
  const auto found = scores.find(column);
  if (found == scores.end() || !found->is_number()) return std::nullopt;
  return found->get<double>();
}

nlohmann::json to_json(const GridRecord& record) {
  const GridSetting& setting = record.setting;
  nlohmann::json row = {
      {"key", record.key},
      {"content", record.content},
      {"style", record.style},
      {"style_mode", to_string(record.style_mode)},
      {"method", to_string(setting.method)},
      {"content_weight", setting.uses_content_weight ? nlohmann::json(setting.content_weight) : nullptr},
      {"depth", setting.uses_strength ? nlohmann::json(setting.depth) : nullptr},
      {"beta", setting.uses_strength ? nlohmann::json(setting.beta) : nullptr},
      {"eps", setting.uses_strength ? nlohmann::json(setting.eps) : nullptr},
      {"content_size", record.content_size},
      {"style_size", record.style_size},
      {"backbone", record.backbone},
      {"content_sha256", text_or_null(record.content_sha256)},
      {"style_sha256", text_or_null(record.style_sha256)},
      {"status", to_string(record.status)}};
  // Fields a cell has only once it produced something (or failed) are absent otherwise, as rows always were.
  if (!record.output.empty()) row["output"] = record.output;
  if (record.width) row["width"] = *record.width;
  if (record.height) row["height"] = *record.height;
  if (!record.proximity_map.empty()) row["proximity_map"] = record.proximity_map;
  if (!record.strength_map.empty()) row["strength_map"] = record.strength_map;
  if (!record.error.empty()) row["error"] = record.error;
  if (record.seconds_pair) row["seconds_pair"] = *record.seconds_pair;
  if (record.seconds_cell) row["seconds_cell"] = *record.seconds_cell;
  if (record.scores.is_object()) row.update(record.scores);
  return row;
}

GridRecord grid_record_from_json(const nlohmann::json& row, const std::string& where) {
  const RowReader reader(row, where);
  GridRecord record;
  record.key = reader.text("key");
  record.content = reader.text("content");
  record.style = reader.text("style");
  record.style_mode = style_mix_mode_from_string(reader.text("style_mode"));
  record.setting = setting_from_row(reader);
  record.content_size = reader.integer("content_size", true).value();
  record.style_size = reader.integer("style_size", true).value();
  record.width = reader.integer("width");
  record.height = reader.integer("height");
  record.output = reader.text("output", false);
  record.strength_map = reader.text("strength_map", false);
  record.proximity_map = reader.text("proximity_map", false);
  const std::string status = reader.text("status");
  if (status != "ok" && status != "failed") {
    throw InputError(concat(where, ": field 'status' must be \"ok\" or \"failed\", got \"", status, "\""));
  }
  record.status = status == "ok" ? CellStatus::kOk : CellStatus::kFailed;
  record.error = reader.text("error", false);
  record.seconds_pair = reader.number("seconds_pair");
  record.seconds_cell = reader.number("seconds_cell");
  record.backbone = reader.text("backbone", false);
  record.content_sha256 = reader.text("content_sha256", false);
  record.style_sha256 = reader.text("style_sha256", false);
  for (const Column& column : grid_score_columns()) {
    const auto found = row.find(column.key);
    if (found != row.end()) record.scores[column.key] = *found;
  }
  return record;
}

std::vector<GridRecord> read_grid_results(const std::filesystem::path& results_json) {
  nlohmann::json rows;
  try {
    rows = nlohmann::json::parse(read_file(results_json));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(concat(results_json.string(), ": not valid JSON: ", error.what()));
  }
  if (!rows.is_array()) throw InputError(concat(results_json.string(), ": expected a JSON array of result rows"));
  std::vector<GridRecord> records;
  records.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    records.push_back(grid_record_from_json(rows[i], concat(results_json.string(), " row ", i + 1)));
  }
  return records;
}

ResultTable grid_record_table(bool with_scores) {
  std::vector<Column> columns({{"key", "Key"},
                               {"content", "Content"},
                               {"style", "Style"},
                               {"style_mode", "Style mode"},
                               {"method", "Method"},
                               {"content_weight", "Content weight (paper alpha)", ColumnKind::kNumber, 3},
                               {"depth", "Depth"},
                               {"beta", "beta", ColumnKind::kNumber, 3},
                               {"eps", "eps", ColumnKind::kNumber, 3},
                               {"content_size", "Content size", ColumnKind::kInteger},
                               {"style_size", "Style size", ColumnKind::kInteger},
                               {"width", "Width", ColumnKind::kInteger},
                               {"height", "Height", ColumnKind::kInteger},
                               {"output", "Output", ColumnKind::kImage},
                               {"strength_map", "Strength map", ColumnKind::kImage},
                               {"proximity_map", "Proximity", ColumnKind::kImage},
                               {"status", "Status"},
                               {"error", "Error"},
                               {"seconds_pair", "Shared s (pair)", ColumnKind::kNumber, 3},
                               {"seconds_cell", "Cell s", ColumnKind::kNumber, 3},
                               {"backbone", "Backbone"},
                               {"content_sha256", "Content sha256"},
                               {"style_sha256", "Style sha256"}});
  if (with_scores) {
    for (Column& column : grid_score_columns()) columns.push_back(std::move(column));
  }
  return ResultTable(std::move(columns));
}

void add_grid_record_row(ResultTable& table, const GridRecord& record) {
  // Fields a record does not have (a failed cell's output, a grid without scores) are empty cells.
  table.add_json_row(to_json(record), ResultTable::kMissingFieldsAreEmpty);
}

std::string grid_pair_key(const GridRecord& record) {
  return concat("content=", record.content, ",style=", record.style, ",content_size=", record.content_size,
                ",style_size=", record.style_size);
}

std::string grid_setting_label(const GridRecord& record, bool name_depth) {
  const GridSetting& setting = record.setting;
  const bool adain = setting.method == StyleMethod::kAdain;
  std::string label = adain ? "AdaIN" : "DA-AdaIN";
  if (record.style_mode == StyleMixMode::kNearFar) label += " near/far";
  if (adain) label += ", content weight " + format_number(setting.content_weight);
  if (setting.uses_strength) {
    label += concat(", beta ", format_number(setting.beta), ", eps ", format_number(setting.eps));
  }
  if (name_depth && setting.uses_strength) label += ", depth " + setting.depth;
  return label;
}

}  // namespace depthstyle
