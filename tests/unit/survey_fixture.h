// Test fixtures of the user-study tests: a style_grid run folder written in its real format (manifest.json,
// results.json with the columns grid/style_grid_report.h lists, PNG images), and a study created from it.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "survey/study_create.h"
#include "survey/study_options.h"
#include "test_support.h"

namespace depthstyle::testing {

struct FakeGrid {
  int contents = 2;
  int styles = 3;
  std::vector<std::string> methods = {"adain", "da-adain"};
  std::vector<double> betas = {20};  // da-adain rows per pair
  int width = 40;
  int height = 30;
  bool reproduces_paper = false;
};

// A distinct picture per (content, style, method, setting): smooth colour gradients with some texture, so a
// sentinel's blur and noise are measurable.
inline cv::Mat fake_stylized(int width, int height, int seed) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<unsigned char>((x * 6 + seed * 37) % 256),
                                            static_cast<unsigned char>((y * 8 + seed * 11) % 256),
                                            static_cast<unsigned char>(((x + y) % 2) * 120 + seed % 100));
    }
  }
  return image;
}

inline std::filesystem::path write_fake_grid(const std::filesystem::path& run, const FakeGrid& grid = {}) {
  std::filesystem::create_directories(run / "images");
  nlohmann::json rows = nlohmann::json::array();
  int seed = 0;
  for (int c = 0; c < grid.contents; ++c) {
    for (int s = 0; s < grid.styles; ++s) {
      for (const std::string& method : grid.methods) {
        const std::vector<double> betas = method == "da-adain" ? grid.betas : std::vector<double>{-1};
        for (const double beta : betas) {
          const std::string content = concat("c", c), style = concat("s", s);
          nlohmann::json row = {{"content", content}, {"style", style}, {"style_mode", "single"},
                                {"method", method},   {"content_size", 256}, {"style_size", 128},
                                {"status", "ok"},     {"error", nullptr},    {"backbone", "pyramid"},
                                {"content_sha256", std::string(64, 'a')},   {"style_sha256", std::string(64, 'b')},
                                {"content_weight", nullptr}, {"depth", nullptr}, {"beta", nullptr}, {"eps", nullptr}};
          std::string setting;
          if (method == "da-adain") {
            row["depth"] = "map", row["beta"] = beta, row["eps"] = 0.15;
            setting = concat("depth=map,beta=", format_number(beta), ",eps=0.15");
          } else {
            row["content_weight"] = 0.0;
            setting = "content_weight=0";
          }
          const std::string key = concat("content=", content, ",style=", style, ",method=", method, ",", setting,
                                         ",content_size=256,style_size=128");
          row["key"] = key;
          row["output"] = "images/" + key + ".png";
          cv::imwrite((run / "images" / (key + ".png")).string(), fake_stylized(grid.width, grid.height, ++seed));
          rows.push_back(row);
        }
      }
    }
  }
  write_text(run / "results.json", rows.dump(2));
  const nlohmann::json manifest = {
      {"experiment", "style_grid"},
      {"status", "succeeded"},
      {"backbone",
       {{"label",
         grid.reproduces_paper ? "VGG-19 encoder + AdaIN decoder" : "weight-free Laplacian pyramid (stand-in)"},
        {"reproduces_paper", grid.reproduces_paper}}}};
  write_text(run / "manifest.json", manifest.dump(2));
  return run;
}

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
    StudyOptions options = small_study_options(write_fake_grid(dir / "grid"), dir.path());
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

#include <chrono>
#include <regex>
#include <thread>

#include "core/atomic_file.h"
#include "core/process.h"

namespace depthstyle::testing {

// `depthstyle survey serve STUDY --port 0 ...` as a real process; port() is read from what it prints.
struct ServeProcess {
  std::filesystem::path output;
  std::unique_ptr<ChildProcess> process;
  int port = 0;

  ServeProcess(const std::filesystem::path& study, const std::filesystem::path& output_file,
               const std::vector<std::string>& extra = {})
      : output(output_file) {
    std::vector<std::string> argv = {DEPTHSTYLE_CLI_PATH, "survey", "serve", study.string(), "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process = std::make_unique<ChildProcess>(argv, output);
    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      const std::string text = std::filesystem::exists(output) ? read_file(output) : "";
      if (std::regex_search(text, match, listening)) {
        port = std::stoi(match[1].str());
        return;
      }
      if (process->poll()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "survey serve did not start listening; it printed:\n" << read_file(output);
  }
  std::string printed() const { return read_file(output); }
};

}  // namespace depthstyle::testing
