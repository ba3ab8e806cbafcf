// A study database's answers in and out, through the in-memory study model the analysis reads (stats/study.h):
//   - read_study_answers: every recorded answer as a Study (what `analyze --db` analyses);
//   - study_answers_csv_text: a Study as the long answers CSV (survey/answers_csv.h; what `survey export` writes
//     and `analyze ANSWERS.csv` reads back to the same Study);
//   - import_study_answers: answers collected elsewhere (an external survey platform) in that CSV, checked line by
//     line against the study and added as imported respondents.
// Columns: respondent = respondent label, trial = trial label (the position, 1-based, for invited respondents),
// pair = comparison name, left/right/chosen method = method names, response_ms, time = answered_at,
// sentinel_expected = the good image's method for sentinel trials, repeat_of = the original's trial label.
#pragma once

#include <filesystem>
#include <string>

#include "db/sqlite.h"
#include "stats/study.h"

namespace depthstyle {

// Answers in respondent order, then trial position. Study::source and each answer's origin name the database.
Study read_study_answers(SqliteDatabase& database);

// The CSV text: a header with every column of survey/answers_csv.h (optional ones included), one line per answer.
std::string study_answers_csv_text(const Study& study);

struct ImportSummary {
  std::size_t respondents = 0;
  std::size_t answers = 0;
};

// Reads `csv` with the answers CSV reader (every line and column checked, then check_study), then checks each line
// against the study: the respondent is new to the study, the pair is one of its comparisons, the left/right methods
// are that comparison's two, a sentinel pair says so in sentinel_expected with the good image's method (and a main
// pair does not). Throws InputError "file:line: column 'name' (N): found ..., expected ..."; nothing is imported
// unless every line passes (one transaction).
ImportSummary import_study_answers(SqliteDatabase& database, const std::filesystem::path& csv);

}  // namespace depthstyle
