// The reproduction report and the paper job through the depthstyle binary: `depthstyle report` over small finished
// runs (golden Markdown up to the provenance, which holds times and revisions), its refusals of absent, unfinished
// and incomplete runs by message, and `experiment: paper` steps that fail, name themselves, and resume skipping the
// finished ones, also after a SIGKILL in the middle of a step.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <thread>

#include "core/atomic_file.h"
#include "db/sqlite.h"
#include "report/result_table.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::run_cli;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string source_config(const std::string& name) {
  return (std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "configs" / name).string();
}

std::size_t attempts_of(const std::filesystem::path& run) {
  return nlohmann::json::parse(read_file(run / "manifest.json")).at("attempts").size();
}

class ReproductionReport : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(testing::sample_cache_dir() / "samples/manifest.json"))
        << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
  }

  ProcessResult run(const std::vector<std::string>& arguments) { return run_cli(arguments, dir_.path()); }

  void make_middlebury_set(const std::string& folder, int pairs) {
    const ProcessResult made = run({"data", "make-diw-middlebury", "--cache", testing::sample_cache_dir().string(),
                                    "--output", folder, "--pairs", std::to_string(pairs)});
    ASSERT_EQ(made.exit_code, 0) << made.output;
  }

  // A finished Middlebury diw_eval run (runs/diw_eval/diw_middlebury) and Table 2 from the paper's counts
  // (runs/study_analysis/table2_paper), from the shipped configs.
  void make_runs() {
    make_middlebury_set("mb", 100);
    const ProcessResult diw = run({"run", source_config("diw_middlebury.yaml"), "--set", "diw.csv=mb/diw_middlebury.csv",
                                   "--set", "diw.weights_dir=mb"});
    ASSERT_EQ(diw.exit_code, 0) << diw.output;
    const ProcessResult table2 = run({"run", source_config("table2_paper.yaml")});
    ASSERT_EQ(table2.exit_code, 0) << table2.output;
  }

  testing::TempDir dir_;
};

TEST_F(ReproductionReport, SetsTable1AndTable2BesideThePapersNumbersAsTheGoldenMarkdown) {
  make_runs();
  const ProcessResult result =
      run({"report", "runs/diw_eval/diw_middlebury", "runs/study_analysis/table2_paper", "-o", "out"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "report: out/report.html")) << result.output;
  const std::string markdown = read_file(dir_ / "out/report.md");
  // Everything before the provenance (times, host and revision) is fixed by the inputs.
  const std::size_t provenance = markdown.find("\n## Provenance\n");
  ASSERT_NE(provenance, std::string::npos) << markdown;
  const std::filesystem::path golden = testing::fixture_path("report/reproduction_report.md");
  if (std::getenv("DEPTHSTYLE_UPDATE_GOLDEN")) write_file_atomically(golden, markdown.substr(0, provenance + 1));
  EXPECT_EQ(markdown.substr(0, provenance + 1), read_file(golden));
  // The provenance links each run's record.
  const std::string tail = markdown.substr(provenance);
  EXPECT_TRUE(contains(tail, "[manifest.json](../runs/diw_eval/diw_middlebury/manifest.json)")) << tail;
  EXPECT_TRUE(contains(tail, "[config.yaml](../runs/study_analysis/table2_paper/config.yaml)")) << tail;

  // One self-contained page: every picture a data: URI, nothing loaded from elsewhere.
  const std::string html = read_file(dir_ / "out/report.html");
  const std::regex source(R"re(src="([^"]*)")re");
  int pictures = 0;
  for (auto match = std::sregex_iterator(html.begin(), html.end(), source); match != std::sregex_iterator(); ++match) {
    EXPECT_EQ((*match)[1].str().rfind("data:image/", 0), 0u) << (*match)[1].str().substr(0, 80);
    ++pictures;
  }
  EXPECT_EQ(pictures, 1);  // the Table 1 chart
  EXPECT_FALSE(contains(html, "http://") || contains(html, "https://"));
}

TEST_F(ReproductionReport, RefusesAbsentUnfinishedAndIncompleteRunsNamingThem) {
  make_runs();
  const ProcessResult absent = run({"report", "runs/diw_eval/nothing", "-o", "out"});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_TRUE(contains(absent.output, "runs/diw_eval/nothing: no such run folder")) << absent.output;

  const std::filesystem::path manifest_path = dir_ / "runs/diw_eval/diw_middlebury/manifest.json";
  const std::string finished = read_file(manifest_path);
  nlohmann::json manifest = nlohmann::json::parse(finished);
  manifest["status"] = "interrupted";
  manifest["attempts"].back()["error"] = "stopped by signal 15";
  write_file_atomically(manifest_path, manifest.dump());
  const ProcessResult unfinished = run({"report", "runs/diw_eval/diw_middlebury", "-o", "out"});
  EXPECT_EQ(unfinished.exit_code, 1);
  EXPECT_TRUE(contains(unfinished.output,
                       "runs/diw_eval/diw_middlebury: the run is unfinished (status 'interrupted': stopped by signal "
                       "15); finish it first: depthstyle run " + source_config("diw_middlebury.yaml") +
                           " --set name=diw_middlebury --set output_dir=runs --resume"))
      << unfinished.output;

  write_file_atomically(manifest_path, finished);
  std::filesystem::remove(dir_ / "runs/study_analysis/table2_paper/analysis.json");
  const ProcessResult incomplete =
      run({"report", "runs/diw_eval/diw_middlebury", "runs/study_analysis/table2_paper", "-o", "out"});
  EXPECT_EQ(incomplete.exit_code, 1);
  EXPECT_TRUE(contains(incomplete.output, "runs/study_analysis/table2_paper: analysis.json is missing"))
      << incomplete.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/report.html")) << "nothing is written when a source is refused";
}

// A run on a DIW test set (by its layout: DIW_test.csv with 73,983 entries; here one empty picture repeated, which
// the vertical baseline never decodes) fills the paper's Table 1 beside the paper's number, with n and interval.
TEST_F(ReproductionReport, ARunOnTheDiwTestSetStandsBesideThePapersRow) {
  std::string csv;
  for (int i = 0; i < 73983; ++i) {
    csv += concat("images/a.jpg\n", 1 + i % 480, ",", 1 + (i * 7) % 640, ",", 480 - i % 300, ",", 640 - (i * 3) % 500,
                  ",", i % 3 ? ">" : "<", ",640,480\n");
  }
  testing::write_text(dir_ / "DIW/images/a.jpg", "");
  testing::write_text(dir_ / "DIW/DIW_test.csv", csv);
  testing::write_text(dir_ / "t1.yaml",
                      "experiment: diw_eval\n"
                      "diw: {csv: DIW/DIW_test.csv}\n"
                      "depth_estimators:\n"
                      "  - {name: vertical, type: vertical}\n"
                      "  - {name: midas_v1, type: torchscript, path: weights/midas.pt, preset: midas_v1}\n"
                      "report:\n  paper_rows: [{estimator: vertical, row: MiDaS}, {estimator: midas_v1, row: MiDaS}]\n");
  const ProcessResult diw = run({"run", "t1.yaml"});
  ASSERT_EQ(diw.exit_code, 0) << diw.output;
  const ProcessResult report = run({"report", "runs/diw_eval/t1", "-o", "out"});
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::string markdown = read_file(dir_ / "out/report.md");
  // 41,622 of 73,983 pairs ordered right (y_A < y_B means A farther: counted independently); Clopper-Pearson
  // [0.5590, 0.5662].
  for (const char* line :
       {"- Table 1 (t1): DIW test set; estimators run: vertical; not run: midas_v1 (not run: weights missing at "
        "weights/midas.pt)\n",
        "Data: the DIW test set (DIW/DIW_test.csv, 73983 images with one human-annotated point pair each), the paper's "
        "data.\n",
        "| MiDaS | 0.87 | vertical | 73983 | 0.563 | 0.559 | 0.566 | -0.307 |\n",
        "| monodepth2 mono_640x192 | 0.71 | not run on the DIW test set | – | – | – | – | – |\n"}) {
    EXPECT_TRUE(contains(markdown, line)) << line << "\n" << markdown;
  }
}

// A paper job whose last step fails on a missing file: the error names the step; after the file appears, --resume
// skips the finished steps (their runs keep one attempt) and resumes the failed one; the report then reads it all.
TEST_F(ReproductionReport, PaperStepsNameTheirFailureAndResumeSkipsFinishedSteps) {
  testing::write_text(
      dir_ / "paper.yaml",
      "experiment: paper\n"
      "steps:\n"
      "  - {name: set, kind: diw_middlebury_set, set: [pairs_per_image=50]}\n"
      "  - {name: table1, config: " + source_config("diw_middlebury.yaml") +
          ", set: ['diw.csv={step:set}/diw_middlebury.csv', 'diw.weights_dir={step:set}']}\n"
          "  - {name: table2, config: " + source_config("table2_paper.yaml") + "}\n"
          "  - {name: table1_real, config: " + source_config("table1.yaml") + ", only_if: diw.csv}\n"
          "  - {name: later, config: " + source_config("diw_middlebury.yaml") +
          ", set: ['diw.csv=later/diw_middlebury.csv', 'diw.weights_dir=later']}\n");
  const ProcessResult failed = run({"run", "paper.yaml"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_TRUE(contains(failed.output, "step 'later' (" + source_config("diw_middlebury.yaml") +
                                          "): later/diw_middlebury.csv"))
      << failed.output;
  const nlohmann::json steps = nlohmann::json::parse(read_file(dir_ / "runs/paper/paper/steps.json")).at("steps");
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0]["status"], "succeeded");
  EXPECT_EQ(steps[2]["folder"], "steps/study_analysis/table2");
  EXPECT_EQ(steps[3]["status"], "not run");
  EXPECT_EQ(steps[3]["reason"], "diw.csv is not given");
  EXPECT_EQ(steps[4]["status"], "failed");
  EXPECT_TRUE(contains(steps[4]["reason"].get<std::string>(), "later/diw_middlebury.csv")) << steps[4];

  make_middlebury_set("later", 20);
  const ProcessResult resumed = run({"run", "paper.yaml", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const char* skipped : {"step 1/5 'set': finished earlier, skipped", "step 2/5 'table1': finished earlier, "
                              "skipped", "step 3/5 'table2': finished earlier, skipped"}) {
    EXPECT_TRUE(contains(resumed.output, skipped)) << resumed.output;
  }
  EXPECT_EQ(attempts_of(dir_ / "runs/paper/paper/steps/diw_eval/table1"), 1u);
  EXPECT_EQ(attempts_of(dir_ / "runs/paper/paper/steps/study_analysis/table2"), 1u);
  EXPECT_EQ(attempts_of(dir_ / "runs/paper/paper/steps/diw_eval/later"), 2u);  // failed, then resumed
  EXPECT_TRUE(contains(resumed.output, "report: runs/paper/paper/report.html")) << resumed.output;
  const std::string markdown = read_file(dir_ / "runs/paper/paper/report.md");
  EXPECT_TRUE(contains(markdown, "Not run: step 'table1_real': diw.csv is not given")) << markdown;
  EXPECT_TRUE(contains(markdown, "## Table 1 on Middlebury stand-in (real photos, real ground truth): later"))
      << markdown;

  // The finished paper run as a report source stands for all of its steps.
  const ProcessResult report = run({"report", "runs/paper/paper", "-o", "again"});
  ASSERT_EQ(report.exit_code, 0) << report.output;
  // The same page but for the links, which start from the other folder.
  std::string again = read_file(dir_ / "again/report.md");
  again = std::regex_replace(again, std::regex(R"(\]\(\.\./runs/paper/paper/)"), "](");
  EXPECT_EQ(again.substr(0, again.find("\n## Provenance\n")), markdown.substr(0, markdown.find("\n## Provenance\n")));
}

// SIGKILL while a grid step runs (no chance to record anything): --resume skips the finished step, resumes the
// grid's own run (a second attempt after the killed one), and the report holds the grid's figures.
TEST_F(ReproductionReport, PaperResumesAfterSigkillInTheMiddleOfAStep) {
  testing::write_text(dir_ / "paper.yaml",
                      "experiment: paper\n"
                      "steps:\n"
                      "  - {name: table2, config: " + source_config("table2_paper.yaml") + "}\n"
                      "  - {name: fig4, config: " + source_config("fig4_beta.yaml") +
                          ", set: ['grid.content_sizes=[256]', 'grid.style_sizes=[256]']}\n");
  const std::filesystem::path grid = dir_ / "runs/paper/paper/steps/style_grid/fig4";
  {
    ChildProcess paper({DEPTHSTYLE_CLI_PATH, "run", "paper.yaml"}, dir_ / "killed.log", dir_.path());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!std::filesystem::exists(grid / "manifest.json") && std::chrono::steady_clock::now() < deadline &&
           !paper.poll()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    paper.send_signal(SIGKILL);
    ASSERT_EQ(paper.wait(), 128 + SIGKILL)
        << "the job ended before the grid step started: " << read_file(dir_ / "killed.log");
  }
  const ProcessResult resumed = run({"run", "paper.yaml", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "step 1/2 'table2': finished earlier, skipped")) << resumed.output;
  const nlohmann::json attempts = nlohmann::json::parse(read_file(grid / "manifest.json")).at("attempts");
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0]["status"], "running") << "the killed attempt never recorded an end";
  EXPECT_EQ(attempts[1]["status"], "succeeded");
  EXPECT_EQ(attempts_of(dir_ / "runs/paper/paper/steps/study_analysis/table2"), 1u);
  const std::string markdown = read_file(dir_ / "runs/paper/paper/report.md");
  EXPECT_TRUE(contains(markdown, "](steps/style_grid/fig4/figures/inputs.png)")) << markdown;
}

// A study database built by a paper step shows its design; once answers are imported, the next report adds their
// Table 2 row (counts, proportion, interval and p-values from the answers) under the paper's.
TEST_F(ReproductionReport, AStudyWithAnswersAddsItsOwnTable2Row) {
  testing::write_text(dir_ / "paper.yaml",
                      "experiment: paper\n"
                      "grids: {set: ['grid.content_sizes=[64]', 'grid.style_sizes=[64]']}\n"
                      "steps:\n"
                      "  - {name: stimuli, config: " + source_config("study_stimuli.yaml") + "}\n"
                      "  - {name: study, kind: study, config: " + source_config("study.yaml") +
                          ", set: ['stimuli.grid_run={step:stimuli}']}\n"
                          "  - {name: table2, config: " + source_config("table2_paper.yaml") + "}\n");
  const ProcessResult paper = run({"run", "paper.yaml"});
  ASSERT_EQ(paper.exit_code, 0) << paper.output;
  const std::string before = read_file(dir_ / "runs/paper/paper/report.md");
  for (const char* fact : {"- **image pairs (AdaIN vs DA-AdaIN)**: `10`", "- **sentinel pairs (a degraded copy vs the "
                           "image; expected answer: the image)**: `2`", "- **trials per respondent**: `14`",
                           "- **planned respondents**: `18`", "- **answers recorded**: `0`"}) {
    EXPECT_TRUE(contains(before, fact)) << fact << "\n" << before;
  }
  EXPECT_FALSE(contains(before, "This study's answers")) << before;
  EXPECT_TRUE(contains(before, "- [the study's create config](steps/study/study/config.yaml)\n")) << before;

  // Three imported respondents answer every main pair: 10 + 9 + 5 votes for da-adain of 30.
  const std::filesystem::path study = dir_ / "runs/paper/paper/steps/study/study";
  std::vector<std::string> pairs;
  {
    SqliteDatabase database(study / "study.sqlite");
    SqliteStatement select = database.prepare("SELECT name FROM comparisons WHERE kind = 'main' ORDER BY id");
    for (SqliteRows rows = select.query(); rows.next();) pairs.push_back(rows.text(0));
  }
  ASSERT_EQ(pairs.size(), 10u);
  std::string csv = "respondent,trial,pair,left_method,right_method,chosen_method,response_ms,time\n";
  const int votes[] = {10, 9, 5};
  for (int respondent = 0; respondent < 3; ++respondent) {
    for (int i = 0; i < 10; ++i) {
      csv += concat("x", respondent, ",", i + 1, ",", csv_field(pairs[i]), ",adain,da-adain,",
                    i < votes[respondent] ? "da-adain" : "adain", ",1500,2026-11-25T08:00:00Z\n");
    }
  }
  testing::write_text(dir_ / "answers.csv", csv);
  const ProcessResult imported = run({"survey", "import", study.string(), "answers.csv"});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;

  const ProcessResult report = run({"report", "runs/paper/paper", "-o", "out"});
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::string after = read_file(dir_ / "out/report.md");
  EXPECT_TRUE(contains(after, "- **answers recorded**: `30`")) << after;
  // 24 of 30: 80.0%, sd sqrt(0.8 * 0.2 / 30) = 7.3%, P(X >= 24 | 30, 1/2) = 0.00072, Clopper-Pearson [61.4%, 92.3%],
  // two-sided 0.0014 (R: binom.test(24, 30)).
  EXPECT_TRUE(contains(after, "| This study's answers (study) | 10 | 3 | 30 | 24 | 80.0% | 7.3% | 0.00072 | greater | "
                              "61.4% | 92.3% | 0.0014 |"))
      << after;
  EXPECT_TRUE(contains(after, "- Study (study): stimuli made with weight-free Laplacian pyramid (stand-in, not the "
                              "paper's VGG networks); 30 answers from 3 respondents\n"))
      << after;
}

TEST_F(ReproductionReport, PaperConfigErrorsNameTheStepAndKey) {
  testing::write_text(dir_ / "paper.yaml",
                      "experiment: paper\n"
                      "backbone: {encoder: vgg_normalised.pth}\n"
                      "steps:\n"
                      "  - {name: a, config: " + source_config("table2_paper.yaml") +
                          ", set: ['input.counts={step:b}']}\n"
                          "  - {name: b, config: missing.yaml, only_if: diw.cvs}\n");
  const ProcessResult result = run({"run", "paper.yaml"});
  EXPECT_EQ(result.exit_code, 2);
  for (const char* problem :
       {"'backbone.encoder' and 'backbone.decoder': give both", "'steps[0]' (a): 'set': '{step:b}' in "
        "'input.counts={step:b}' is neither an earlier step", "'steps[1]' (b): 'config': missing.yaml does not exist",
        "'steps[1]' (b): 'only_if': 'diw.cvs' is not one of diw.csv, diw.weights_dir (did you mean 'diw.csv'?)"}) {
    EXPECT_TRUE(contains(result.output, problem)) << result.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "runs/paper")) << "config errors stop before the run folder exists";
}

}  // namespace
}  // namespace depthstyle
