// 50 respondents answering at the same time over loopback, each with its own connection, replaying some answers and
// trying the other side on some: every acknowledged answer is recorded exactly once with its side, nothing else
// is. Then `analyze --db` on that study prints exactly what `analyze` prints for its export.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "core/atomic_file.h"
#include "support/scripted_respondent.h"
#include "survey_fixture.h"

namespace depthstyle {
namespace {

TEST(SurveyConcurrency, FiftyRespondentsAtOnceEveryAcknowledgedAnswerRecordedExactlyOnce) {
  constexpr int kRespondents = 50;
  testing::InProcessSurvey survey(kRespondents, 4);
  std::mutex mutex;
  std::map<std::int64_t, std::string> acknowledged;  // trial -> side
  std::atomic<int> failures{0}, replays{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRespondents; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937 random(static_cast<unsigned>(i));
      ScriptedRespondent respondent("127.0.0.1", survey.port());
      try {
        respondent.open(survey.invitation(static_cast<std::size_t>(i)));
        respondent.page();
        respondent.start();
        for (SurveyPageView page = respondent.page(); page.kind == "trial"; page = respondent.page()) {
          const std::string side = random() % 2 ? "left" : "right";
          const HttpResponse response = respondent.answer(page.trial, side);
          if (response.status != 303) {
            ++failures;
            continue;
          }
          {
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged[page.trial] = side;
          }
          // A replay (double click) is acknowledged again; the other side is refused.
          if (random() % 4 == 0) replays += respondent.answer(page.trial, side).status == 303;
          if (random() % 4 == 0) {
            conflicts += respondent.answer(page.trial, side == "left" ? "right" : "left").status == 409;
          }
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(acknowledged.size(), static_cast<std::size_t>(kRespondents * 9));
  EXPECT_GT(replays, 0);
  EXPECT_GT(conflicts, 0);

  SqliteDatabase database(survey.database_path());
  std::map<std::int64_t, std::string> stored;
  std::int64_t rows_seen = 0;
  SqliteStatement select = database.prepare(
      "SELECT a.trial_id, a.side, a.chosen_method_id = s.method_id FROM answers a JOIN trials t ON t.id = a.trial_id "
      "JOIN stimuli s ON s.id = CASE a.side WHEN 'left' THEN t.left_stimulus ELSE t.right_stimulus END");
  for (SqliteRows rows = select.query(); rows.next(); ++rows_seen) {
    stored[rows.integer(0)] = rows.text(1);
    EXPECT_EQ(rows.integer(2), 1);
  }
  EXPECT_EQ(rows_seen, kRespondents * 9);
  EXPECT_EQ(stored, acknowledged);

  // The analysis of the database equals the analysis of its export, number for number.
  const std::string folder = survey.folder.string();
  const std::string export_path = (survey.dir / "answers.csv").string();
  const ProcessResult exported = testing::run_cli({"survey", "export", folder, "-o", export_path});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const ProcessResult from_db = testing::run_cli({"analyze", "--db", folder, "--seed", "3"});
  const ProcessResult from_csv = testing::run_cli({"analyze", export_path, "--seed", "3"});
  ASSERT_EQ(from_db.exit_code, 0) << from_db.output;
  ASSERT_EQ(from_csv.exit_code, 0) << from_csv.output;
  // Only the name of the input differs.
  std::string db_report = from_db.output, csv_report = from_csv.output;
  const std::vector<std::pair<std::string*, std::string>> sources = {
      {&db_report, (survey.folder / "study.sqlite").string()}, {&csv_report, export_path}};
  for (const auto& [report, source] : sources) {
    for (std::size_t at; (at = report->find(source)) != std::string::npos;) report->replace(at, source.size(), "INPUT");
  }
  EXPECT_EQ(db_report, csv_report);
  // Table 2's row: 6 pairs, 50 respondents, 300 main answers (sentinels and repeats are not counted).
  EXPECT_NE(db_report.find("\n| 6 | 50 | 300 | "), std::string::npos) << db_report;
}

}  // namespace
}  // namespace depthstyle
