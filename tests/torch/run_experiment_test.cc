// The run pipeline in-process: config -> runner -> run folder with config, manifest, log and unit journal.
#include "run/run_experiment.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <csignal>
#include <regex>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// Counts to `count`, one unit per number, failing on `fail_at` if set, so tests can stop a run half-way.
struct CountingOptions {
  int count = 3;
  int fail_at = -1;
  int interrupt_at = -1;
  double factor = 1;
};

int units_run = 0;

class CountingExperiment : public Experiment {
 public:
  void declare(Schema& schema) override {
    schema.add("counting.count", &options_.count, "how many units").range(1, 100);
    schema.add("counting.fail_at", &options_.fail_at, "unit that fails, -1 = none").at_least(-1);
    schema.add("counting.interrupt_at", &options_.interrupt_at, "unit that gets SIGINT, -1 = none").at_least(-1);
    schema.add("counting.factor", &options_.factor, "multiplier stored in each result");
  }
  void check() const override {
    if (options_.fail_at >= options_.count) throw ConfigError("'counting.fail_at' must be below 'counting.count'");
  }
  void run(RunContext& context) override {
    for (int i = 0; i < options_.count; ++i) {
      const std::string unit = concat("n=", i);
      if (context.record.is_done(unit)) continue;
      if (i == options_.fail_at) throw Error(concat("unit ", i, " failed"));
      if (i == options_.interrupt_at) std::raise(SIGINT);
      throw_if_interrupted();
      ++units_run;
      context.record.complete_unit(unit, {{"value", i * options_.factor}});
    }
    write_file_atomically(context.record.dir() / "report.md", "done\n");
    context.report = context.record.dir() / "report.md";
  }

 private:
  CountingOptions options_;
};

const std::vector<ExperimentKind>& kinds() {
  static const std::vector<ExperimentKind> table = {
      {"counting", "counts", [] { return std::make_unique<CountingExperiment>(); }}};
  return table;
}

class RunExperimentTest : public ::testing::Test {
 protected:
  RunRequest request(const std::string& config_text) {
    testing::write_text(dir_ / "count.yaml", config_text);
    RunRequest request;
    request.config_path = dir_ / "count.yaml";
    request.overrides = {"output_dir=" + (dir_ / "runs").string()};
    request.threads = 1;
    request.command_line = {"depthstyle", "run", "count.yaml"};
    units_run = 0;
    return request;
  }
  nlohmann::json manifest(const std::filesystem::path& run_dir) {
    return nlohmann::json::parse(read_file(run_dir / "manifest.json"));
  }

  testing::TempDir dir_;
  std::ostringstream out_;
};

TEST_F(RunExperimentTest, WritesRunFolderWithConfigManifestLogAndResults) {
  const RunOutcome outcome = run_experiment(request("experiment: counting\nseed: 5\n"), kinds(), out_);
  EXPECT_EQ(outcome.run_dir, dir_ / "runs/counting/count");
  EXPECT_EQ(outcome.report, outcome.run_dir / "report.md");
  EXPECT_EQ(units_run, 3);

  const nlohmann::json record = manifest(outcome.run_dir);
  EXPECT_EQ(record["experiment"], "counting");
  EXPECT_EQ(record["name"], "count");
  EXPECT_EQ(record["status"], "succeeded");
  EXPECT_EQ(record["seed"], 5);
  EXPECT_EQ(record["threads"], 1);
  EXPECT_EQ(record["report"], "report.md");
  EXPECT_TRUE(record["tool"]["git_revision"].is_string());
  EXPECT_TRUE(record["tool"]["git_dirty"].is_boolean());
  EXPECT_TRUE(record["libraries"].contains("libtorch"));
  EXPECT_TRUE(record["libraries"].contains("opencv"));
  ASSERT_EQ(record["attempts"].size(), 1u);
  EXPECT_EQ(record["attempts"][0]["status"], "succeeded");
  EXPECT_EQ(record["attempts"][0]["units_done"], 3);
  EXPECT_EQ(record["overrides"][0], "output_dir=" + (dir_ / "runs").string());

  const std::string config = read_file(outcome.run_dir / "config.yaml");
  EXPECT_NE(config.find("count: 3  # how many units"), std::string::npos) << config;
  EXPECT_EQ(read_file(outcome.run_dir / "source_config.yaml"), "experiment: counting\nseed: 5\n");
  EXPECT_NE(read_file(outcome.run_dir / "log.txt").find("run succeeded"), std::string::npos);
  EXPECT_EQ(read_file(outcome.run_dir / "units.done"), "n=0\nn=1\nn=2\n");
  EXPECT_EQ(nlohmann::json::parse(read_file(outcome.run_dir / "units/n=2.json"))["value"], 2);
}

TEST_F(RunExperimentTest, SecondStartGetsANewRunAndResumeNeedsARun) {
  RunRequest first = request("experiment: counting\n");
  EXPECT_EQ(run_experiment(first, kinds(), out_).run_dir, dir_ / "runs/counting/count");
  const std::filesystem::path second = run_experiment(first, kinds(), out_).run_dir;
  EXPECT_EQ(second.parent_path(), dir_ / "runs/counting");
  EXPECT_TRUE(std::regex_match(second.filename().string(), std::regex("count-[0-9]{8}T[0-9]{6}Z"))) << second;
  RunRequest other = first;
  other.overrides.push_back("name=other");
  other.resume = true;
  EXPECT_THROW_MESSAGE(run_experiment(other, kinds(), out_), UsageError, "--resume: there is no run to resume");
}

TEST_F(RunExperimentTest, FailedRunRecordsErrorAndResumeSkipsFinishedUnits) {
  RunRequest failing = request("experiment: counting\ncounting: {count: 4, fail_at: 2}\n");
  EXPECT_THROW_MESSAGE(run_experiment(failing, kinds(), out_), Error, "unit 2 failed");
  const std::filesystem::path run_dir = dir_ / "runs/counting/count";
  EXPECT_EQ(manifest(run_dir)["status"], "failed");
  EXPECT_EQ(manifest(run_dir)["attempts"][0]["error"], "unit 2 failed");
  EXPECT_EQ(units_run, 2);

  // Resuming needs the same config, so stand in for a fixed runner by journaling unit 2 as finished.
  RunRequest resumed = failing;
  resumed.resume = true;
  units_run = 0;
  std::ofstream(run_dir / "units.done", std::ios::app) << "n=2\n";
  const RunOutcome outcome = run_experiment(resumed, kinds(), out_);
  EXPECT_EQ(units_run, 1);  // only n=3
  const nlohmann::json record = manifest(outcome.run_dir);
  EXPECT_EQ(record["status"], "succeeded");
  ASSERT_EQ(record["attempts"].size(), 2u);
  EXPECT_EQ(record["attempts"][0]["status"], "failed");
  EXPECT_EQ(record["attempts"][1]["status"], "succeeded");
}

TEST_F(RunExperimentTest, InterruptStopsBetweenUnitsAndIsRecorded) {
  RunRequest interrupted = request("experiment: counting\ncounting: {count: 4, interrupt_at: 1}\n");
  EXPECT_THROW_MESSAGE(run_experiment(interrupted, kinds(), out_), Interrupted, "continue with --resume");
  clear_interrupt_request();
  const std::filesystem::path run_dir = dir_ / "runs/counting/count";
  EXPECT_EQ(manifest(run_dir)["status"], "interrupted");
  EXPECT_EQ(read_file(run_dir / "units.done"), "n=0\n");
}

TEST_F(RunExperimentTest, TornLastJournalLineCountsAsUnfinished) {
  RunRequest failing = request("experiment: counting\ncounting: {count: 3, fail_at: 2}\n");
  EXPECT_THROW(run_experiment(failing, kinds(), out_), Error);
  const std::filesystem::path run_dir = dir_ / "runs/counting/count";
  std::ofstream(run_dir / "units.done", std::ios::app) << "n=2";  // killed before the newline
  RunRequest resumed = failing;
  resumed.resume = true;
  EXPECT_THROW_MESSAGE(run_experiment(resumed, kinds(), out_), Error, "unit 2 failed");
}

TEST_F(RunExperimentTest, ResumeRefusesAChangedConfigButAllowsOtherThreads) {
  RunRequest first = request("experiment: counting\ncounting: {count: 2}\n");
  run_experiment(first, kinds(), out_);
  RunRequest changed = first;
  changed.resume = true;
  changed.overrides.push_back("counting.factor=2.5");
  EXPECT_THROW_MESSAGE(run_experiment(changed, kinds(), out_), UsageError,
                       "--resume: the config differs from the one");
  EXPECT_THROW_MESSAGE(run_experiment(changed, kinds(), out_), UsageError, "counting.factor: 1 -> 2.5");

  RunRequest more_threads = first;
  more_threads.resume = true;
  more_threads.threads = 2;
  units_run = 0;
  EXPECT_NO_THROW(run_experiment(more_threads, kinds(), out_));
  EXPECT_EQ(units_run, 0);
}

TEST_F(RunExperimentTest, ConfigErrorsComeBeforeAnyRunFolderExists) {
  EXPECT_THROW_MESSAGE(run_experiment(request("experiment: countng\n"), kinds(), out_), ConfigError,
                       "count.yaml:1:13: 'experiment': 'countng' is not one of counting (did you mean 'counting'?)");
  EXPECT_THROW_MESSAGE(run_experiment(request("seed: 1\n"), kinds(), out_), ConfigError,
                       "count.yaml: missing required key 'experiment'");
  EXPECT_THROW_MESSAGE(run_experiment(request("experiment: counting\ncounting: {count: 2, fail_at: 5}\n"), kinds(),
                                      out_),
                       ConfigError, "'counting.fail_at' must be below 'counting.count'");
  EXPECT_THROW_MESSAGE(run_experiment(request("experiment: counting\nname: ../escape\n"), kinds(), out_),
                       ConfigError, "'name': '../escape' cannot name a run folder");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "runs"));
}

TEST_F(RunExperimentTest, PrintConfigShowsEveryKeyWithHelpAndWritesNothing) {
  RunRequest print = request("experiment: counting\n");
  print.print_config = true;
  print.overrides.push_back("counting.count=7");
  run_experiment(print, kinds(), out_);
  const std::string text = out_.str();
  EXPECT_NE(text.find("experiment: counting  # which runner to use"), std::string::npos) << text;
  EXPECT_NE(text.find("count: 7  # how many units [an integer in [1, 100]; default 3]"), std::string::npos) << text;
  EXPECT_NE(text.find("threads: 1"), std::string::npos) << text;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "runs"));
}

}  // namespace
}  // namespace depthstyle
