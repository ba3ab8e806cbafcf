// Starting a config again through the CLI: a new timestamped run folder (said on stderr) instead of "already
// exists", and --resume without --set name= continuing the latest unfinished run of that config.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::run_cli;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class RunFolderCli : public ::testing::Test {
 protected:
  ProcessResult run(std::vector<std::string> arguments) {
    arguments.push_back("--quiet");
    return run_cli(arguments, dir_.path());
  }
  nlohmann::json manifest(const std::string& run) {
    return nlohmann::json::parse(read_file(dir_ / ("runs/study_analysis/" + run + "/manifest.json")));
  }
  // The run folders of the study_analysis experiment, by name.
  std::vector<std::string> runs() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "runs/study_analysis")) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  void write_answers() {
    std::string csv = "respondent,trial,pair,left_method,right_method,chosen_method,response_ms,time\n";
    for (int respondent = 0; respondent < 3; ++respondent) {
      for (int i = 0; i < 6; ++i) {
        csv += concat("r", respondent, ",", i + 1, ",pair", i, ",adain,da-adain,", i < 4 ? "da-adain" : "adain",
                      ",1500,2026-11-25T08:00:00Z\n");
      }
    }
    testing::write_text(dir_ / "answers.csv", csv);
  }

  testing::TempDir dir_;
};

TEST_F(RunFolderCli, SecondStartOfAConfigMakesANewTimestampedRun) {
  testing::write_text(dir_ / "table2.yaml", "experiment: study_analysis\ninput: {counts: 207/360}\n");
  const ProcessResult first = run({"run", "table2.yaml"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(contains(first.output, "run folder: runs/study_analysis/table2\n")) << first.output;

  const ProcessResult second = run({"run", "table2.yaml"});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  const std::regex said("run folder runs/study_analysis/table2 exists; starting a new run in "
                        "runs/study_analysis/(table2-[0-9]{8}T[0-9]{6}Z)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(second.output, match, said)) << second.output;
  const std::string later = match[1].str();
  EXPECT_TRUE(contains(second.output, "run folder: runs/study_analysis/" + later + "\n")) << second.output;
  EXPECT_EQ(manifest(later)["status"], "succeeded");
  EXPECT_EQ(manifest(later)["name"], later);
  EXPECT_EQ(manifest("table2")["attempts"].size(), 1u);  // the first run is untouched

  // A third start within the same second still gets a folder of its own.
  const ProcessResult third = run({"run", "table2.yaml"});
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_EQ(runs().size(), 3u);
  for (const std::string& name : runs()) EXPECT_EQ(manifest(name)["status"], "succeeded") << name;
}

TEST_F(RunFolderCli, ResumeWithoutANameContinuesTheLatestUnfinishedRun) {
  testing::write_text(dir_ / "study.yaml", "experiment: study_analysis\ninput: {answers: answers.csv}\n"
                                           "bootstrap: {replicates: 0}\n");
  // Both fail at run time (no answers file yet): the second start gets a timestamped folder.
  EXPECT_EQ(run({"run", "study.yaml"}).exit_code, 1);
  EXPECT_EQ(run({"run", "study.yaml"}).exit_code, 1);
  ASSERT_EQ(runs().size(), 2u);
  const std::string later = runs()[1];
  ASSERT_TRUE(std::regex_match(later, std::regex("study-[0-9]{8}T[0-9]{6}Z"))) << later;
  EXPECT_EQ(manifest("study")["status"], "failed");
  EXPECT_EQ(manifest(later)["status"], "failed");

  write_answers();
  const ProcessResult resumed = run({"run", "study.yaml", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "run folder: runs/study_analysis/" + later + "\n")) << resumed.output;
  EXPECT_EQ(manifest(later)["status"], "succeeded");
  EXPECT_EQ(manifest(later)["attempts"].size(), 2u);
  EXPECT_EQ(manifest("study")["status"], "failed");

  // Next, the older unfinished run; once every run has finished, the latest (with nothing left to do).
  const ProcessResult older = run({"run", "study.yaml", "--resume"});
  ASSERT_EQ(older.exit_code, 0) << older.output;
  EXPECT_TRUE(contains(older.output, "run folder: runs/study_analysis/study\n")) << older.output;
  EXPECT_EQ(manifest("study")["status"], "succeeded");
  const ProcessResult finished = run({"run", "study.yaml", "--resume"});
  ASSERT_EQ(finished.exit_code, 0) << finished.output;
  EXPECT_TRUE(contains(finished.output, "run folder: runs/study_analysis/" + later + "\n")) << finished.output;
  EXPECT_EQ(manifest(later)["attempts"].size(), 3u);
  EXPECT_EQ(runs().size(), 2u);

  // A folder whose same-second counter no int holds was not made by a run (counters count attempts within one
  // second): --resume passes it over instead of failing on it.
  const std::filesystem::path foreign = dir_ / "runs/study_analysis/study-20991231T235959Z-99999999999";
  std::filesystem::create_directories(foreign);
  std::filesystem::copy_file(dir_ / ("runs/study_analysis/" + later + "/manifest.json"), foreign / "manifest.json");
  const ProcessResult past_foreign = run({"run", "study.yaml", "--resume"});
  ASSERT_EQ(past_foreign.exit_code, 0) << past_foreign.output;
  EXPECT_TRUE(contains(past_foreign.output, "run folder: runs/study_analysis/" + later + "\n")) << past_foreign.output;
}

TEST_F(RunFolderCli, ResumeWithAnExplicitNameContinuesThatRun) {
  testing::write_text(dir_ / "study.yaml", "experiment: study_analysis\ninput: {answers: answers.csv}\n"
                                           "bootstrap: {replicates: 0}\n");
  EXPECT_EQ(run({"run", "study.yaml"}).exit_code, 1);
  EXPECT_EQ(run({"run", "study.yaml"}).exit_code, 1);
  write_answers();
  const ProcessResult resumed = run({"run", "study.yaml", "--set", "name=study", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "run folder: runs/study_analysis/study\n")) << resumed.output;
  EXPECT_EQ(manifest("study")["status"], "succeeded");
  EXPECT_EQ(manifest(runs()[1])["status"], "failed");
}

}  // namespace
}  // namespace depthstyle
