#include "io/csv_reader.h"

#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

int CsvDocument::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string CsvDocument::location(const CsvRecord& record) const { return concat(source, ":", record.line); }

CsvDocument parse_csv(std::string_view text, const std::string& source, std::size_t max_line_bytes) {
  CsvDocument document;
  document.source = source;
  if (text.substr(0, kUtf8ByteOrderMark.size()) == kUtf8ByteOrderMark) text.remove_prefix(kUtf8ByteOrderMark.size());

  std::size_t line = 1, position = 0;
  std::vector<CsvRecord> records;
  while (position < text.size()) {
    CsvRecord record;
    record.line = line;
    const std::size_t record_start = position;
    // Checked as the record grows, so a huge record costs no memory before it is refused.
    const auto check_length = [&] {
      if (position - record_start > max_line_bytes) {
        throw InputError(concat(source, ":", record.line, ": a record longer than ", max_line_bytes,
                                " bytes (the limit of CSV lines; is this a CSV file?)"));
      }
    };
    std::string field;
    bool record_done = false;
    while (!record_done) {
      if (position < text.size() && text[position] == '"') {
        // Quoted field: up to the closing quote, "" standing for one quote.
        const std::size_t opening_line = line;
        ++position;
        while (true) {
          if (position >= text.size()) {
            throw InputError(concat(source, ":", opening_line, ": a quoted field is never closed"));
          }
          check_length();
          const char c = text[position++];
          if (c == '"') {
            if (position < text.size() && text[position] == '"') {
              field += '"';
              ++position;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line;
            field += c;
          }
        }
        if (position < text.size() && text[position] != ',' && text[position] != '\n' &&
            !(text[position] == '\r' && position + 1 < text.size() && text[position + 1] == '\n')) {
          throw InputError(concat(source, ":", line, ": field ", record.fields.size() + 1,
                                  ": unexpected text after a closing quote (a quote inside a field must be doubled)"));
        }
      } else {
        const std::size_t start = position;
        while (position < text.size() && text[position] != ',' && text[position] != '\n' &&
               !(text[position] == '\r' && position + 1 < text.size() && text[position + 1] == '\n')) {
          if (text[position] == '"') {
            throw InputError(concat(source, ":", line, ": field ", record.fields.size() + 1,
                                    ": a quote inside an unquoted field (quote the whole field and double the quote)"));
          }
          ++position;
        }
        check_length();
        field.assign(text.data() + start, position - start);
      }
      record.fields.push_back(std::move(field));
      field.clear();
      if (position >= text.size()) {
        record_done = true;
      } else if (text[position] == ',') {
        ++position;
      } else {
        position += text[position] == '\r' ? 2 : 1;
        ++line;
        record_done = true;
      }
    }
    const bool blank = record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) records.push_back(std::move(record));
  }
  if (records.empty()) throw InputError(concat(source, ": the file is empty (expected a header line)"));

  document.header = std::move(records.front().fields);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < document.header.size(); ++i) {
    if (document.header[i].empty()) throw InputError(concat(source, ":1: column ", i + 1, " has no name"));
    if (!seen.insert(document.header[i]).second) {
      throw InputError(concat(source, ":1: column '", excerpt(document.header[i]), "' appears twice"));
    }
  }
  for (std::size_t i = 1; i < records.size(); ++i) {
    if (records[i].fields.size() != document.header.size()) {
      throw InputError(concat(source, ":", records[i].line, ": expected ", document.header.size(),
                              " fields as in the header, found ", records[i].fields.size()));
    }
    document.records.push_back(std::move(records[i]));
  }
  return document;
}

CsvDocument read_csv(const std::filesystem::path& path) { return parse_csv(read_file(path), path.string()); }

}  // namespace depthstyle
