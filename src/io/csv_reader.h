// CSV files as RFC 4180 describes them: comma-separated fields, optionally enclosed in double quotes (a quote inside
// is doubled; a quoted field may span lines), records ended by LF or CRLF, the first record a header of column
// names. A UTF-8 byte order mark before the header is skipped. Every record remembers the line it starts on, so
// errors can name "file:line".
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace depthstyle {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

struct CsvDocument {
  std::string source;  // file name used in messages
  std::vector<std::string> header;
  std::vector<CsvRecord> records;  // without the header; blank lines are skipped

  // Index of a header column, or -1.
  int column(const std::string& name) const;
  // "answers.csv:12"
  std::string location(const CsvRecord& record) const;
};

// The UTF-8 byte-order mark, which the CSV readers skip at the start of a file.
inline constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

// The longest record (line) the CSV readers accept, in bytes: far above any real answers or DIW line, far below
// what a hostile file could cost (100 MB of commas became 7.8 GB of empty fields).
constexpr std::size_t kMaxCsvLineBytes = std::size_t{1} << 20;

// Throws InputError "source:line: ..." for an unterminated quote, a stray quote inside an unquoted field, text after
// a closing quote, a record whose field count differs from the header's, an empty or duplicated header name, and a
// record longer than `max_line_bytes`.
CsvDocument parse_csv(std::string_view text, const std::string& source, std::size_t max_line_bytes = kMaxCsvLineBytes);
// Reads the whole file (InputError naming it if it cannot be read), then parses it.
CsvDocument read_csv(const std::filesystem::path& path);

}  // namespace depthstyle
