// experiment: ablation end to end through the CLI on the real sample images (pyramid backbone, Middlebury disparity
// for the strength map, the dark-channel cue for the depth scores): scored rows, summary, comparisons, plots and
// report; a resume after a real kill (SIGKILL) writes identical files; config errors; scores in a plain style grid.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"
#include "weights/weight_catalog.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

void require_samples() {
  ASSERT_TRUE(fs::exists(testing::sample_cache_dir() / "samples/manifest.json"))
      << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
}

constexpr const char* kSmallAblation = R"(experiment: ablation
contents:
  - {image: sample:aloeL.jpg, depth_map: sample:aloeGT.png, depth_meaning: disparity, depth_zero_unknown: true}
  - {image: sample:motorcycle_left.png, depth_map: sample:motorcycle_disp.npz, depth_meaning: disparity}
styles:
  - images: sample:starry_night.jpg
  - images: sample:gravel.png
grid: {content_weights: [0, 0.5], betas: [0, 20], epsilons: [0, 0.15], content_sizes: [64], style_sizes: [64]}
backbone: {pyramid_levels: 3}
scores: {depth_pairs: 200}
summary: {reference_content_weights: [0]}
threads: 1
)";
constexpr std::size_t kCells = 2 * 2 * (2 + 2 * 2);  // contents x styles x (adain weights + betas x epsilons)

nlohmann::json results_of(const fs::path& run_dir) {
  return nlohmann::json::parse(read_file(run_dir / "results.json"));
}

TEST(Ablation, ScoresEveryCellAndSummarisesThem) {
  require_samples();
  testing::TempDir dir;
  testing::write_text(dir / "small.yaml", kSmallAblation);
  const ProcessResult result = run_cli({"run", "small.yaml", "--quiet"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path run_dir = dir / "runs/ablation/small";
  const nlohmann::json rows = results_of(run_dir);
  ASSERT_EQ(rows.size(), kCells);
  for (const nlohmann::json& row : rows) {
    ASSERT_EQ(row["status"], "ok") << row.dump();
    EXPECT_EQ(row["depth_pairs"], 200) << row["key"];
    EXPECT_GE(row["depth_agreement"].get<double>(), 0.0);
    EXPECT_LE(row["depth_agreement"].get<double>(), 1.0);
    EXPECT_GT(row["content_distance"].get<double>(), 0.0);
    EXPECT_GE(row["style_distance"].get<double>(), 0.0);
    EXPECT_EQ(row["regions_depth"], "map") << "AdaIN cells take the content's first depth source for near/far";
    EXPECT_TRUE(row["style_distance_far"].is_number()) << row["key"];
    EXPECT_EQ(row["score_network"], "pyramid band_0,band_1,band_2,residual (stand-in, not VGG)");
    EXPECT_EQ(row["score_depth"], "dark_channel");
  }
  EXPECT_EQ(rows[0]["method"], "adain");
  EXPECT_EQ(rows[2]["key"], "content=aloeL,style=starry_night,method=da-adain,depth=map,beta=0,eps=0,content_size=64,"
                            "style_size=64");
  // More content kept (content weight 0.5) is closer to the content and farther from the style than full AdaIN.
  EXPECT_LT(rows[1]["content_distance"].get<double>(), rows[0]["content_distance"].get<double>());
  EXPECT_GT(rows[1]["style_distance"].get<double>(), rows[0]["style_distance"].get<double>());

  // 6 settings x 12 scores, plus the header; 4 DA-AdaIN settings x 1 reference x 12 scores.
  EXPECT_EQ(testing::line_count(run_dir / "summary.csv"), 6u * 12 + 1);
  EXPECT_EQ(testing::line_count(run_dir / "comparisons.csv"), 4u * 12 + 1);
  const nlohmann::json summary = nlohmann::json::parse(read_file(run_dir / "summary.json"));
  EXPECT_EQ(summary[0]["setting"], "method=adain,content_weight=0,content_size=64,style_size=64");
  EXPECT_EQ(summary[0]["n"], 4);
  EXPECT_EQ(summary[0]["contents"], 2);
  for (const char* plot : {"plots/depth_agreement_vs_beta.svg", "plots/style_distance_near_far_vs_eps.svg",
                           "plots/tradeoff.svg", "report.html", "report.md", "results.csv"}) {
    EXPECT_TRUE(fs::exists(run_dir / plot)) << plot;
  }
  const std::string report = read_file(run_dir / "report.md");
  EXPECT_TRUE(contains(report, "not to the paper's method")) << "the pyramid's numbers must be labelled";
  EXPECT_TRUE(contains(report, "![Depth agreement against beta")) << report;
  EXPECT_TRUE(contains(report, "Warning: at most 4 content/style pairs per comparison")) << report;
  const nlohmann::json manifest = nlohmann::json::parse(read_file(run_dir / "manifest.json"));
  EXPECT_EQ(manifest["scores"]["network"]["stand_in"], true);
  EXPECT_EQ(manifest["scores"]["depth_pairs"], 200);
  EXPECT_EQ(manifest["scores"]["depth_estimator"]["description"]["type"], "dark_channel");
}

// configs/ablation_beta_eps.yaml as shipped, made small by overrides (64 px, two betas and epsilons, 100 pairs,
// scored at a smaller side of 48 px): its contents, styles, depth maps and keys all resolve on the sample data, and
// the DA-AdaIN cells at beta 0 (P = 0.5 everywhere) score exactly as AdaIN at content weight 0.5, one of its two
// references.
TEST(Ablation, ShippedSampleConfigRuns) {
  require_samples();
  testing::TempDir dir;
  const std::string config = (fs::path(DEPTHSTYLE_SOURCE_DIR) / "configs/ablation_beta_eps.yaml").string();
  const ProcessResult result =
      run_cli({"run", config, "--quiet", "--threads", "1", "--set", "grid.content_sizes=[64]", "--set",
               "grid.style_sizes=[64]", "--set", "grid.betas=[0,20]", "--set", "grid.epsilons=[0,0.3]", "--set",
               "scores.depth_pairs=100", "--set", "backbone.pyramid_levels=3", "--set", "scores.side=48"},
              dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path run_dir = dir / "runs/ablation/ablation_beta_eps";
  const nlohmann::json manifest = nlohmann::json::parse(read_file(run_dir / "manifest.json"));
  EXPECT_EQ(manifest["scores"]["side"], 48);
  EXPECT_EQ(manifest["scores"]["resampling"], "area");
  const nlohmann::json rows = results_of(run_dir);
  ASSERT_EQ(rows.size(), 2u * 5 * (2 + 2 * 2));  // contents x styles x (AdaIN weights + betas x epsilons)
  std::map<std::string, double> adain_half;
  for (const nlohmann::json& row : rows) {
    ASSERT_EQ(row["status"], "ok") << row.dump();
    if (row["method"] == "adain" && row["content_weight"] == 0.5) {
      adain_half[row["content"].get<std::string>() + "/" + row["style"].get<std::string>()] =
          row["style_distance"].get<double>();
    }
  }
  std::size_t checked = 0;
  for (const nlohmann::json& row : rows) {
    if (row["method"] != "da-adain" || row["beta"] != 0) continue;
    EXPECT_EQ(row["style_distance"].get<double>(),
              adain_half.at(row["content"].get<std::string>() + "/" + row["style"].get<std::string>()))
        << row["key"];
    ++checked;
  }
  EXPECT_EQ(checked, 2u * 5 * 2);
  // 4 DA-AdaIN settings x 2 references x 12 scores, plus the header.
  EXPECT_EQ(testing::line_count(run_dir / "comparisons.csv"), 4u * 2 * 12 + 1);
  EXPECT_TRUE(fs::exists(run_dir / "plots/tradeoff.svg"));
  // The two AdaIN references are told apart by their dash patterns (line and legend entry each).
  const std::string sweep = read_file(run_dir / "plots/depth_agreement_vs_beta.svg");
  EXPECT_EQ(occurrences(sweep, "stroke-dasharray=\"6 4\""), 2u) << sweep;
  EXPECT_EQ(occurrences(sweep, "stroke-dasharray=\"12 3 2 3\""), 2u) << sweep;
}

// configs/depth_sources.yaml as shipped, made small as above, with a weights folder holding one of its networks
// (MiDaS v2.1 small in its published layout, random weights): one DA-AdaIN setting from the ground-truth map, the
// three weight-free estimators and that network, beside AdaIN, the sources ranked, and the twenty-one networks whose
// files are absent listed as not run instead of stopping the run: every depth model of the weights catalog that this
// build can load is among the sources.
TEST(Ablation, DepthSourcesConfigRanksEverySourcePresent) {
  require_samples();
  testing::TempDir dir;
  const std::string config = (fs::path(DEPTHSTYLE_SOURCE_DIR) / "configs/depth_sources.yaml").string();
  const fs::path weights = fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "depth_midas_small/weights";
  ASSERT_TRUE(fs::exists(weights / "midas/midas_v21_small_256.pt"));
  const ProcessResult result =
      run_cli({"run", config, "--quiet", "--threads", "1", "--set", "grid.content_sizes=[64]", "--set",
               "grid.style_sizes=[64]", "--set", "scores.depth_pairs=100", "--set", "backbone.pyramid_levels=3",
               "--set", "scores.side=48", "--set", "weights_dir=" + weights.string()},
              dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path run_dir = dir / "runs/ablation/depth_sources";
  const std::set<std::string> sources = {"map", "vertical", "random", "dark_channel", "midas_v21_small"};
  const nlohmann::json rows = results_of(run_dir);
  ASSERT_EQ(rows.size(), 2u * 5 * (1 + sources.size()));  // contents x styles x (AdaIN + DA-AdaIN per source)
  for (const nlohmann::json& row : rows) ASSERT_EQ(row["status"], "ok") << row.dump();
  const nlohmann::json ranks = nlohmann::json::parse(read_file(run_dir / "depth_sources.json"));
  ASSERT_EQ(ranks.size(), 4u * sources.size());  // whole-image scores x sources
  std::map<std::string, std::set<std::string>> sources_of_score;
  std::map<std::string, std::set<std::int64_t>> ranks_of_score;
  for (const nlohmann::json& rank : ranks) {
    EXPECT_EQ(rank["n"], 10) << rank.dump();
    sources_of_score[rank["score"]].insert(rank["depth"].get<std::string>());
    ranks_of_score[rank["score"]].insert(rank["rank"].get<std::int64_t>());
  }
  EXPECT_EQ(sources_of_score.size(), 4u);
  for (const auto& [score, ranked] : sources_of_score) {
    EXPECT_EQ(ranked, sources) << score;
    EXPECT_EQ(*ranks_of_score[score].begin(), 1) << score;
  }
  const nlohmann::json manifest = nlohmann::json::parse(read_file(run_dir / "manifest.json"));
  const nlohmann::json& not_run = manifest["depth_estimators_not_run"];
  // MiDaS v1, v2, v2.1 large, DPT-Large, -Hybrid and -BEiT-L 512, the six Depth Anything models and the nine
  // monodepth2 models.
  EXPECT_EQ(not_run.size(), 21u) << not_run.dump(2);
  EXPECT_EQ(not_run["midas_v1"], "not run: weights missing at " + (weights / "midas/model.pt").string());
  EXPECT_EQ(not_run["md2_mono_640x192"], "not run: weights missing at " + (weights / "monodepth2/mono_640x192").string());
  EXPECT_EQ(not_run["depth_anything_v1_vitl"],
            "not run: weights missing at " + (weights / "depth_anything_v1/depth_anything_vitl14.pth").string());
  std::set<std::string> missing_statuses;
  for (const auto& [name, status] : not_run.items()) missing_statuses.insert(status.get<std::string>());
  for (const CatalogEntry& entry : weight_catalog()) {
    if (entry.estimator_type.empty() || entry.name == "midas_v21_small") continue;  // no loader; the one present
    EXPECT_EQ(missing_statuses.count("not run: weights missing at " + (weights / entry.relative_path).string()), 1u)
        << entry.name << " is not among configs/depth_sources.yaml's sources";
  }
  EXPECT_TRUE(manifest["depth_estimators"].contains("midas_v21_small"));
  // report.html: its text is not Markdown-escaped.
  const std::string report = read_file(run_dir / "report.html");
  EXPECT_NE(report.find("Depth sources ranked</h2>"), std::string::npos);
  EXPECT_NE(report.find("midas_v1: not run: weights missing at " + (weights / "midas/model.pt").string()),
            std::string::npos)
      << report;
}

TEST(Ablation, ResumeAfterAKillWritesIdenticalFiles) {
  require_samples();
  testing::TempDir dir;
  testing::write_text(dir / "sweep.yaml", kSmallAblation);
  const ProcessResult whole = run_cli({"run", "sweep.yaml", "--quiet", "--set", "output_dir=whole"}, dir.path());
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path killed_dir = dir / "killed/ablation/sweep";
  const pid_t pid = testing::spawn_cli({"run", "sweep.yaml", "--quiet", "--set", "output_dir=killed"}, dir.path());
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (testing::line_count(killed_dir / "units.done") < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
  const std::size_t done_at_kill = testing::line_count(killed_dir / "units.done");
  ASSERT_GE(done_at_kill, 3u);
  ASSERT_LT(done_at_kill, kCells) << "the kill came too late for this test";

  const ProcessResult resumed =
      run_cli({"run", "sweep.yaml", "--quiet", "--resume", "--set", "output_dir=killed"}, dir.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(read_file(killed_dir / "log.txt"), concat("style grid: ", kCells, " cells, ", done_at_kill,
                                                                 " already done")));
  const std::vector<std::string> outputs = {"images", "maps", "inputs", "plots"};
  const std::map<std::string, std::string> expected = testing::files_under(dir / "whole/ablation/sweep", outputs);
  const std::map<std::string, std::string> got = testing::files_under(killed_dir, outputs);
  EXPECT_EQ(expected.size(), got.size());
  for (const auto& [path, bytes] : expected) {
    const auto found = got.find(path);
    ASSERT_NE(found, got.end()) << path << " is missing after the resume";
    EXPECT_TRUE(found->second == bytes) << path << " differs from the uninterrupted run";
  }
  for (const char* file : {"summary.csv", "summary.json", "comparisons.csv", "comparisons.json", "report.md",
                           "report.html"}) {
    EXPECT_EQ(read_file(killed_dir / file), read_file(dir / "whole/ablation/sweep" / file)) << file;
  }
  nlohmann::json expected_rows = results_of(dir / "whole/ablation/sweep");
  nlohmann::json got_rows = results_of(killed_dir);
  for (nlohmann::json* rows : {&expected_rows, &got_rows}) {
    for (nlohmann::json& row : *rows) {
      for (const char* timing : {"seconds_pair", "seconds_cell", "seconds_scores"}) row.erase(timing);
    }
  }
  EXPECT_EQ(got_rows, expected_rows);
}

TEST(Ablation, ConfigErrorsNameTheirKeys) {
  testing::TempDir dir;
  const auto run_config = [&](const std::string& text) {
    testing::write_text(dir / "bad.yaml", text);
    return run_cli({"run", "bad.yaml"}, dir.path());
  };
  const std::string base = "experiment: ablation\ncontents:\n  - {image: c.jpg, depth_map: d.pfm, depth_meaning: depth}\n"
                           "styles:\n  - images: s.jpg\n";
  ProcessResult result = run_config(base + "scores: {enabled: true}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "bad.yaml:6:10: unknown key 'scores.enabled'")) << result.output;

  result = run_config(base + "grid: {methods: [da-adain]}\nsummary: {reference_content_weights: [0.3]}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "grid.methods: an ablation compares da-adain with adain; list both"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "summary.reference_content_weights: 0.3 is not among grid.content_weights (0)"))
      << result.output;

  result = run_config(base + "scores:\n  depth_estimator: {name: v, type: vertcal}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "bad.yaml:7:36: 'scores.depth_estimator.type': 'vertcal' is not one of"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "(did you mean 'vertical'?)")) << result.output;

  result = run_config(base + "scores:\n  depth_estimator: {name: v, type: vertical, path: x}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "scores.depth_estimator: depth estimator 'v': type vertical does not use key path"))
      << result.output;

  result = run_config(base + "backbone: {type: vgg, encoder: e.pth, decoder: d.pth}\nscores: {vgg_encoder: e.pth}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "scores.vgg_encoder: the vgg backbone's own encoder already gives the VGG taps"))
      << result.output;
  result = run_config(base + "summary: {alternative: bigger, confidence: 1}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "'summary.alternative': 'bigger' is not one of two-sided, greater, less"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "'summary.confidence': 1 is out of range")) << result.output;
  result = run_config(base + "scores: {side: -1}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "bad.yaml:6:16: 'scores.side': -1 is out of range: expected an integer in "
                                      "[0, 16384]"))
      << result.output;
  EXPECT_FALSE(fs::exists(dir / "runs"));
}

TEST(Ablation, APlainStyleGridScoresWhenAsked) {
  require_samples();
  testing::TempDir dir;
  testing::write_text(dir / "scored.yaml", R"(experiment: style_grid
contents:
  - {image: sample:motorcycle_left.png}
styles:
  - images: sample:brick.png
  - {images: [sample:brick.png, sample:gravel.png]}
grid: {methods: [adain, da-adain], content_sizes: [64], style_sizes: [64]}
depth_estimators: [{name: vertical, type: vertical}]
backbone: {pyramid_levels: 3}
scores: {enabled: true, depth_estimator: {name: chance, type: random}, depth_pairs: 300}
figures: {layout: none}
)");
  const ProcessResult result = run_cli({"run", "scored.yaml", "--quiet"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path run_dir = dir / "runs/style_grid/scored";
  EXPECT_TRUE(contains(read_file(run_dir / "results.csv"), ",depth_agreement,depth_pairs,"));
  const nlohmann::json rows = results_of(run_dir);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["score_depth"], "chance");
  EXPECT_EQ(rows[1]["regions_depth"], "vertical");
  EXPECT_NEAR(rows[0]["depth_agreement"].get<double>(), 0.5, 0.1) << "the random baseline agrees by chance";
  EXPECT_TRUE(rows[0]["style_distance"].is_number());
  EXPECT_TRUE(rows[2]["style_distance"].is_null()) << "a style group of two images has no single style to compare";
  EXPECT_TRUE(rows[2]["content_distance"].is_number());
  const nlohmann::json resolved = nlohmann::json::parse(read_file(run_dir / "manifest.json"))["scores"];
  EXPECT_EQ(resolved["depth_estimator"]["name"], "chance");
}

}  // namespace
}  // namespace depthstyle
