// One schema for every output format: a result table declares its columns once, and the CSV, JSON, Markdown and
// HTML writers all read that declaration, so the formats cannot drift apart.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace depthstyle {

enum class ColumnKind {
  kText,
  kInteger,
  kNumber,  // printed with `decimals` digits in Markdown/HTML, full precision in CSV/JSON
  kImage,   // a path relative to the report; shown as a picture in Markdown/HTML
  kPercent,      // a fraction shown as a percentage with `decimals` digits in Markdown/HTML ("57.5%"); the fraction
                 // at full precision in CSV/JSON
  kSignificant,  // a number shown with `decimals` significant digits in Markdown/HTML (p-values: "0.0026",
                 // "3.1e-12"); full precision in CSV/JSON
  kPValue,       // kSignificant for p-values: an exact p that underflowed a double (stored as 0; no exact test
                 // gives 0) reads "< 1e-300" in Markdown/HTML instead of a false "0"
};

struct Column {
  std::string key;    // CSV header and JSON field name
  std::string title;  // human-readable header
  ColumnKind kind = ColumnKind::kText;
  int decimals = 3;
};

// An empty cell (std::monostate) is written as "" in CSV, null in JSON and "–" in Markdown/HTML.
using Cell = std::variant<std::monostate, std::string, std::int64_t, double>;

class ResultTable {
 public:
  explicit ResultTable(std::vector<Column> columns);
  void add_row(std::vector<Cell> cells);
  // What add_json_row does with a column whose key the row lacks: a table whose rows always hold every column
  // (null where empty) says kError and learns of a misspelt key at once; a table of records with optional fields
  // says kEmpty.
  enum MissingFields { kMissingFieldIsError, kMissingFieldsAreEmpty };
  // A row from a JSON object holding one field per column key (null, string, integer or number). Throws Error
  // naming the column for a missing key under kMissingFieldIsError.
  void add_json_row(const nlohmann::json& row, MissingFields missing = kMissingFieldIsError);

  const std::vector<Column>& columns() const { return columns_; }
  std::size_t row_count() const { return rows_.size(); }

  std::string to_csv() const;
  nlohmann::json to_json() const;
  std::string to_markdown() const;
  std::string to_html() const;

 private:
  std::string display_text(const Column& column, const Cell& cell) const;

  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

std::string html_escape(const std::string& text);
// Plain text (labels from input files included) for Markdown: a backslash before every character that could start
// markup, inline HTML or break a table (\ ` * _ [ ] < > | &), line breaks as spaces; it renders as the text itself.
// An underscore between two letters or digits is left as it is: CommonMark never reads one there as emphasis, and
// names such as ground_truth or vgg_normalised.pth stay readable in the raw Markdown.
std::string markdown_escape(const std::string& text);
// Plain text as a Markdown code span: fenced by one more backtick than its longest run of backticks, line breaks as
// spaces.
std::string markdown_code_span(const std::string& text);
// RFC 4180: quoted when the field holds a comma, quote or line break.
std::string csv_field(const std::string& text);

}  // namespace depthstyle
