// A study's answers out (export: the CSV `analyze` reads; `analyze --db`) and in (import from an external
// platform, validated line by line against the study).
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "survey/answers_csv.h"
#include "report/result_table.h"
#include "survey/invitations.h"
#include "survey/study_database.h"
#include "survey/study_answers.h"
#include "survey/study_status.h"
#include "survey_fixture.h"

namespace depthstyle {
namespace {

using testing::TempDir;

struct AnsweredStudy {
  TempDir dir;
  std::filesystem::path folder;
  std::unique_ptr<SqliteDatabase> database;

  // 3 invited respondents of 9 trials each; `per_respondent` of them answered.
  explicit AnsweredStudy(std::int64_t per_respondent = 9, int respondents = 3) {
    folder = create_study(testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path()), "")
                 .folder;
    database = open_study_database(folder / "study.sqlite");
    invite_respondents(*database, static_cast<std::size_t>(respondents), "http://127.0.0.1:8080");
    testing::answer_in_database(*database, 1, per_respondent);
  }
};

std::string fields_of(const StudyAnswer& answer) {
  return concat(answer.respondent, "|", answer.trial, "|", answer.item, "|", answer.left_method, "|",
                answer.right_method, "|", answer.chosen_method, "|", answer.response_ms, "|", answer.time, "|",
                answer.sentinel_expected, "|", answer.repeat_of);
}

TEST(SurveyExport, WritesEveryAnswerAsTheCsvAnalyzeReadsBackUnchanged) {
  AnsweredStudy study(9);
  const Study from_database = read_study_answers(*study.database);
  ASSERT_EQ(from_database.answers.size(), 27u);
  const std::string csv = study_answers_csv_text(from_database);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), study_answers_csv_header());
  const Study from_csv = parse_study_answers_csv(csv, "export.csv");
  ASSERT_EQ(from_csv.answers.size(), from_database.answers.size());
  std::size_t sentinels = 0, repeats = 0;
  for (std::size_t i = 0; i < from_csv.answers.size(); ++i) {
    EXPECT_EQ(fields_of(from_csv.answers[i]), fields_of(from_database.answers[i]));
    sentinels += from_csv.answers[i].is_sentinel();
    repeats += from_csv.answers[i].is_repeat();
  }
  EXPECT_EQ(sentinels, 3u);  // one per respondent
  EXPECT_EQ(repeats, 6u);    // two per respondent
  // Respondent order, then display position; trial labels are positions.
  EXPECT_EQ(from_database.answers[0].respondent, "r001");
  EXPECT_EQ(from_database.answers[0].trial, "1");
  EXPECT_EQ(from_database.answers[8].trial, "9");
  EXPECT_EQ(from_database.answers[9].respondent, "r002");
  // The degraded image's method is the sentinel's other side, and the good one is expected.
  for (const StudyAnswer& answer : from_database.answers) {
    if (!answer.is_sentinel()) continue;
    EXPECT_TRUE(answer.left_method == "degraded" || answer.right_method == "degraded") << fields_of(answer);
    EXPECT_NE(answer.sentinel_expected, "degraded");
  }
}

TEST(SurveyExport, UnansweredTrialsAreNotAnswersAndProgressCountsThem) {
  AnsweredStudy study(4);
  const Study answers = read_study_answers(*study.database);
  EXPECT_EQ(answers.answers.size(), 12u);
  const StudyProgress progress = study_progress(*study.database);
  EXPECT_EQ(progress.study, "study");
  EXPECT_EQ(progress.trials, 27);
  EXPECT_EQ(progress.answered, 12);
  EXPECT_EQ(progress.finished_respondents, 0);
  ASSERT_EQ(progress.respondents.size(), 3u);
  EXPECT_EQ(progress.respondents[1].respondent, "r002");
  EXPECT_EQ(progress.respondents[1].answered, 4);
  EXPECT_EQ(progress.respondents[1].trials, 9);
  EXPECT_GE(progress.respondents[1].median_response_ms, 400);
}

// The CSV of an external platform for this study: r_ext answers every main pair, one sentinel and one repeat.
std::string external_csv(SqliteDatabase& database, const std::string& header_order = "canonical") {
  std::vector<std::string> mains;
  std::string sentinel, expected;
  SqliteStatement select = database.prepare(
      "SELECT c.name, c.kind, coalesce(m.name, '') FROM comparisons c LEFT JOIN stimuli s ON s.id = "
      "c.expected_stimulus LEFT JOIN methods m ON m.id = s.method_id ORDER BY c.id");
  for (SqliteRows rows = select.query(); rows.next();) {
    if (rows.text(1) == "main") mains.push_back(rows.text(0));
    else sentinel = rows.text(0), expected = rows.text(2);
  }
  std::string csv = header_order == "canonical" ? study_answers_csv_header() + "\n"
                                                : "chosen_method,respondent,trial,pair,left_method,right_method,"
                                                  "response_ms,time,sentinel_expected,repeat_of\n";
  const auto line = [&](const std::string& trial, const std::string& pair, const std::string& left,
                        const std::string& right, const std::string& chosen, const std::string& ms,
                        const std::string& sentinel_expected, const std::string& repeat_of) {
    const std::string time = "2026-10-01T12:00:00Z";
    if (header_order == "canonical") {
      csv += concat("ext-1,", trial, ",", csv_field(pair), ",", left, ",", right, ",", chosen, ",", ms, ",", time, ",",
                    sentinel_expected, ",", repeat_of, "\n");
    } else {
      csv += concat(chosen, ", ext-1 ,", trial, ",", csv_field(pair), ",", left, ",", right, ",", ms, ",", time, ",",
                    sentinel_expected, ",", repeat_of, "\n");
    }
  };
  line("q9", mains[0], "da-adain", "adain", "da-adain", "1500", "", "q1");  // a repeat listed before its original
  for (std::size_t i = 0; i < mains.size(); ++i) {
    line(concat("q", i + 1), mains[i], "adain", "da-adain", i % 2 ? "adain" : "da-adain", i == 2 ? "" : "2100", "",
         "");
  }
  line("q8", sentinel, "degraded", expected, expected, "900", expected, "");
  return csv;
}

TEST(SurveyImport, ImportedAnswersExportAsTheyCame) {
  AnsweredStudy study(9, 1);
  testing::write_text(study.dir / "external.csv", external_csv(*study.database));
  const ImportSummary summary = import_study_answers(*study.database, study.dir / "external.csv");
  EXPECT_EQ(summary.respondents, 1u);
  EXPECT_EQ(summary.answers, 8u);
  const Study all = read_study_answers(*study.database);
  ASSERT_EQ(all.answers.size(), 9u + 8u);
  // The imported respondent comes after r001, its lines in file order, exactly as given.
  Study only_imported;
  only_imported.answers.assign(all.answers.begin() + 9, all.answers.end());
  EXPECT_EQ(study_answers_csv_text(only_imported), read_file(study.dir / "external.csv"));
  // The server-side invariants hold for imported answers too: the method is the one on the chosen side.
  SqliteStatement origin = study.database->prepare(
      "SELECT a.origin, r.origin, r.token_sha256 IS NULL FROM answers a JOIN trials t ON t.id = a.trial_id "
      "JOIN respondents r ON r.id = t.respondent_id WHERE r.label = 'ext-1' ORDER BY t.position LIMIT 1");
  SqliteRows rows = origin.query();
  ASSERT_TRUE(rows.next());
  EXPECT_EQ(rows.text(0), "import " + (study.dir / "external.csv").string() + ":2");
  EXPECT_EQ(rows.text(1), "imported");
  EXPECT_EQ(rows.integer(2), 1);
}

TEST(SurveyImport, ColumnsInAnyOrderWithPaddingAreAccepted) {
  AnsweredStudy study(0, 0);
  testing::write_text(study.dir / "shuffled.csv", external_csv(*study.database, "shuffled"));
  EXPECT_EQ(import_study_answers(*study.database, study.dir / "shuffled.csv").answers, 8u);
  EXPECT_EQ(study_answers_csv_text(read_study_answers(*study.database)), external_csv(*study.database));
}

TEST(SurveyImport, EveryProblemNamesFileLineAndColumnAndNothingIsImported) {
  AnsweredStudy study(9, 1);
  const std::string good = external_csv(*study.database);
  const std::string path = (study.dir / "bad.csv").string();
  const auto replace_once = [](std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  // Pair names hold commas, so the CSV quotes them.
  const std::string first_pair = "content=c0,style=s0,content_size=256,style_size=128";
  struct Case {
    std::string csv;
    std::string message;
  };
  // The sentinel is the last line: "ext-1,q8,sentinel:...,degraded,<expected>,<expected>,900,<time>,<expected>,".
  const std::size_t sentinel_line = good.rfind("ext-1,q8,");
  const std::string second_pair = "content=c0,style=s1,content_size=256,style_size=128";
  const std::string second_field = csv_field(second_pair);
  const std::vector<Case> cases = {
      {replace_once(good, ",q2," + second_field, ",q2,\"content=c9,style=s1,content_size=256,style_size=128\""),
       path + ":4: column 'pair' (3): 'content=c9,style=s1,content_size=256,style_size=128' is not a pair of this "
              "study (did you mean 'content="},
      {replace_once(good, ",q2," + second_field + ",adain,da-adain,", ",q2," + second_field + ",adain,degraded,"),
       path + ":4: column 'left_method' (4)/column 'right_method' (5): pair '" + second_pair +
           "' shows adain and da-adain, found adain / degraded"},
      {good.substr(0, good.rfind(',', good.size() - 3)) + ",,\n",
       path + ":9: column 'sentinel_expected' (9): pair 'sentinel:"},
      {replace_once(good, "2100,2026-10-01T12:00:00Z,,\n", "2100,2026-10-01T12:00:00Z,adain,\n"),
       path + ":3: column 'sentinel_expected' (9): pair '" + first_pair +
           "' is not a sentinel of this study, found 'adain' (expected an empty field)"},
      {good.substr(0, sentinel_line) + "r001" + good.substr(sentinel_line + 5),
       path + ":9: column 'respondent' (1): respondent 'r001' is already in the study"},
      {replace_once(good, ",1500,", ",1.5s,"),
       path + ":2: column 'response_ms' (7): expected whole milliseconds >= 0 or nothing, found '1.5s'"},
      {replace_once(good, ",da-adain,adain,da-adain,1500,", ",adain,da-adain,da-adain,1500,"),
       "does not show item '" + first_pair + "' with the sides swapped"},
      {replace_once(good, "respondent,", "respondant,"), path + ":1: unknown column 'respondant' (did you mean "
                                                               "'respondent'?)"},
  };
  for (const Case& bad : cases) {
    testing::write_text(path, bad.csv);
    EXPECT_THROW_MESSAGE(import_study_answers(*study.database, path), InputError, bad.message);
  }
  EXPECT_EQ(read_study_answers(*study.database).answers.size(), 9u);  // only r001's own answers
}

}  // namespace
}  // namespace depthstyle
