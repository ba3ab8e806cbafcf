#include "report/result_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

std::string full_precision_text(const Cell& cell) {
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) return std::to_string(*integer);
  if (const auto* number = std::get_if<double>(&cell)) return std::isfinite(*number) ? format_number(*number) : "";
  return "";
}

bool is_numeric(ColumnKind kind) {
  return kind == ColumnKind::kInteger || kind == ColumnKind::kNumber || kind == ColumnKind::kPercent ||
         kind == ColumnKind::kSignificant || kind == ColumnKind::kPValue;
}

}  // namespace

std::string markdown_escape(const std::string& text) {
  const auto alphanumeric = [&](std::size_t i) {
    return i < text.size() && std::isalnum(static_cast<unsigned char>(text[i])) != 0;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    const bool intraword_underscore = c == '_' && i > 0 && alphanumeric(i - 1) && alphanumeric(i + 1);
    if (std::strchr("\\`*_[]<>|&", c) != nullptr && c != '\0' && !intraword_underscore) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_code_span(const std::string& text) {
  std::string flat = text;
  for (char& c : flat) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::size_t longest = 0, run = 0;
  for (const char c : flat) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !flat.empty() && (flat.front() == '`' || flat.back() == '`');
  return fence + (pad ? " " : "") + flat + (pad ? " " : "") + fence;
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

ResultTable::ResultTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void ResultTable::add_row(std::vector<Cell> cells) {
  DEPTHSTYLE_ASSERT(cells.size() == columns_.size());
  rows_.push_back(std::move(cells));
}

void ResultTable::add_json_row(const nlohmann::json& row, MissingFields missing) {
  std::vector<Cell> cells;
  for (const Column& column : columns_) {
    const auto field = row.find(column.key);
    if (field == row.end() && missing == kMissingFieldIsError) {
      throw Error(concat("result row without column '", column.key, "': ", excerpt(row.dump())));
    }
    if (field == row.end() || field->is_null()) {
      cells.emplace_back(std::monostate{});
    } else if (field->is_number_integer()) {
      cells.emplace_back(field->get<std::int64_t>());
    } else if (field->is_number()) {
      cells.emplace_back(field->get<double>());
    } else if (field->is_boolean()) {
      cells.emplace_back(std::string(field->get<bool>() ? "true" : "false"));
    } else {
      cells.emplace_back(field->get<std::string>());
    }
  }
  rows_.push_back(std::move(cells));
}

std::string ResultTable::display_text(const Column& column, const Cell& cell) const {
  if (const auto* number = std::get_if<double>(&cell)) {
    if (!std::isfinite(*number)) return "–";
    char text[64];
    const int digits = column.decimals;
    if (column.kind == ColumnKind::kPValue && *number == 0) return "< 1e-300";
    const bool significant = column.kind == ColumnKind::kSignificant || column.kind == ColumnKind::kPValue;
    if (column.kind == ColumnKind::kPercent) std::snprintf(text, sizeof text, "%.*f%%", digits, 100 * *number);
    else if (significant) std::snprintf(text, sizeof text, "%.*g", digits, *number);
    else std::snprintf(text, sizeof text, "%.*f", digits, *number);
    return text;
  }
  const std::string text = full_precision_text(cell);
  return text.empty() ? "–" : text;
}

std::string ResultTable::to_csv() const {
  std::vector<std::string> header;
  for (const Column& column : columns_) header.push_back(csv_field(column.key));
  std::string out = join(header, ",") + "\n";
  for (const auto& row : rows_) {
    std::vector<std::string> fields;
    for (const Cell& cell : row) fields.push_back(csv_field(full_precision_text(cell)));
    out += join(fields, ",") + "\n";
  }
  return out;
}

nlohmann::json ResultTable::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : rows_) {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const Cell& cell = row[i];
      nlohmann::json& value = object[columns_[i].key];
      if (const auto* text = std::get_if<std::string>(&cell)) value = *text;
      else if (const auto* integer = std::get_if<std::int64_t>(&cell)) value = *integer;
      else if (const auto* number = std::get_if<double>(&cell)) value = std::isfinite(*number) ? nlohmann::json(*number) : nlohmann::json();
      else value = nullptr;
    }
    rows.push_back(std::move(object));
  }
  return rows;
}

std::string ResultTable::to_markdown() const {
  std::vector<std::string> header, rule;
  for (const Column& column : columns_) {
    header.push_back(markdown_escape(column.title));
    rule.push_back(is_numeric(column.kind) ? "---:" : "---");
  }
  std::string out = "| " + join(header, " | ") + " |\n| " + join(rule, " | ") + " |\n";
  for (const auto& row : rows_) {
    std::vector<std::string> cells;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string text = display_text(columns_[i], row[i]);
      const bool picture = columns_[i].kind == ColumnKind::kImage && text != "–";
      cells.push_back(picture ? "![" + markdown_escape(columns_[i].title) + "](" + text + ")" : markdown_escape(text));
    }
    out += "| " + join(cells, " | ") + " |\n";
  }
  return out;
}

std::string ResultTable::to_html() const {
  std::string out = "<table>\n<thead><tr>";
  for (const Column& column : columns_) out += "<th>" + html_escape(column.title) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows_) {
    out += "<tr>";
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const Column& column = columns_[i];
      const std::string text = display_text(column, row[i]);
      out += is_numeric(column.kind) ? "<td class=\"number\">" : "<td>";
      if (column.kind == ColumnKind::kImage && text != "–") {
        out += "<a href=\"" + html_escape(text) + "\"><img src=\"" + html_escape(text) + "\" alt=\"" +
               html_escape(column.title) + "\" loading=\"lazy\"></a>";
      } else {
        out += html_escape(text);
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace depthstyle
