// The depthstyle binary end to end: exit codes (0 success, 1 runtime failure, 2 usage/config error), help texts,
// and a real run on the sample data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::run_cli;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Cli, NoArgumentsIsAUsageError) {
  const ProcessResult result = run_cli({});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "usage: depthstyle <command>")) << result.output;
}

TEST(Cli, UnknownCommandSuggestsTheClosest) {
  const ProcessResult result = run_cli({"rnu"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "error: unknown command 'rnu' (did you mean 'run'?)")) << result.output;
}

TEST(Cli, EveryCommandHasHelp) {
  for (const std::vector<std::string>& arguments :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"run", "--help"},
                                             {"data", "--help"},
                                             {"data", "fetch-samples", "--help"},
                                             {"weights", "--help"},
                                             {"weights", "inspect", "--help"},
                                             {"weights", "list", "--help"},
                                             {"version", "--help"}}) {
    const ProcessResult result = run_cli(arguments);
    EXPECT_EQ(result.exit_code, 0) << arguments[0] << ": " << result.output;
    EXPECT_TRUE(contains(result.output, "usage: depthstyle")) << result.output;
  }
}

TEST(Cli, VersionNamesRevisionAndLibraries) {
  const ProcessResult result = run_cli({"version"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* library : {"libtorch   1.13", "opencv     4.6", "boost", "sqlite", "yaml-cpp"}) {
    EXPECT_TRUE(contains(result.output, library)) << result.output;
  }
}

TEST(Cli, RunHelpListsExperiments) {
  const ProcessResult result = run_cli({"run", "--help"});
  EXPECT_TRUE(contains(result.output, "samples_overview:")) << result.output;
  EXPECT_TRUE(contains(result.output, "--resume")) << result.output;
}

TEST(Cli, BadOptionAndMissingArgumentAreUsageErrors) {
  EXPECT_EQ(run_cli({"run"}).exit_code, 2);
  const ProcessResult result = run_cli({"run", "x.yaml", "--bogus"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "unrecognised option '--bogus'")) << result.output;
  const ProcessResult verb = run_cli({"data", "fetch-sample"});
  EXPECT_EQ(verb.exit_code, 2);
  EXPECT_TRUE(contains(verb.output, "(did you mean 'fetch-samples'?)")) << verb.output;
}

TEST(Cli, ConfigErrorsExitWithTwoAndNameTheLine) {
  testing::TempDir dir;
  testing::write_text(dir / "bad.yaml", "experiment: samples_overview\nsamples:\n  preview_sid: 64\n");
  const ProcessResult result = run_cli({"run", (dir / "bad.yaml").string()}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "bad.yaml:3:3: unknown key 'samples.preview_sid' for experiment "
                                      "'samples_overview' (did you mean 'samples.preview_side'?)"))
      << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "runs"));

  const ProcessResult range = run_cli({"run", (dir / "bad.yaml").string(), "--set", "samples={preview_side: 3}"});
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_TRUE(contains(range.output, "--set samples={preview_side: 3}: 'samples.preview_side': 3 is out of range: "
                                     "expected an integer in [16, 4096]"))
      << range.output;
}

TEST(Cli, MissingConfigFileIsARuntimeError) {
  const ProcessResult result = run_cli({"run", "/nonexistent/config.yaml"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.output, "/nonexistent/config.yaml: cannot open")) << result.output;
}

TEST(Cli, PrintConfigShowsDefaults) {
  testing::TempDir dir;
  testing::write_text(dir / "demo.yaml", "experiment: samples_overview\n");
  const ProcessResult result = run_cli({"run", (dir / "demo.yaml").string(), "--print-config", "--threads", "3"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "name: demo")) << result.output;
  EXPECT_TRUE(contains(result.output, "threads: 3")) << result.output;
  EXPECT_TRUE(contains(result.output, "preview_side: 256  # smaller side of preview pictures, px")) << result.output;
}

// Needs the sample cache that scripts/test fills with `depthstyle data fetch-samples`.
TEST(Cli, SamplesOverviewRunsOnRealSamplesAndResumes) {
  ASSERT_TRUE(std::filesystem::exists(testing::sample_cache_dir() / "samples/manifest.json"))
      << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
  testing::TempDir dir;
  testing::write_text(dir / "overview.yaml",
                      "experiment: samples_overview\nsamples:\n  files: [aloeL.jpg, motorcycle_left.png, "
                      "starry_night.jpg]\n  fetch_missing: false\n  preview_side: 64\n");
  const ProcessResult result = run_cli({"run", "overview.yaml", "--quiet"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::filesystem::path run_dir = dir / "runs/samples_overview/overview";
  EXPECT_TRUE(contains(result.output, "report: " + (std::filesystem::path("runs/samples_overview/overview") /
                                                    "report.html").string()))
      << result.output;

  const nlohmann::json rows = nlohmann::json::parse(read_file(run_dir / "results.json"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["file"], "aloeL.jpg");
  EXPECT_EQ(rows[0]["width"], 1282);
  EXPECT_EQ(rows[0]["height"], 1110);
  EXPECT_GT(rows[0]["truth_known"].get<double>(), 0.5);
  EXPECT_EQ(rows[1]["file"], "motorcycle_left.png");
  EXPECT_EQ(rows[1]["width"], 741);
  EXPECT_GT(rows[1]["truth_known"].get<double>(), 0.9);
  EXPECT_TRUE(rows[2]["truth_preview"].is_null());
  for (const char* file : {"previews/aloeL.jpg", "previews/aloeL_truth.png", "report.md", "report.html",
                           "results.csv", "manifest.json", "config.yaml", "log.txt"}) {
    EXPECT_TRUE(std::filesystem::exists(run_dir / file)) << file;
  }

  const ProcessResult resumed =
      run_cli({"run", "overview.yaml", "--quiet", "--resume", "--set", "name=overview"}, dir.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(read_file(run_dir / "log.txt"), "(3 units already done)"));
}

}  // namespace
}  // namespace depthstyle
