// The survey's commands as a researcher runs them, on the real CLI process: the repository's configs/study.yaml builds
// a study from a style-grid run, which still serves when moved elsewhere without the grid run; invite writes the
// links to a new owner-only file and refuses to overwrite one; export writes the answers CSV; import brings that CSV
// into a second study (which then exports the same answers); status counts what was answered; a server that cannot
// start says why. (serve itself is tested by the HTTP, restart and browser tests.)
#include <gtest/gtest.h>

#include <csignal>

#include "core/atomic_file.h"
#include "core/text.h"
#include "support/scripted_respondent.h"
#include "support/serve_process.h"
#include "survey/study_database.h"
#include "survey_fixture.h"

namespace depthstyle {
namespace {

std::vector<std::string> lines_of(const std::string& text) { return split(trim(text), '\n'); }

TEST(SurveyCli, TheRepositoryStudyConfigBuildsAStudyThatInviteExportImportAndStatusWorkOn) {
  testing::TempDir dir;
  SyntheticGridRun grid;  // 2 contents x 5 styles: configs/study_stimuli.yaml's 10 pairs
  grid.styles = 5;
  write_synthetic_grid_run(dir / "grid", grid);
  const std::string config = (std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "configs/study.yaml").string();
  const auto create = [&](const std::string& name) {
    return testing::run_cli({"survey", "create", config, "--set", "stimuli.grid_run=" + (dir / "grid").string(),
                             "--set", "output_dir=" + (dir / "studies").string(), "--set", "name=" + name});
  };
  const ProcessResult created = create("study");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("study folder: " + (dir / "studies" / "study").string() + "\n"
                                "pairs: 10 of the grid's 10, sentinels: 2, trials per respondent: 14\n"
                                "warning: the stimuli were made with synthetic pictures (no stylization); a study of "
                                "the paper's methods needs the grid run with the paper's networks\n"),
            std::string::npos)
      << created.output;
  ASSERT_EQ(create("imported").exit_code, 0);
  const std::filesystem::path second = dir / "studies" / "imported";
  // A study folder is self-contained: moved elsewhere, without the grid run, it is invited to and served below.
  const std::filesystem::path study = dir / "moved" / "study";
  std::filesystem::create_directories(study.parent_path());
  std::filesystem::rename(dir / "studies" / "study", study);
  std::filesystem::remove_all(dir / "grid");

  // invite: two links, printed and in a new file only its owner can read; a second run never overwrites it.
  const std::filesystem::path links = dir / "invitations.csv";
  const ProcessResult invited = testing::run_cli(
      {"survey", "invite", study.string(), "--count", "2", "--base-url", "http://survey.example:8080",
       "--out", links.string()});
  ASSERT_EQ(invited.exit_code, 0) << invited.output;
  const std::vector<std::string> rows = lines_of(read_file(links));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "respondent,link,completion_code");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::vector<std::string> fields = split(rows[i], ',');
    ASSERT_EQ(fields.size(), 3u) << rows[i];
    EXPECT_EQ(fields[0], concat("r00", i));
    EXPECT_TRUE(starts_with(fields[1], "http://survey.example:8080/i/")) << fields[1];
    EXPECT_EQ(fields[1].size(), std::string("http://survey.example:8080/i/").size() + 32) << fields[1];
    EXPECT_NE(invited.output.find(concat(fields[0], "  ", fields[1], "  code ", fields[2], "\n")), std::string::npos)
        << invited.output;
  }
  EXPECT_EQ(std::filesystem::status(links).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string links_text = read_file(links);
  const ProcessResult again = testing::run_cli({"survey", "invite", study.string(), "--count", "1", "--out",
                                                links.string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.output.find("--out " + links.string() + " exists already; it may hold the only copy of earlier "
                              "links, so it is not overwritten: choose another file"),
            std::string::npos)
      << again.output;
  EXPECT_EQ(read_file(links), links_text);

  // The first link works on the moved study's server, and its pictures come from the moved folder.
  {
    SurveyServeProcess server = start_survey_serve(DEPTHSTYLE_CLI_PATH, study, {}, dir / "serve.log");
    ScriptedRespondent respondent("127.0.0.1", server.port);
    const std::string link = split(rows[1], ',')[1];
    EXPECT_EQ(respondent.open(link.substr(link.find("/i/"))).status, 303);
    EXPECT_EQ(respondent.page().kind, "instructions");
    EXPECT_EQ(respondent.start().status, 303);
    const SurveyPageView trial = respondent.page();
    ASSERT_EQ(trial.kind, "trial") << trial.body;
    EXPECT_EQ(trial.progress, "1 / 14");
    for (const std::string& image : {trial.left_image, trial.right_image}) {
      const HttpResponse picture = respondent.get(image);
      EXPECT_EQ(picture.status, 200) << image;
      const std::unique_ptr<SqliteDatabase> database = open_study_database(study / kStudyDatabaseName);
      // The server sends the web-sized copy (survey/web_copy.h) of the stimulus.
      SqliteStatement select = database->prepare(
          "SELECT w.file FROM stimuli s JOIN web_stimuli w ON w.stimulus_id = s.id WHERE s.public_id = ?1");
      SqliteRows file = select.query(image.substr(std::string("/image/").size()));
      ASSERT_TRUE(file.next()) << image;
      EXPECT_EQ(picture.body, read_file(study / file.text(0)));
    }
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
  }

  // Both respondents answer everything (straight in the database, as the server records answers).
  {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(study / kStudyDatabaseName);
    ASSERT_EQ(testing::answer_in_database(*database, 11, 14), 28u);
  }
  const std::filesystem::path answers = dir / "answers.csv";
  const ProcessResult exported = testing::run_cli({"survey", "export", study.string(), "-o", answers.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_EQ(exported.output, "28 answers written to " + answers.string() + "\n");
  const std::vector<std::string> exported_rows = lines_of(read_file(answers));
  ASSERT_EQ(exported_rows.size(), 29u);
  EXPECT_EQ(exported_rows[0],
            "respondent,trial,pair,left_method,right_method,chosen_method,response_ms,time,sentinel_expected,"
            "repeat_of");
  const ProcessResult to_stdout = testing::run_cli({"survey", "export", study.string()});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.output;
  EXPECT_EQ(to_stdout.output, read_file(answers));

  // import into a second study of the same stimuli: the same answers come back out.
  const ProcessResult imported = testing::run_cli({"survey", "import", second.string(), answers.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_EQ(imported.output, "imported 28 answers of 2 respondents\n");
  const ProcessResult reexported = testing::run_cli({"survey", "export", second.string()});
  ASSERT_EQ(reexported.exit_code, 0) << reexported.output;
  EXPECT_EQ(reexported.output, read_file(answers));
  // The same respondents again are refused, naming the file, line and column; nothing is added.
  const ProcessResult twice = testing::run_cli({"survey", "import", second.string(), answers.string()});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.output.find(answers.string() + ":2: column 'respondent' (1): respondent 'r001' is already in the "
                              "study; import each respondent once, under a label the study does not use"),
            std::string::npos)
      << twice.output;

  const ProcessResult status = testing::run_cli({"survey", "status", second.string()});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_TRUE(starts_with(status.output, "study imported: 28 of 28 trials answered, 2 of 2 respondents finished\n"))
      << status.output;
}

TEST(SurveyCli, AServerThatCannotStartIsAnErrorWithWhatItPrintedAndBadOptionsAreUsageErrors) {
  testing::TempDir dir;
  EXPECT_THROW_MESSAGE(start_survey_serve(DEPTHSTYLE_CLI_PATH, dir / "nothing", {}, dir / "serve.log"), Error,
                       "survey serve " + (dir / "nothing").string() + " did not start listening; it printed:\n" +
                           "error: " + (dir / "nothing").string() + ": no study here (expected a study folder made "
                           "by 'depthstyle survey create', or its study.sqlite)");
  const ProcessResult unknown_setting =
      testing::run_cli({"survey", "serve", (dir / "nothing").string(), "--synchronous", "always"});
  EXPECT_EQ(unknown_setting.exit_code, 2);
  EXPECT_NE(unknown_setting.output.find("--synchronous 'always': expected normal or full"), std::string::npos)
      << unknown_setting.output;
}

}  // namespace
}  // namespace depthstyle
