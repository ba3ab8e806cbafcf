// Test fixtures of the user-study tests: a style_grid run folder in its real format (survey/synthetic_grid_run.h), a
// study created from it, the study served in-process or by the real CLI.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "survey/study_create.h"
#include "survey/study_options.h"
#include "support/synthetic_grid_run.h"
#include "support/test_support.h"

namespace depthstyle::testing {

// A study of every pair of `grid_run` with sentinels and repeats, in `output_dir`/`name`.
inline StudyOptions small_study_options(const std::filesystem::path& grid_run, const std::filesystem::path& output_dir,
                                        const std::string& name = "study") {
  StudyOptions options;
  options.name = name;
  options.output_dir = output_dir.string();
  options.seed = 7;
  options.stimuli.grid_run = grid_run.string();
  options.respondents = 3;
  options.sentinels = 1;
  options.repeats = 2;
  options.repeat_min_gap = 2;
  return options;
}

}  // namespace depthstyle::testing

#include <random>

#include "db/sqlite.h"

namespace depthstyle::testing {

// Answers the first `per_respondent` trials (in position order) of every invited respondent straight in the
// database, as the server would record them: a seeded side, the method shown there, a response time. For tests of
// what happens after answering (export, analysis); the server's own path is tested over HTTP.
inline std::size_t answer_in_database(SqliteDatabase& database, std::uint64_t seed, std::int64_t per_respondent) {
  std::mt19937_64 generator(seed);
  std::vector<std::int64_t> trials;
  {
    SqliteStatement select = database.prepare(
        "SELECT id FROM trials WHERE position <= ?1 AND id NOT IN (SELECT trial_id FROM answers) "
        "ORDER BY respondent_id, position");
    for (SqliteRows rows = select.query(per_respondent); rows.next();) trials.push_back(rows.integer(0));
  }
  SqliteStatement insert = database.prepare(
      "INSERT INTO answers (trial_id, side, chosen_method_id, response_ms, answered_at, origin) "
      "SELECT t.id, ?2, s.method_id, ?3, ?4, 'test' FROM trials t "
      "JOIN stimuli s ON s.id = CASE ?2 WHEN 'left' THEN t.left_stimulus ELSE t.right_stimulus END "
      "WHERE t.id = ?1");
  for (const std::int64_t trial : trials) {
    const bool left = generator() % 2 == 0;
    const std::int64_t milliseconds = 400 + static_cast<std::int64_t>(generator() % 3000);
    insert.execute(trial, left ? "left" : "right", milliseconds, concat("2026-11-24T10:00:", trial % 60, ".000Z"));
  }
  return trials.size();
}

}  // namespace depthstyle::testing

#include "http/http_server.h"
#include "survey/invitations.h"
#include "survey/study_database.h"
#include "survey/survey_app.h"

namespace depthstyle::testing {

inline const std::string kAdminToken = "00112233445566778899aabbccddeeff";

// A study with invited respondents, served by an in-process server on a free loopback port.
struct InProcessSurvey {
  TempDir dir;
  std::filesystem::path folder;
  std::vector<Invitation> invitations;
  std::unique_ptr<SurveyApp> app;
  std::unique_ptr<HttpServer> server;

  explicit InProcessSurvey(int respondents = 2, int threads = 2,
                           const std::function<void(StudyOptions&)>& adjust = nullptr) {
    StudyOptions options = small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path());
    if (adjust) adjust(options);
    folder = create_study(options, "").folder;
    {
      const std::unique_ptr<SqliteDatabase> database = open_study_database(database_path());
      invitations = invite_respondents(*database, static_cast<std::size_t>(respondents), "http://127.0.0.1");
    }
    SurveyAppOptions app_options;
    app_options.database = database_path();
    app_options.connections = threads;
    app_options.admin_token = kAdminToken;
    app = std::make_unique<SurveyApp>(app_options);
    HttpServerOptions server_options;
    server_options.port = 0;
    server_options.threads = threads;
    server = std::make_unique<HttpServer>(
        server_options, [this](const HttpRequest& request) { return app->handle(request); },
        [this](int status) { return app->error_response(status); });
    server->start();
  }
  ~InProcessSurvey() {
    server->stop();
    server->wait();
  }

  std::filesystem::path database_path() const { return folder / "study.sqlite"; }
  int port() const { return server->port(); }
  std::string invitation(std::size_t respondent) const { return invitation_path(invitations.at(respondent).token); }
  // A fresh read-only look at the database (the server keeps its own connections).
  std::int64_t count(const std::string& sql) const {
    SqliteDatabase database(database_path());
    SqliteStatement select = database.prepare(sql);
    SqliteRows rows = select.query();
    return rows.next() ? rows.integer(0) : -1;
  }
  std::string text(const std::string& sql) const {
    SqliteDatabase database(database_path());
    SqliteStatement select = database.prepare(sql);
    SqliteRows rows = select.query();
    return rows.next() ? rows.text(0) : "";
  }
};

}  // namespace depthstyle::testing

#include "core/atomic_file.h"
#include "support/serve_process.h"

namespace depthstyle::testing {

// `depthstyle survey serve STUDY --port 0 ...` as a real process (survey/serve_process.h); port is 0 (and the test
// has failed) if it did not start.
struct ServeProcess {
  std::filesystem::path output;
  std::unique_ptr<ChildProcess> process;
  int port = 0;

  ServeProcess(const std::filesystem::path& study, const std::filesystem::path& output_file,
               const std::vector<std::string>& extra = {})
      : output(output_file) {
    try {
      SurveyServeProcess server = start_survey_serve(DEPTHSTYLE_CLI_PATH, study, extra, output);
      process = std::move(server.process);
      port = server.port;
    } catch (const Error& error) {
      ADD_FAILURE() << error.what();
    }
  }
  std::string printed() const { return read_file(output); }
};

}  // namespace depthstyle::testing
