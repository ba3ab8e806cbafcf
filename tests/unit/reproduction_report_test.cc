// The reproduction report and the paper job through the depthstyle binary: `depthstyle report` over small finished
// runs (golden Markdown up to the provenance, which holds times and revisions), its refusals of absent, unfinished
// and incomplete runs by message, and `experiment: paper` steps that fail, name themselves, and resume skipping the
// finished ones.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>

#include "core/atomic_file.h"
#include "test_support.h"

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
