// The style grid and `depthstyle stylize` end to end through the CLI, on the real sample images: outputs and rows,
// resuming after a real kill (SIGKILL) with byte-identical files, config errors with their location, the content's
// alpha channel, and the command's usage errors.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"
#include "io/image.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::line_count;
using testing::run_cli;
using testing::spawn_cli;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void require_samples() {
  ASSERT_TRUE(fs::exists(testing::sample_cache_dir() / "samples/manifest.json"))
      << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
}

nlohmann::json results_of(const fs::path& run_dir) {
  return nlohmann::json::parse(read_file(run_dir / "results.json"));
}

// Every file under the run folder's output subfolders, by relative path.
std::map<std::string, std::string> output_files(const fs::path& run_dir) {
  return testing::files_under(run_dir, {"images", "maps", "inputs", "depth", "figures"});
}

constexpr const char* kSmallGrid = R"(experiment: style_grid
contents:
  - {image: sample:aloeL.jpg, depth_map: sample:aloeGT.png, depth_meaning: disparity, depth_zero_unknown: true}
  - {image: sample:motorcycle_left.png}
styles:
  - images: sample:starry_night.jpg
  - {images: [sample:starry_night.jpg, sample:brick.png], weights: [1, 0]}
grid: {methods: [adain, da-adain], betas: [0, 20], epsilons: [0.15], content_sizes: [64], style_sizes: [64]}
depth_estimators: [{name: vertical, type: vertical}]
backbone: {pyramid_levels: 3}
figures: {layout: compare, panel_height: 64}
)";

TEST(StyleGrid, RunsOnTheSamplesWithRowsFiguresAndCachedDepth) {
  require_samples();
  testing::TempDir dir;
  testing::write_text(dir / "small.yaml", kSmallGrid);
  const ProcessResult result = run_cli({"run", "small.yaml", "--quiet"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path run_dir = dir / "runs/style_grid/small";
  const nlohmann::json rows = results_of(run_dir);
  // aloeL: depth from its map and the estimator: per style 1 adain + 2 depths x 2 betas; motorcycle: 1 + 2
  ASSERT_EQ(rows.size(), 2u * 5u + 2u * 3u);
  for (const nlohmann::json& row : rows) {
    EXPECT_EQ(row["status"], "ok") << row.dump();
    EXPECT_TRUE(fs::exists(run_dir / row["output"].get<std::string>())) << row["output"];
    EXPECT_EQ(row["height"], 64);
  }
  EXPECT_EQ(rows[0]["key"], "content=aloeL,style=starry_night,method=adain,content_weight=0,content_size=64,"
                            "style_size=64");
  EXPECT_EQ(rows[1]["key"], "content=aloeL,style=starry_night,method=da-adain,depth=map,beta=0,eps=0.15,"
                            "content_size=64,style_size=64");
  EXPECT_TRUE(rows[0]["strength_map"].is_null());
  EXPECT_EQ(rows[1]["strength_map"], "maps/" + rows[1]["key"].get<std::string>() + ".strength.png");
  EXPECT_EQ(rows[1]["proximity_map"], "maps/content=aloeL,depth=map,content_size=64.proximity.png");
  EXPECT_EQ(rows[5]["style"], "starry_night+brick");
  EXPECT_EQ(rows[5]["style_sha256"].get<std::string>().size(), 64u * 2 + 1);

  // Interpolation weights (1, 0) reproduce the single style bit for bit, down to the PNG bytes.
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(read_file(run_dir / rows[i]["output"].get<std::string>()),
              read_file(run_dir / rows[i + 5]["output"].get<std::string>()))
        << rows[i]["key"];
  }
  // The estimator's map is cached with what produced it.
  const nlohmann::json cached = nlohmann::json::parse(read_file(run_dir / "depth/motorcycle_left.vertical.json"));
  EXPECT_EQ(cached["meaning"], "proximity");
  EXPECT_EQ(cached["provenance"]["estimator"]["type"], "vertical");
  EXPECT_EQ(cached["width"], 741);
  for (const char* file : {"figures/inputs.png", "figures/compare.png", "results.csv", "report.html"}) {
    EXPECT_TRUE(fs::exists(run_dir / file)) << file;
  }
  const std::string report = read_file(run_dir / "report.html");
  EXPECT_TRUE(contains(report, "stand-in, not the paper")) << "the pyramid's pictures must be labelled";
  const nlohmann::json manifest = nlohmann::json::parse(read_file(run_dir / "manifest.json"));
  EXPECT_EQ(manifest["backbone"]["type"], "pyramid");
  EXPECT_EQ(manifest["backbone"]["reproduces_paper"], false);
  EXPECT_EQ(manifest["depth_sources"]["aloeL"]["map"]["meaning"], "proximity");
}

TEST(StyleGrid, ResumeAfterAKillProducesByteIdenticalFiles) {
  require_samples();
  testing::TempDir dir;
  testing::write_text(dir / "sweep.yaml", R"(experiment: style_grid
contents:
  - {image: sample:aloeL.jpg, depth_map: sample:aloeGT.png, depth_meaning: disparity, depth_zero_unknown: true}
  - {image: sample:motorcycle_left.png, depth_map: sample:motorcycle_disp.npz, depth_meaning: disparity}
styles:
  - images: sample:starry_night.jpg
  - images: sample:gravel.png
grid: {methods: [adain, da-adain], betas: [0, 5, 20], epsilons: [0, 0.15], content_sizes: [128], style_sizes: [96]}
depth_estimators: [{name: vertical, type: vertical}]
threads: 1
)");
  const std::size_t total = 2 * 2 * (1 + 2 * 3 * 2);  // contents x styles x (adain + depths x betas x epsilons)
  const ProcessResult whole = run_cli({"run", "sweep.yaml", "--quiet", "--set", "output_dir=whole"}, dir.path());
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path killed_dir = dir / "killed/style_grid/sweep";
  const pid_t pid = spawn_cli({"run", "sweep.yaml", "--quiet", "--set", "output_dir=killed"}, dir.path());
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (line_count(killed_dir / "units.done") < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
  const std::size_t done_at_kill = line_count(killed_dir / "units.done");
  ASSERT_GE(done_at_kill, 5u);
  // Killed within the first content (13 cells), so the resumed run must load it again and reuse its cached depth.
  ASSERT_LT(done_at_kill, 13u) << "the kill came too late for this test";

  const ProcessResult resumed =
      run_cli({"run", "sweep.yaml", "--quiet", "--resume", "--set", "output_dir=killed"}, dir.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const std::string log = read_file(killed_dir / "log.txt");
  EXPECT_TRUE(contains(log, concat("style grid: ", total, " cells, ", done_at_kill, " already done"))) << log;
  EXPECT_TRUE(contains(log, "content aloeL: depth from vertical reused from depth/")) << log;
  const nlohmann::json manifest = nlohmann::json::parse(read_file(killed_dir / "manifest.json"));
  EXPECT_EQ(manifest["depth_sources"]["motorcycle_left"]["map"]["meaning"], "proximity");
  EXPECT_EQ(manifest["depth_sources"]["aloeL"]["vertical"]["cache"], "depth/aloeL.vertical.npy");

  const std::map<std::string, std::string> expected = output_files(dir / "whole/style_grid/sweep");
  const std::map<std::string, std::string> got = output_files(killed_dir);
  EXPECT_EQ(expected.size(), got.size());
  for (const auto& [path, bytes] : expected) {
    const auto found = got.find(path);
    ASSERT_NE(found, got.end()) << path << " is missing after the resume";
    EXPECT_TRUE(found->second == bytes) << path << " differs from the uninterrupted run";
  }
  nlohmann::json expected_rows = results_of(dir / "whole/style_grid/sweep");
  nlohmann::json got_rows = results_of(killed_dir);
  ASSERT_EQ(expected_rows.size(), total);
  for (nlohmann::json* rows : {&expected_rows, &got_rows}) {
    for (nlohmann::json& row : *rows) {
      row.erase("seconds_pair");
      row.erase("seconds_cell");
    }
  }
  EXPECT_EQ(got_rows, expected_rows);
}

TEST(StyleGrid, ConfigErrorsNameTheirPlace) {
  testing::TempDir dir;
  const auto run_config = [&](const std::string& text) {
    testing::write_text(dir / "bad.yaml", text);
    return run_cli({"run", "bad.yaml"}, dir.path());
  };
  const std::string base = "experiment: style_grid\ncontents:\n  - {image: c.jpg, depth_map: d.pfm, depth_meaning: depth}\n"
                           "styles:\n  - images: s.jpg\n";
  ProcessResult result = run_config(base + "grid:\n  betas: [20, -1]\n  epsilons: [1.5]\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "bad.yaml:7:15: 'grid.betas[1]': -1 is out of range: expected a non-empty list "
                                      "of numbers >= 0"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "bad.yaml:8:14: 'grid.epsilons[0]': 1.5 is out of range")) << result.output;

  result = run_config(base + "grid:\n  methods: [adain, da-adian]\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "bad.yaml:7:20: 'grid.methods[1]': 'da-adian' is not")) << result.output;
  EXPECT_TRUE(contains(result.output, "one of adain, da-adain (did you mean 'da-adain'?)")) << result.output;

  result = run_config(
      "experiment: style_grid\ncontents:\n  - {image: c.jpg, depht_map: d.pfm}\nstyles:\n  - images: s.jpg\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "bad.yaml:3:20: unknown key 'contents[0].depht_map'")) << result.output;
  EXPECT_TRUE(contains(result.output, "(did you mean 'depth_map'?)")) << result.output;

  // Problems between keys name the keys.
  result = run_config("experiment: style_grid\ncontents:\n  - {image: c.jpg, depth_map: d.pfm}\n  - {image: e.jpg}\n"
                      "styles:\n  - {images: [s.jpg, t.jpg], mode: near_far}\n");
  EXPECT_EQ(result.exit_code, 2);
  for (const char* expected :
       {"contents[0] (c).depth_meaning: required with depth_map", "contents[1] (e): method da-adain needs its depth",
        "styles[0] (s+t): mode near_far mixes its two styles with the strength map"}) {
    EXPECT_TRUE(contains(result.output, expected)) << expected << "\n" << result.output;
  }
  result = run_config(base + "backbone: {encoder: vgg_normalised.pth}\ngrid: {content_sizes: [32]}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "backbone.encoder: not used by backbone type 'pyramid'")) << result.output;
  EXPECT_TRUE(contains(result.output, "grid.content_sizes: 32 px is below the pyramid backbone's minimum of 64 px"))
      << result.output;
  result = run_config(base + "backbone: {type: vgg, decoder: decoder.pth}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "backbone.encoder: the vgg backbone needs vgg_normalised.pth")) << result.output;
  EXPECT_FALSE(fs::exists(dir / "runs"));
}

TEST(StyleGrid, AFailedCellIsARowNotACrash) {
  require_samples();
  testing::TempDir dir;
  testing::write_text(dir / "broken.jpg", "not an image");
  testing::write_text(dir / "partly.yaml", R"(experiment: style_grid
contents:
  - {image: sample:motorcycle_left.png}
  - {image: broken.jpg}
styles:
  - images: sample:brick.png
grid: {methods: [adain], content_sizes: [64], style_sizes: [64]}
backbone: {pyramid_levels: 3}
)");
  const ProcessResult result = run_cli({"run", "partly.yaml", "--quiet"}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "1 of 2 cells failed")) << result.output;
  const nlohmann::json rows = results_of(dir / "runs/style_grid/partly");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["status"], "ok");
  EXPECT_EQ(rows[1]["status"], "failed");
  EXPECT_TRUE(contains(rows[1]["error"].get<std::string>(), "broken.jpg")) << rows[1].dump();
  // a resumed run retries the failed cell and keeps the finished one
  const ProcessResult resumed = run_cli({"run", "partly.yaml", "--quiet", "--resume"}, dir.path());
  EXPECT_EQ(resumed.exit_code, 0);
  EXPECT_TRUE(contains(read_file(dir / "runs/style_grid/partly/log.txt"), "style grid: 2 cells, 1 already done"));
}

TEST(Stylize, KeepsTheContentsAlphaInAPngAndWritesItsRecord) {
  require_samples();
  testing::TempDir dir;
  const cv::Mat photo = load_image(testing::sample_cache_dir() / "samples/motorcycle_left.png").rgb;
  const cv::Mat content = photo(cv::Rect(100, 100, 90, 70)).clone();
  cv::Mat alpha(content.size(), CV_32FC1);
  for (int col = 0; col < alpha.cols; ++col) alpha.col(col).setTo(static_cast<float>(col) / (alpha.cols - 1));
  save_image(dir / "content.png", content, {95, false, alpha});

  const ProcessResult result =
      run_cli({"stylize", "content.png", (testing::sample_cache_dir() / "samples/brick.png").string(), "-o", "out.png",
               "--content-size", "0", "--style-size", "64", "--depth-estimator", "vertical", "--pyramid-levels", "3",
               "--save-maps", "--record", "out.json"},
              dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "backbone: weight-free Laplacian pyramid (stand-in")) << result.output;
  const Image out = load_image(dir / "out.png");
  ASSERT_EQ(out.rgb.size(), content.size());
  ASSERT_FALSE(out.alpha.empty()) << "the output lost the content's alpha";
  EXPECT_LE(cv::norm(out.alpha, load_image(dir / "content.png").alpha, cv::NORM_INF), 1e-6);
  EXPECT_TRUE(fs::exists(dir / "out_proximity.png"));
  EXPECT_TRUE(fs::exists(dir / "out_strength.png"));
  const nlohmann::json record = nlohmann::json::parse(read_file(dir / "out.json"));
  EXPECT_EQ(record["method"], "da-adain");
  EXPECT_EQ(record["beta"], 20);
  EXPECT_EQ(record["eps"], 0.15);
  EXPECT_TRUE(record["content_weight"].is_null());
  EXPECT_EQ(record["depth"]["type"], "vertical");
  EXPECT_EQ(record["content"]["sha256"].get<std::string>().size(), 64u);

  // The paper's alpha and the port's alpha, side by side in the record.
  const ProcessResult adain = run_cli({"stylize", "content.png", (testing::sample_cache_dir() / "samples/brick.png").string(),
                                       "-o", "adain.jpg", "--method", "adain", "--content-weight", "0.25",
                                       "--content-size", "0", "--style-size", "64", "--pyramid-levels", "3",
                                       "--record", "adain.json"},
                                      dir.path());
  ASSERT_EQ(adain.exit_code, 0) << adain.output;
  EXPECT_TRUE(contains(adain.output, "adain.jpg: the content image has an alpha channel, which JPEG cannot keep"))
      << adain.output;
  const nlohmann::json adain_record = nlohmann::json::parse(read_file(dir / "adain.json"));
  EXPECT_EQ(adain_record["content_weight"], 0.25);
  EXPECT_EQ(adain_record["port_alpha"], 0.75);
}

TEST(Stylize, AGrayscaleContentBecomesRgb) {
  require_samples();
  testing::TempDir dir;
  cv::Mat gray;
  cv::extractChannel(load_image(testing::sample_cache_dir() / "samples/aloeL.jpg").rgb, gray, 1);
  save_image(dir / "gray.png", gray);
  ASSERT_EQ(decode_image_as_stored(read_file(dir / "gray.png"), "gray.png").channels(), 1);
  const ProcessResult result =
      run_cli({"stylize", "gray.png", (testing::sample_cache_dir() / "samples/starry_night.jpg").string(), "-o",
               "out.png", "--method", "adain", "--content-size", "80", "--style-size", "80", "--pyramid-levels", "3"},
              dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const cv::Mat out = decode_image_as_stored(read_file(dir / "out.png"), "out.png");
  EXPECT_EQ(out.channels(), 3);
  EXPECT_EQ(out.rows, 80);
  // the style's colours arrive: the channels are no longer equal
  std::vector<cv::Mat> channels;
  cv::split(out, channels);
  EXPECT_GT(cv::norm(channels[0], channels[2], cv::NORM_L1) / out.total(), 5.0);
}

TEST(Stylize, UsageErrorsSayWhatIsMissing) {
  const std::string style = (testing::sample_cache_dir() / "samples/brick.png").string();
  ProcessResult result = run_cli({"stylize", style, style, style, "-o", "x.png", "--style-mode", "single"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "style mode single takes 1 style image, got 2")) << result.output;
  // (da-adain without depth options takes the default estimator: tests/torch/stylize_batch_test.cc)
  result = run_cli({"stylize", style, style, "-o", "x.png", "--depth-map", "d.pfm"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "--depth-map needs --depth-meaning")) << result.output;
  result = run_cli({"stylize", style, style, "-o", "x.png", "--method", "adian"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "unknown method 'adian' (did you mean 'adain'?)")) << result.output;
  result = run_cli({"stylize", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(contains(result.output, "port alpha = 1 - content-weight")) << result.output;
  EXPECT_TRUE(contains(result.output, "depthstyle stylize CONTENT... --style STYLE...   every content x style "
                                      "combination -> --output-dir"))
      << result.output;
}

}  // namespace
}  // namespace depthstyle
