#include "survey/answers_csv.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "io/csv_reader.h"

namespace depthstyle {
namespace {

const std::vector<std::string> kRequiredColumns = {"respondent",   "trial",         "pair",
                                                   "left_method",  "right_method",  "chosen_method",
                                                   "response_ms",  "time"};
const std::vector<std::string> kOptionalColumns = {"sentinel_expected", "repeat_of"};

}  // namespace

std::string study_answers_csv_header() { return join(kRequiredColumns, ",") + "," + join(kOptionalColumns, ","); }

Study parse_study_answers_csv(std::string_view text, const std::string& source) {
  CsvDocument document = parse_csv(text, source);
  std::vector<std::string> known = kRequiredColumns;
  known.insert(known.end(), kOptionalColumns.begin(), kOptionalColumns.end());
  for (const std::string& name : document.header) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    throw InputError(concat(source, ":1: unknown column '", excerpt(name), "'", did_you_mean(name, known),
                            "; expected ", join(known, ", ")));
  }
  for (const std::string& name : kRequiredColumns) {
    if (document.column(name) < 0) {
      throw InputError(concat(source, ":1: missing column '", name, "'; the header must name ",
                              join(kRequiredColumns, ", "), " (and optionally ", join(kOptionalColumns, ", "), ")"));
    }
  }

  Study study;
  study.source = source;
  study.answers.reserve(document.records.size());
  std::unordered_map<std::string, int> columns;
  for (const std::string& name : known) columns[name] = document.column(name);
  for (CsvRecord& record : document.records) {
    const auto field = [&](const std::string& name, bool required) -> std::string {
      const int index = columns.at(name);
      if (index < 0) return "";
      std::string& raw = record.fields[static_cast<std::size_t>(index)];
      const bool padded = !raw.empty() && (raw.front() == ' ' || raw.back() == ' ');
      std::string value = padded ? trim(raw) : std::move(raw);
      if (required && value.empty()) {
        throw InputError(concat(document.location(record), ": column '", name, "' (", index + 1,
                                "): expected a non-empty value"));
      }
      return value;
    };
    StudyAnswer answer;
    answer.origin = document.location(record);
    answer.respondent = field("respondent", true);
    answer.trial = field("trial", true);
    answer.item = field("pair", true);
    answer.left_method = field("left_method", true);
    answer.right_method = field("right_method", true);
    answer.chosen_method = field("chosen_method", true);
    const std::string milliseconds = field("response_ms", false);
    if (!milliseconds.empty()) {
      const char* end = milliseconds.data() + milliseconds.size();
      const auto [stop, error] = std::from_chars(milliseconds.data(), end, answer.response_ms);
      if (error != std::errc() || stop != end || answer.response_ms < 0) {
        throw InputError(concat(answer.origin, ": column 'response_ms' (", document.column("response_ms") + 1,
                                "): expected whole milliseconds >= 0 or nothing, found '", excerpt(milliseconds), "'"));
      }
    }
    answer.time = field("time", false);
    answer.sentinel_expected = field("sentinel_expected", false);
    answer.repeat_of = field("repeat_of", false);
    study.answers.push_back(std::move(answer));
  }
  check_study(study);
  return study;
}

Study read_study_answers_csv(const std::filesystem::path& path) {
  return parse_study_answers_csv(read_file(path), path.string());
}

}  // namespace depthstyle
