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

namespace {

// Reads CSV records one at a time from `text`: fields separated by ',', records by '\n' or "\r\n", a field quoted
// with '"' (a doubled quote inside standing for one) may hold separators and line breaks.
class CsvScanner {
 public:
  CsvScanner(std::string_view text, const std::string& source, std::size_t max_line_bytes)
      : text_(text), source_(source), max_line_bytes_(max_line_bytes) {}

  bool done() const { return position_ >= text_.size(); }

  CsvRecord read_record() {
    CsvRecord record;
    record.line = line_;
    record_start_ = position_;
    while (true) {
      const bool quoted = text_[position_] == '"';
      std::string field = quoted ? read_quoted_field(record) : read_plain_field(record);
      record.fields.push_back(std::move(field));
      if (done()) return record;
      if (text_[position_] == ',') {
        ++position_;
        if (done()) {  // a trailing comma at the end of the text: one more, empty field
          record.fields.emplace_back();
          return record;
        }
      } else {
        position_ += text_[position_] == '\r' ? 2 : 1;
        ++line_;
        return record;
      }
    }
  }

 private:
  bool at_record_end() const {
    return text_[position_] == '\n' ||
           (text_[position_] == '\r' && position_ + 1 < text_.size() && text_[position_ + 1] == '\n');
  }
  // Checked as the record grows, so a huge record costs no memory before it is refused.
  void check_length(const CsvRecord& record) const {
    if (position_ - record_start_ > max_line_bytes_) {
      throw InputError(concat(source_, ":", record.line, ": a record longer than ", max_line_bytes_,
                              " bytes (the limit of CSV lines; is this a CSV file?)"));
    }
  }

  // Up to the closing quote, "" standing for one quote.
  std::string read_quoted_field(const CsvRecord& record) {
    const std::size_t opening_line = line_;
    std::string field;
    ++position_;
    while (true) {
      if (done()) throw InputError(concat(source_, ":", opening_line, ": a quoted field is never closed"));
      check_length(record);
      const char c = text_[position_++];
      if (c == '"') {
        if (done() || text_[position_] != '"') break;
        field += '"';
        ++position_;
      } else {
        if (c == '\n') ++line_;
        field += c;
      }
    }
    if (!done() && text_[position_] != ',' && !at_record_end()) {
      throw InputError(concat(source_, ":", line_, ": field ", record.fields.size() + 1,
                              ": unexpected text after a closing quote (a quote inside a field must be doubled)"));
    }
    return field;
  }

  std::string read_plain_field(const CsvRecord& record) {
    const std::size_t start = position_;
    while (!done() && text_[position_] != ',' && !at_record_end()) {
      if (text_[position_] == '"') {
        throw InputError(concat(source_, ":", line_, ": field ", record.fields.size() + 1,
                                ": a quote inside an unquoted field (quote the whole field and double the quote)"));
      }
      ++position_;
    }
    check_length(record);
    return std::string(text_.substr(start, position_ - start));
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t max_line_bytes_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
  std::size_t record_start_ = 0;
};

// The first record as the header (names present and distinct), every other with as many fields.
void set_header_and_records(CsvDocument& document, std::vector<CsvRecord> records) {
  const std::string& source = document.source;
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
}

}  // namespace

CsvDocument parse_csv(std::string_view text, const std::string& source, std::size_t max_line_bytes) {
  CsvDocument document;
  document.source = source;
  if (text.substr(0, kUtf8ByteOrderMark.size()) == kUtf8ByteOrderMark) text.remove_prefix(kUtf8ByteOrderMark.size());
  CsvScanner scanner(text, source, max_line_bytes);
  std::vector<CsvRecord> records;
  while (!scanner.done()) {
    CsvRecord record = scanner.read_record();
    const bool blank = record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) records.push_back(std::move(record));
  }
  set_header_and_records(document, std::move(records));
  return document;
}

CsvDocument read_csv(const std::filesystem::path& path) { return parse_csv(read_file(path), path.string()); }

}  // namespace depthstyle
