// Nothing acknowledged is lost: the real `depthstyle survey serve` process is killed with SIGKILL while three
// respondents are answering; every answer a respondent got a 303 for is in the database with its side, and after a
// restart each respondent continues where they stopped and finishes. A graceful stop (SIGTERM) exits 0.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "support/scripted_respondent.h"
#include "survey_fixture.h"

namespace depthstyle {
namespace {

struct Acknowledged {
  std::mutex mutex;
  std::map<std::int64_t, std::string> sides;  // trial id -> side, for every answer that got its 303
  std::atomic<int> count{0};
};

// Answers pairs until the survey is finished or the server is gone; returns the number of requests that failed.
int answer_until_done_or_gone(ScriptedRespondent& respondent, Acknowledged& acknowledged, unsigned seed) {
  try {
    for (SurveyPageView page = respondent.page(); page.kind != "thanks"; page = respondent.page()) {
      if (page.kind == "instructions") {
        respondent.start();
        continue;
      }
      if (page.kind != "trial") throw Error("unexpected page " + page.kind + ": " + page.body);
      const std::string side = (page.trial * 7 + seed) % 2 ? "left" : "right";
      const HttpResponse response = respondent.answer(page.trial, side);
      if (response.status != 303) throw Error(concat("answer refused: ", response.status, " ", response.body));
      std::lock_guard<std::mutex> lock(acknowledged.mutex);
      acknowledged.sides[page.trial] = side;
      ++acknowledged.count;
    }
  } catch (const Error&) {
    return 1;
  }
  return 0;
}

TEST(SurveyRestart, AKilledServerKeepsEveryAcknowledgedAnswerAndRespondentsContinue) {
  testing::TempDir dir;
  const StudyCreateSummary created =
      create_study(testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path()), "");
  std::vector<Invitation> invitations;
  {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(created.folder / "study.sqlite");
    invitations = invite_respondents(*database, 3, "http://127.0.0.1");
  }
  Acknowledged acknowledged;
  std::vector<std::string> cookies(3);
  {
    testing::ServeProcess server(created.folder, dir / "serve1.log");
    ASSERT_GT(server.port, 0);
    std::vector<std::thread> respondents;
    for (int i = 0; i < 3; ++i) {
      respondents.emplace_back([&, i] {
        ScriptedRespondent respondent("127.0.0.1", server.port);
        respondent.open(invitation_path(invitations[static_cast<std::size_t>(i)].token));
        cookies[static_cast<std::size_t>(i)] = respondent.cookie();
        answer_until_done_or_gone(respondent, acknowledged, static_cast<unsigned>(i));
      });
    }
    // Kill in the middle of voting: 12 of the 27 answers acknowledged, requests in flight.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (acknowledged.count < 12 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server.process->send_signal(SIGKILL);
    EXPECT_EQ(server.process->wait(), 128 + SIGKILL);
    for (std::thread& respondent : respondents) respondent.join();
  }
  const int acknowledged_before = acknowledged.count;
  ASSERT_GE(acknowledged_before, 12);
  ASSERT_LT(acknowledged_before, 27) << "the kill came after every answer; nothing was tested";
  {
    // Every acknowledged answer is stored, with its side. (At most one more per respondent may be stored: committed,
    // but its response never arrived.)
    SqliteDatabase database(created.folder / "study.sqlite");
    std::map<std::int64_t, std::string> stored;
    SqliteStatement select = database.prepare("SELECT trial_id, side FROM answers");
    for (SqliteRows rows = select.query(); rows.next();) stored[rows.integer(0)] = rows.text(1);
    for (const auto& [trial, side] : acknowledged.sides) {
      ASSERT_TRUE(stored.count(trial)) << "acknowledged answer to trial " << trial << " was lost";
      EXPECT_EQ(stored.at(trial), side);
    }
    EXPECT_LE(stored.size(), acknowledged.sides.size() + 3);
  }

  // Restarted, each respondent continues where they stopped (with the same session cookie) and finishes.
  testing::ServeProcess server(created.folder, dir / "serve2.log");
  ASSERT_GT(server.port, 0);
  for (std::size_t i = 0; i < 3; ++i) {
    ScriptedRespondent respondent("127.0.0.1", server.port);
    respondent.set_cookie(cookies[i]);
    const SurveyPageView first = respondent.page();
    ASSERT_TRUE(first.kind == "trial" || first.kind == "thanks") << first.body;
    if (first.kind == "trial") {
      const int answered = std::stoi(first.progress.substr(0, first.progress.find(' '))) - 1;
      SqliteDatabase database(created.folder / "study.sqlite");
      SqliteStatement select = database.prepare(
          "SELECT count(*) FROM answers a JOIN trials t ON t.id = a.trial_id JOIN respondents r ON "
          "r.id = t.respondent_id WHERE r.label = ?1");
      SqliteRows rows = select.query(invitations[i].respondent);
      rows.next();
      EXPECT_EQ(answered, rows.integer(0)) << "progress continues from the stored answers";
    }
    EXPECT_EQ(answer_until_done_or_gone(respondent, acknowledged, static_cast<unsigned>(i)), 0);
    EXPECT_EQ(respondent.page().completion_code, invitations[i].completion_code);
  }
  server.process->send_signal(SIGTERM);
  EXPECT_EQ(server.process->wait(), 0);
  EXPECT_NE(server.printed().find("stopped"), std::string::npos) << server.printed();

  SqliteDatabase database(created.folder / "study.sqlite");
  SqliteStatement check = database.prepare("SELECT count(*), count(DISTINCT trial_id) FROM answers");
  SqliteRows rows = check.query();
  rows.next();
  EXPECT_EQ(rows.integer(0), 27);
  EXPECT_EQ(rows.integer(1), 27);
  // The answers acknowledged before the kill kept their sides through the restart.
  std::map<std::int64_t, std::string> final_sides;
  SqliteStatement sides = database.prepare("SELECT trial_id, side FROM answers");
  for (SqliteRows all = sides.query(); all.next();) final_sides[all.integer(0)] = all.text(1);
  for (const auto& [trial, side] : acknowledged.sides) EXPECT_EQ(final_sides.at(trial), side);
}

}  // namespace
}  // namespace depthstyle
