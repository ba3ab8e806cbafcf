// The DIW evaluation through the depthstyle binary: the Middlebury set and a diw_eval run on it, --shard runs merged
// with `diw merge` equal to one run, merge refusals, re-scoring with `diw report`, and a run killed with SIGKILL
// that resumes to exactly the uninterrupted result.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "core/atomic_file.h"
#include "db/sqlite.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::contains;
using testing::run_cli;

class DiwCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(testing::sample_cache_dir() / "samples/manifest.json"))
        << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
    const ProcessResult made = run_cli({"data", "make-diw-middlebury", "--cache", testing::sample_cache_dir().string(),
                                        "--output", (dir_ / "mb").string(), "--pairs", "200"});
    ASSERT_EQ(made.exit_code, 0) << made.output;
    ASSERT_TRUE(contains(made.output, "written: " + (dir_ / "mb/diw_middlebury.csv").string() + " (400 entries)"))
        << made.output;
    testing::write_text(dir_ / "mb.yaml",
                        "experiment: diw_eval\n"
                        "diw:\n  csv: mb/diw_middlebury.csv\n"
                        "depth_estimators:\n"
                        "  - {name: vertical, type: vertical}\n"
                        "  - {name: midas, type: torchscript, path: weights/midas/model.pt, preset: midas_v21_large}\n"
                        "report:\n  paper_rows:\n    - {estimator: midas, row: MiDaS}\n");
  }

  ProcessResult run(std::vector<std::string> arguments) {
    arguments.push_back("--quiet");
    return run_cli(arguments, dir_.path());
  }

  testing::TempDir dir_;
};

TEST_F(DiwCli, EvaluatesTheMiddleburySetAndReportsModelsThatDidNotRun) {
  const ProcessResult result = run({"run", "mb.yaml"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "report: runs/diw_eval/mb/report.html")) << result.output;
  EXPECT_TRUE(contains(result.output, "warning: estimator 'midas': not run: weights missing at weights/midas/model.pt"))
      << result.output;
  const nlohmann::json rows = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/mb/results.json"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["model"], "vertical");
  EXPECT_EQ(rows[0]["status"], "ok (best)");
  EXPECT_EQ(rows[0]["pairs"], 400);
  // "lower in the image = nearer" on real Middlebury scenes: well above chance, far from perfect.
  EXPECT_GT(rows[0]["accuracy"].get<double>(), 0.7);
  EXPECT_LT(rows[0]["accuracy"].get<double>(), 0.9);
  EXPECT_EQ(rows[1]["status"], "not run: weights missing at weights/midas/model.pt");
  EXPECT_TRUE(rows[1]["accuracy"].is_null());
  EXPECT_EQ(rows[1]["paper_model"], "MiDaS");
  EXPECT_EQ(rows[1]["paper_accuracy"], 0.87);
  const std::string markdown = read_file(dir_ / "runs/diw_eval/mb/report.md");
  EXPECT_TRUE(contains(markdown, "1 of 2 models have no results")) << markdown;
  EXPECT_TRUE(contains(markdown, "![Accuracy per model")) << markdown;
  const std::string svg = read_file(dir_ / "runs/diw_eval/mb/table1.svg");
  EXPECT_TRUE(contains(svg, ">midas</text>")) << svg;
  // Cut to the chart's width, whole in its tooltip.
  EXPECT_TRUE(contains(svg, "<title>not run: weights missing at weights/midas/model.pt</title>")) << svg;
  const nlohmann::json manifest = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/mb/manifest.json"));
  EXPECT_EQ(manifest["diw"]["estimators"]["midas"], "weights_missing");

  // A file appears that is no model: --resume looks again, and the loader's error becomes the model's status.
  testing::write_text(dir_ / "weights/midas/model.pt", "not a TorchScript archive");
  const ProcessResult resumed = run({"run", "mb.yaml", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const nlohmann::json after = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/mb/results.json"));
  EXPECT_EQ(after[0], rows[0]);  // vertical was not run again
  EXPECT_TRUE(contains(after[1]["status"].get<std::string>(),
                       "not run: weights/midas/model.pt: not a loadable TorchScript model"))
      << after[1]["status"];
}

// A model named by the weights catalog is found in the weights folder of `run --weights-dir`, not inside
// diw.weights_dir; absent, it is reported missing at its expected path there, and a file there that is no model
// gets the loader's error.
TEST_F(DiwCli, ACatalogNameIsFoundInTheWeightsFolderOfTheRun) {
  testing::write_text(dir_ / "named.yaml",
                      "experiment: diw_eval\n"
                      "diw:\n  csv: mb/diw_middlebury.csv\n  weights_dir: elsewhere\n"
                      "depth_estimators:\n"
                      "  - {name: vertical, type: vertical}\n"
                      "  - {name: midas, type: midas, path: midas_v1}\n");
  const std::filesystem::path folder = dir_ / "my weights";
  const ProcessResult result = run({"run", "named.yaml", "--weights-dir", folder.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json rows = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/named/results.json"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["status"], "not run: weights missing at " + (folder / "midas/model.pt").string());

  testing::write_text(folder / "midas/model.pt", "not a checkpoint");
  const ProcessResult resumed = run({"run", "named.yaml", "--resume", "--weights-dir", folder.string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const nlohmann::json after = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/named/results.json"));
  EXPECT_EQ(after[1]["status"], "not run: " + (folder / "midas/model.pt").string() +
                                    ": not a PyTorch checkpoint (neither a ZIP archive nor a pickle)");
}

// configs/diw_middlebury.yaml as shipped, from a working directory laid out as the repository's: the real ground
// truth through the `file` estimator scores 1.0, the same maps declared with the wrong meaning 0.0.
TEST_F(DiwCli, ShippedMiddleburyConfigScoresTheTruthOneAndItsWrongSignZero) {
  const ProcessResult made = run_cli({"data", "make-diw-middlebury", "--cache", testing::sample_cache_dir().string(),
                                      "--output", "datasets/cache/diw_middlebury"},
                                     dir_.path());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const ProcessResult result =
      run({"run", (std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "configs/diw_middlebury.yaml").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json rows = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/diw_middlebury/results.json"));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0]["model"], "ground_truth");
  EXPECT_EQ(rows[0]["pairs"], 2000);
  EXPECT_EQ(rows[0]["accuracy"], 1.0);
  EXPECT_EQ(rows[0]["status"], "ok (best)");
  EXPECT_EQ(rows[1]["model"], "ground_truth_as_depth");
  EXPECT_EQ(rows[1]["accuracy"], 0.0);
  EXPECT_EQ(rows[1]["only_best_correct"], 2000);
  for (std::size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(rows[i]["status"], "ok") << rows[i]["model"];
    EXPECT_LT(rows[i]["accuracy"].get<double>(), 1.0) << rows[i]["model"];
  }
}

// configs/table1.yaml on the Middlebury set of a fresh machine: every model of the paper is listed with its paper
// number and "not run: weights missing", the baselines run.
TEST_F(DiwCli, ShippedTable1ConfigListsEveryPaperModel) {
  const ProcessResult result =
      run({"run", (std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "configs/table1.yaml").string(), "--set",
           "diw.csv=mb/diw_middlebury.csv"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json rows = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/table1/results.json"));
  ASSERT_EQ(rows.size(), 13u);
  int with_paper = 0;
  for (const nlohmann::json& row : rows) {
    if (row["paper_accuracy"].is_null()) {
      EXPECT_EQ(row["status"].get<std::string>().rfind("ok", 0), 0u) << row;
      continue;
    }
    ++with_paper;
    EXPECT_EQ(row["status"].get<std::string>().rfind("not run: weights missing at weights/", 0), 0u) << row;
  }
  EXPECT_EQ(with_paper, 10);
  EXPECT_EQ(rows[0]["paper_model"], "MiDaS");
  EXPECT_EQ(rows[0]["paper_accuracy"], 0.87);
  EXPECT_EQ(rows[5]["paper_model"], "monodepth2 mono_640x192");
  EXPECT_EQ(rows[5]["paper_accuracy"], 0.71);
}

// configs/table1_modern.yaml on the Middlebury set of a fresh machine: the paper's ten models with their numbers,
// then the later networks (MiDaS v2, v2.1 large and small, DPT-Large, DPT-Hybrid, DPT-BEiT-L 512, Depth Anything V1
// and V2 small, base, large),
// each a row "not run: weights missing" rather than a failure; the baselines run.
TEST_F(DiwCli, ShippedTable1ModernConfigListsEveryModelAndRunsThePresent) {
  const ProcessResult result =
      run({"run", (std::filesystem::path(DEPTHSTYLE_SOURCE_DIR) / "configs/table1_modern.yaml").string(), "--set",
           "diw.csv=mb/diw_middlebury.csv"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json rows = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/table1_modern/results.json"));
  ASSERT_EQ(rows.size(), 25u);  // 10 of the paper + 3 later MiDaS + 3 DPT + 6 Depth Anything + 3 baselines
  int with_paper = 0, missing = 0;
  for (const nlohmann::json& row : rows) {
    with_paper += row["paper_accuracy"].is_null() ? 0 : 1;
    missing += row["status"].get<std::string>().rfind("not run: weights missing at weights/", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(with_paper, 10);
  EXPECT_EQ(missing, 22);
  EXPECT_EQ(rows[0]["paper_model"], "MiDaS");
  EXPECT_EQ(rows[10]["model"], "midas_v2");
  EXPECT_EQ(rows[11]["model"], "midas_v21");
  EXPECT_EQ(rows[12]["model"], "midas_v21_small");
  EXPECT_EQ(rows[12]["status"], "not run: weights missing at weights/midas/midas_v21_small_256.pt");
  EXPECT_EQ(rows[5]["status"], "not run: weights missing at weights/monodepth2/mono_640x192");
  const std::vector<std::pair<std::string, std::string>> later = {
      {"dpt_large_384", "midas/dpt_large_384.pt"},
      {"dpt_hybrid_384", "midas/dpt_hybrid_384.pt"},
      {"dpt_beit_large_512", "midas/dpt_beit_large_512.pt"},
      {"depth_anything_v1_vits", "depth_anything_v1/depth_anything_vits14.pth"},
      {"depth_anything_v1_vitb", "depth_anything_v1/depth_anything_vitb14.pth"},
      {"depth_anything_v1_vitl", "depth_anything_v1/depth_anything_vitl14.pth"},
      {"depth_anything_v2_vits", "depth_anything_v2/depth_anything_v2_vits.pth"},
      {"depth_anything_v2_vitb", "depth_anything_v2/depth_anything_v2_vitb.pth"},
      {"depth_anything_v2_vitl", "depth_anything_v2/depth_anything_v2_vitl.pth"}};
  for (std::size_t i = 0; i < later.size(); ++i) {
    EXPECT_EQ(rows[13 + i]["model"], later[i].first);
    EXPECT_EQ(rows[13 + i]["status"], "not run: weights missing at weights/" + later[i].second);
  }
  for (std::size_t i = 22; i < 25; ++i) {
    EXPECT_EQ(rows[i]["status"].get<std::string>().rfind("ok", 0), 0u) << rows[i];
  }
}

TEST_F(DiwCli, ShardRunsMergedEqualOneRunAndMergeRefusesBadSets) {
  ASSERT_EQ(run({"run", "mb.yaml"}).exit_code, 0);
  for (const char* shard : {"1/2", "2/2"}) {
    const ProcessResult result = run({"run", "mb.yaml", "--shard", shard});
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "runs/diw_eval/mb.shard-1-of-2/predictions.sqlite"));
  const ProcessResult merged = run_cli({"diw", "merge", "runs/diw_eval/mb.shard-2-of-2", "runs/diw_eval/mb.shard-1-of-2",
                                        "--output", "merged"},
                                       dir_.path());
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_TRUE(contains(merged.output, "merged 2 shards: 400 entries, 400 predictions")) << merged.output;
  EXPECT_EQ(read_file(dir_ / "merged/results.csv"), read_file(dir_ / "runs/diw_eval/mb/results.csv"));

  const ProcessResult missing = run_cli({"diw", "merge", "runs/diw_eval/mb.shard-1-of-2", "-o", "m2"}, dir_.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.output, "error: missing shards: 2/2; a merge needs one store for each of 1/2 .. 2/2"))
      << missing.output;
  const ProcessResult twice = run_cli(
      {"diw", "merge", "runs/diw_eval/mb.shard-1-of-2", "runs/diw_eval/mb.shard-1-of-2", "-o", "m3"}, dir_.path());
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_TRUE(contains(twice.output, "error: overlapping shards: 1/2 is given twice")) << twice.output;
  const ProcessResult foreign = run_cli({"diw", "merge", "mb.yaml", "-o", "m4"}, dir_.path());
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_TRUE(contains(foreign.output, "mb.yaml: preparing PRAGMA journal_mode: file is not a database"))
      << foreign.output;

  // How a cluster script learns the shard folders: the folder is printed, nothing is created.
  const ProcessResult folder = run({"run", "mb.yaml", "--shard", "2/3", "--print-run-folder"});
  ASSERT_EQ(folder.exit_code, 0) << folder.output;
  EXPECT_EQ(folder.output, "runs/diw_eval/mb.shard-2-of-3\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "runs/diw_eval/mb.shard-2-of-3"));

  const ProcessResult wrong_shard = run({"run", "mb.yaml", "--shard", "3/2"});
  EXPECT_EQ(wrong_shard.exit_code, 2);
  EXPECT_TRUE(contains(wrong_shard.output, "'shard': shard '3/2' is not of the form k/N with 1 <= k <= N"))
      << wrong_shard.output;
  testing::write_text(dir_ / "overview.yaml", "experiment: samples_overview\n");
  const ProcessResult unsplittable = run({"run", "overview.yaml", "--shard", "1/2"});
  EXPECT_EQ(unsplittable.exit_code, 2);
  EXPECT_TRUE(contains(unsplittable.output, "--shard: experiment 'samples_overview' cannot be split into shards"))
      << unsplittable.output;
}

TEST_F(DiwCli, ReportRescoresAStoreWithoutInference) {
  // The vertical baseline ties on the pairs whose points share an image row: lines 3 and 7 here.
  std::string csv;
  const char* pairs[] = {"1,1,9,1,>", "4,2,4,8,<", "9,3,2,3,<", "2,2,7,7,>", "5,1,5,9,>"};
  for (int i = 0; i < 5; ++i) {
    testing::write_text(dir_ / concat("ties/", i, ".png"), "");
    csv += concat(i, ".png\n", pairs[i], ",10,10\n");
  }
  testing::write_text(dir_ / "ties/ties.csv", csv);
  testing::write_text(dir_ / "ties.yaml", "experiment: diw_eval\ndiw:\n  csv: ties/ties.csv\n"
                                          "depth_estimators:\n  - {name: vertical, type: vertical}\n");
  ASSERT_EQ(run({"run", "ties.yaml"}).exit_code, 0);
  const ProcessResult result =
      run_cli({"diw", "report", "runs/diw_eval/ties", "--ties", "separate", "-o", "separate"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json official = nlohmann::json::parse(read_file(dir_ / "runs/diw_eval/ties/results.json"));
  const nlohmann::json separate = nlohmann::json::parse(read_file(dir_ / "separate/results.json"));
  // Rows 1-9 top to bottom, proximity = row: (1 vs 9, A farther) right, (9 vs 2, A nearer) right, (2 vs 7, A
  // farther) right; the two same-row pairs tie.
  EXPECT_EQ(official[0]["pairs"], 5);
  EXPECT_EQ(official[0]["correct"], 3);
  EXPECT_EQ(official[0]["ties"], 2);
  EXPECT_EQ(official[0]["accuracy"], 0.6);
  EXPECT_EQ(separate[0]["pairs"], 3);
  EXPECT_EQ(separate[0]["correct"], 3);
  EXPECT_EQ(separate[0]["accuracy"], 1.0);
  EXPECT_TRUE(contains(read_file(dir_ / "separate/report.md"), "Ties and unknown values are left out"));
}

TEST_F(DiwCli, ConfigMistakesAreReportedBeforeAnyWork) {
  testing::write_text(dir_ / "bad.yaml",
                      "experiment: diw_eval\ndiw:\n  csv: mb/diw_middlebury.csv\n"
                      "depth_estimators:\n  - {name: a, type: vertical}\n  - {name: a, type: vertical}\n");
  const ProcessResult twice = run({"run", "bad.yaml"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_TRUE(contains(twice.output, "'depth_estimators': the name 'a' is used twice")) << twice.output;
  testing::write_text(dir_ / "row.yaml",
                      "experiment: diw_eval\ndiw:\n  csv: mb/diw_middlebury.csv\n"
                      "depth_estimators:\n  - {name: a, type: vertical}\n"
                      "report:\n  paper_rows:\n    - {estimator: b, row: Midas}\n");
  const ProcessResult row = run({"run", "row.yaml"});
  EXPECT_EQ(row.exit_code, 2);
  EXPECT_TRUE(contains(row.output, "row.yaml:8:")) << row.output;
  EXPECT_TRUE(contains(row.output, "'report.paper_rows[0].row': 'Midas' is not one of")) << row.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "runs"));
}

// Spawns the CLI without waiting; output goes to `log`.
pid_t spawn_cli(const std::vector<std::string>& arguments, const std::filesystem::path& directory,
                const std::filesystem::path& log) {
  std::vector<std::string> argv = {DEPTHSTYLE_CLI_PATH};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(directory.c_str()) != 0) _exit(127);
    if (!freopen(log.c_str(), "w", stdout) || !freopen(log.c_str(), "a", stderr)) _exit(127);
    std::vector<char*> pointers;
    for (std::string& argument : argv) pointers.push_back(argument.data());
    pointers.push_back(nullptr);
    execv(pointers[0], pointers.data());
    _exit(127);
  }
  return pid;
}

std::int64_t stored_predictions(const std::filesystem::path& store) {
  if (!std::filesystem::exists(store)) return 0;
  try {
    SqliteOpenOptions read_only;
    read_only.read_only = true;
    SqliteDatabase database(store, read_only);
    SqliteStatement count = database.prepare("SELECT count(*) FROM predictions");
    SqliteRows rows = count.query();
    return rows.next() ? rows.integer(0) : 0;
  } catch (const SqliteError&) {
    return 0;  // not created yet
  }
}

// Starts `run kill.yaml` on 600 DIW entries in `dir` (output to killed.log) and returns once its first predictions
// are committed, so that a signal sent then lands mid-run. The vertical baseline does not read pixels, so the images
// may be empty files; their large declared size makes each prediction take a few milliseconds.
pid_t start_slow_diw_run(const testing::TempDir& dir) {
  std::string csv;
  for (int i = 0; i < 600; ++i) {
    testing::write_text(dir / concat("images/", i, ".jpg"), "");
    csv += concat("images/", i, ".jpg\n", 1 + i % 1500, ",", 1 + (i * 7) % 2500, ",", 1500 - i % 1000, ",",
                  2500 - (i * 3) % 2000, ",", i % 3 ? ">" : "<", ",2500,1500\n");
  }
  testing::write_text(dir / "big.csv", csv);
  testing::write_text(dir / "kill.yaml", "experiment: diw_eval\ndiw:\n  csv: big.csv\n  commit_seconds: 0.05\n"
                                         "depth_estimators:\n  - {name: vertical, type: vertical}\n");
  const pid_t pid = spawn_cli({"run", "kill.yaml", "--quiet"}, dir.path(), dir / "killed.log");
  const std::filesystem::path store = dir / "runs/diw_eval/kill/predictions.sqlite";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (stored_predictions(store) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pid;
}

// A run killed with SIGKILL (no chance to clean up) after its first commit, then resumed, gives exactly the results
// of an uninterrupted run.
TEST(DiwCliKill, ResumeAfterSigkillEqualsAnUninterruptedRun) {
  testing::TempDir dir;
  const pid_t pid = start_slow_diw_run(dir);
  const std::filesystem::path store = dir / "runs/diw_eval/kill/predictions.sqlite";
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed: " << read_file(dir / "killed.log");
  const std::int64_t at_kill = stored_predictions(store);
  ASSERT_GT(at_kill, 0);
  ASSERT_LT(at_kill, 600) << "the run finished before the kill; the test proves nothing";

  const ProcessResult resumed = run_cli({"run", "kill.yaml", "--resume", "--quiet"}, dir.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, concat("predicted ", 600 - at_kill, " pairs on ", 600 - at_kill, " of 600")))
      << resumed.output;
  const ProcessResult whole = run_cli({"run", "kill.yaml", "--set", "name=whole", "--quiet"}, dir.path());
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  EXPECT_EQ(read_file(dir / "runs/diw_eval/kill/results.csv"), read_file(dir / "runs/diw_eval/whole/results.csv"));
  const nlohmann::json manifest = nlohmann::json::parse(read_file(dir / "runs/diw_eval/kill/manifest.json"));
  ASSERT_EQ(manifest["attempts"].size(), 2u);
  EXPECT_EQ(manifest["attempts"][0]["status"], "running");  // the killed attempt never recorded an end
  EXPECT_EQ(manifest["attempts"][1]["status"], "succeeded");
}

// A closed terminal sends SIGHUP, which killed the run outright and left its manifest at "running" (issue 15): it
// now stops the run like SIGTERM, recorded in the manifest and the log.
TEST(DiwCliKill, SighupStopsTheRunAndRecordsIt) {
  testing::TempDir dir;
  const pid_t pid = start_slow_diw_run(dir);
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  const std::string output = read_file(dir / "killed.log");
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << ": " << output;
  EXPECT_EQ(WEXITSTATUS(status), 130) << output;
  EXPECT_TRUE(contains(output, "interrupted: stopped by signal 1; finished work is kept")) << output;
  const nlohmann::json manifest = nlohmann::json::parse(read_file(dir / "runs/diw_eval/kill/manifest.json"));
  EXPECT_EQ(manifest["status"], "interrupted");
  EXPECT_TRUE(contains(read_file(dir / "runs/diw_eval/kill/log.txt"), "warning stopped by signal 1"));
}

// issue 15: a 100 MB line was printed whole to stderr and stored whole in manifest.json. The line limit refuses it
// before its fields are split, and the error reaches stderr, the manifest and log.txt (which lacked it) in a few
// hundred bytes.
TEST(DiwCliHostile, HugeLineIsRefusedWithoutEchoingIt) {
  testing::TempDir dir;
  testing::write_text(dir / "images/a.jpg", "");
  testing::write_text(dir / "huge.csv", "images/a.jpg\n" + std::string(100 << 20, ',') + "\n");
  testing::write_text(dir / "huge.yaml", "experiment: diw_eval\ndiw:\n  csv: huge.csv\n"
                                         "depth_estimators:\n  - {name: vertical, type: vertical}\n");
  const ProcessResult result = run_cli({"run", "huge.yaml", "--quiet"}, dir.path());
  EXPECT_EQ(result.exit_code, 1);
  const std::string error = "huge.csv:2: a line of 104857600 bytes, more than the limit of 1048576";
  EXPECT_TRUE(contains(result.output, error)) << result.output.substr(0, 1000);
  EXPECT_LT(result.output.size(), 1000u);
  const std::string manifest = read_file(dir / "runs/diw_eval/huge/manifest.json");
  EXPECT_EQ(nlohmann::json::parse(manifest)["status"], "failed");
  EXPECT_TRUE(contains(manifest, error));
  EXPECT_LT(manifest.size(), 20000u);
  const std::string log = read_file(dir / "runs/diw_eval/huge/log.txt");
  EXPECT_TRUE(contains(log, " error ") && contains(log, error)) << log;
}

// Below the line limit, a malformed line is quoted in at most kMaxQuotedInput characters.
TEST(DiwCliHostile, LongMalformedLinesAreQuotedInPart) {
  testing::TempDir dir;
  testing::write_text(dir / "images/a.jpg", "");
  testing::write_text(dir / "long.csv", "images/a.jpg\n1,2,3,4,>,5," + std::string(500000, '9') + "x\n");
  testing::write_text(dir / "long.yaml", "experiment: diw_eval\ndiw:\n  csv: long.csv\n"
                                         "depth_estimators:\n  - {name: vertical, type: vertical}\n");
  const ProcessResult result = run_cli({"run", "long.yaml", "--quiet"}, dir.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.output, "long.csv:2: height '99999")) << result.output;
  EXPECT_TRUE(contains(result.output, "... (500001 bytes in all)' is not an integer")) << result.output;
  EXPECT_LT(result.output.size(), 1000u);
}

}  // namespace
}  // namespace depthstyle
