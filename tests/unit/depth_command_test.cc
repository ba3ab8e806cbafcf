// `depthstyle depth` on the real CLI process: the maps it writes are re-read and compared with the estimator's map
// computed here in-process (the weight-free dark-channel estimator, which needs the pixels), the PFM and the PNG16
// levels with what MiDaS's run.py writes (tests/fixtures/depth/midas_map_writers.py, run by /usr/bin/python3), the
// sidecar's fields, skipping and --overwrite, globs and --recursive, and the failures it lists.
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <limits>

#include "core/atomic_file.h"
#include "core/process.h"
#include "core/sha256.h"
#include "depth/dark_channel.h"
#include "depth_export/depth_export.h"
#include "io/depth_map.h"
#include "io/image.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::run_cli;
using testing::TempDir;

// A 64x48 colour photo stand-in with structure the dark channel sees (a hazy bright top, saturated bottom).
void write_colour_image(const fs::path& path) {
  cv::Mat rgb(48, 64, CV_32FC3);
  for (int row = 0; row < rgb.rows; ++row) {
    for (int col = 0; col < rgb.cols; ++col) {
      const float haze = 1.0f - static_cast<float>(row) / rgb.rows;
      rgb.at<cv::Vec3f>(row, col) = {haze, 0.5f * haze + 0.3f * ((col / 8) % 2), 0.2f + 0.6f * haze};
    }
  }
  save_image(path, rgb);
}

// An 8-bit one-channel PNG (40x30), which load_image turns into three equal channels.
void write_gray_image(const fs::path& path) {
  cv::Mat gray(30, 40, CV_8UC1);
  for (int row = 0; row < gray.rows; ++row) {
    for (int col = 0; col < gray.cols; ++col) gray.at<std::uint8_t>(row, col) = static_cast<std::uint8_t>(6 * row + col);
  }
  ASSERT_TRUE(cv::imwrite(path.string(), gray));
}

std::unique_ptr<DepthEstimator> dark_channel() {
  DepthEstimatorConfig config;
  config.name = "dark_channel";
  config.type = "dark_channel";
  return make_dark_channel_estimator(config);
}

// The estimator's map of `image`, computed here as the command computes it.
cv::Mat expected_map(const fs::path& image) {
  DepthQuery query;
  query.image_path = image;
  query.rgb = load_image(image).rgb;
  query.size = query.rgb.size();
  return dark_channel()->estimate(query).values;
}

void expect_identical(const cv::Mat& actual, const cv::Mat& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  ASSERT_EQ(actual.type(), CV_32FC1) << what;
  for (int row = 0; row < expected.rows; ++row) {
    ASSERT_EQ(0, std::memcmp(actual.ptr<float>(row), expected.ptr<float>(row), expected.cols * sizeof(float)))
        << what << ": row " << row << " differs";
  }
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_file(path)); }

// A folder with a colour image, a grayscale one and a corrupt one.
struct Inputs {
  TempDir dir;
  fs::path images = dir / "images";
  fs::path out = dir / "out";
  Inputs() {
    fs::create_directories(images);
    write_colour_image(images / "colour.png");
    write_gray_image(images / "gray.png");
    write_file_atomically(images / "corrupt.jpg", "this is not a JPEG");
  }
  ProcessResult run(std::vector<std::string> extra) const {
    std::vector<std::string> arguments = {"depth", images.string(), "-o", out.string(), "--depth-estimator",
                                          "dark_channel", "--quiet"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return run_cli(arguments);
  }
};

TEST(DepthCommand, WritesTheEstimatorsMapsAndListsTheCorruptImage) {
  const Inputs inputs;
  const ProcessResult result = inputs.run({"--preview"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "depth: 2 written, 1 failed:")) << result.output;
  EXPECT_TRUE(contains(result.output, (inputs.images / "corrupt.jpg").string() + ": not an image OpenCV can decode"))
      << result.output;
  EXPECT_FALSE(fs::exists(inputs.out / "corrupt.pfm"));
  EXPECT_FALSE(fs::exists(inputs.out / "corrupt.json"));
  for (const std::string stem : {"colour", "gray"}) {
    const fs::path image = inputs.images / (stem + ".png");
    const cv::Mat expected = expected_map(image);
    expect_identical(read_depth_map(inputs.out / (stem + ".pfm")), expected, stem + ".pfm");
    const cv::Mat preview = load_image(inputs.out / (stem + "_preview.png")).rgb;
    EXPECT_EQ(preview.size(), expected.size()) << stem;

    const nlohmann::json sidecar = read_json(inputs.out / (stem + ".json"));
    EXPECT_EQ(sidecar["input"]["path"], image.string());
    EXPECT_EQ(sidecar["input"]["sha256"], sha256_hex_of_file(image));
    EXPECT_EQ(sidecar["input"]["width"], expected.cols);
    EXPECT_EQ(sidecar["input"]["height"], expected.rows);
    EXPECT_EQ(sidecar["estimator"], dark_channel()->describe());
    const nlohmann::json& map = sidecar["map"];
    EXPECT_EQ(map["file"], stem + ".pfm");
    EXPECT_EQ(map["format"], "pfm");
    EXPECT_EQ(map["meaning"], "depth");  // the dark channel's: bigger = farther
    EXPECT_EQ(map["width"], expected.cols);
    EXPECT_EQ(map["height"], expected.rows);
    double min = 0, max = 0;
    cv::minMaxLoc(expected, &min, &max);
    EXPECT_EQ(map["values"]["min"].get<double>(), min);
    EXPECT_EQ(map["values"]["max"].get<double>(), max);
    EXPECT_EQ(map["values"]["unknown_pixels"], 0);
    EXPECT_EQ(sidecar["preview"]["file"], stem + "_preview.png");
    EXPECT_GE(sidecar["seconds"]["total"].get<double>(), sidecar["seconds"]["estimate"].get<double>());
  }
}

// Unreadable images first, between and last (a truncated PNG, a corrupt JPEG, an empty file) are all listed, in input
// order, and each good one between them gets its own map.
TEST(DepthCommand, ListsEveryFailureInInputOrder) {
  const Inputs inputs;
  write_file_atomically(inputs.images / "a_truncated.png", "\x89PNG\r\n");
  write_file_atomically(inputs.images / "z_empty.jpg", "");
  const ProcessResult result = inputs.run({});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "depth: 2 written, 3 failed:")) << result.output;
  const std::size_t first = result.output.find((inputs.images / "a_truncated.png").string() + ": ");
  const std::size_t middle = result.output.find((inputs.images / "corrupt.jpg").string() + ": ");
  const std::size_t last = result.output.find((inputs.images / "z_empty.jpg").string() + ": ");
  ASSERT_NE(first, std::string::npos) << result.output;
  ASSERT_NE(middle, std::string::npos) << result.output;
  ASSERT_NE(last, std::string::npos) << result.output;
  EXPECT_LT(first, middle);
  EXPECT_LT(middle, last);
  for (const std::string stem : {"colour", "gray"}) {
    expect_identical(read_depth_map(inputs.out / (stem + ".pfm")), expected_map(inputs.images / (stem + ".png")),
                     stem + ".pfm");
    const nlohmann::json sidecar = read_json(inputs.out / (stem + ".json"));
    EXPECT_EQ(sidecar["input"]["path"], (inputs.images / (stem + ".png")).string());
  }
}

// The PFM bytes and the PNG16 levels against what MiDaS's write_pfm and write_depth(bits=2) write for the same map.
TEST(DepthCommand, PfmAndPng16AreWhatMidasWrites) {
  const Inputs inputs;
  ASSERT_EQ(inputs.run({}).exit_code, 1);  // the corrupt image
  ASSERT_EQ(inputs.run({"--format", "npy"}).exit_code, 1);
  // Last, so that the sidecars (one per image, rewritten by every run that writes its map) describe the PNGs.
  ASSERT_EQ(inputs.run({"--format", "png16"}).exit_code, 1);
  for (const std::string stem : {"colour", "gray"}) {
    const cv::Mat expected = expected_map(inputs.images / (stem + ".png"));
    // npy: the same float32 values.
    expect_identical(read_depth_map(inputs.out / (stem + ".npy")), expected, stem + ".npy");
    // The reference writers on the map the command stored.
    const fs::path reference_pfm = inputs.dir / (stem + "_midas.pfm");
    const fs::path reference_levels = inputs.dir / (stem + "_midas_levels.npy");
    const ProcessResult python =
        run_process({"/usr/bin/python3", testing::fixture_path("depth/midas_map_writers.py").string(),
                     (inputs.out / (stem + ".npy")).string(), reference_pfm.string(), reference_levels.string()});
    ASSERT_EQ(python.exit_code, 0) << python.output;
    EXPECT_EQ(read_file(inputs.out / (stem + ".pfm")), read_file(reference_pfm)) << stem << ".pfm";
    const cv::Mat levels = read_depth_map(inputs.out / (stem + ".png"));
    expect_identical(levels, read_depth_map(reference_levels), stem + ".png levels");

    // The sidecar's png16 range gives the values back within one level (truncation: value - min < 1 level above).
    const nlohmann::json png16 = read_json(inputs.out / (stem + ".json"))["map"]["png16"];
    const double min = png16["min"], max = png16["max"];
    const double step = (max - min) / 65535;
    ASSERT_GT(step, 0) << stem;
    double worst = 0;
    for (int row = 0; row < expected.rows; ++row) {
      for (int col = 0; col < expected.cols; ++col) {
        const double recovered = min + levels.at<float>(row, col) * step;
        worst = std::max(worst, (expected.at<float>(row, col) - recovered) / step);
      }
    }
    EXPECT_LT(worst, 1.0 + 1e-3) << stem << ": values recovered from png16 are off by " << worst << " levels";
  }
}

// MiDaS's handling of unknown values (NaN, +-inf count as 0) and of a constant map, against its write_depth.
TEST(DepthCommand, Png16LevelsTreatNonFiniteAndConstantMapsAsMidas) {
  TempDir dir;
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<cv::Mat> maps = {
      (cv::Mat_<float>(2, 4) << 0.5f, nan, 3.25f, -inf, inf, 1e-3f, 2.0f, 7.5f),
      (cv::Mat_<float>(2, 3) << 4, 4, 4, 4, 4, 4),
      (cv::Mat_<float>(1, 5) << -2.0f, -1.5f, -1.0f, 0.3333333f, 1e6f)};
  for (std::size_t i = 0; i < maps.size(); ++i) {
    const fs::path map_path = dir / ("map" + std::to_string(i) + ".npy");
    write_depth_map(map_path, maps[i]);
    const ProcessResult python =
        run_process({"/usr/bin/python3", testing::fixture_path("depth/midas_map_writers.py").string(),
                     map_path.string(), (dir / "unused.pfm").string(), (dir / "levels.npy").string()});
    ASSERT_EQ(python.exit_code, 0) << python.output;
    float min = 0, max = 0;
    expect_identical(png16_levels(maps[i], min, max), read_depth_map(dir / "levels.npy"), "map " + std::to_string(i));
  }
}

TEST(DepthCommand, SkipsImagesWhoseOutputsExistUnlessOverwrite) {
  const Inputs inputs;
  ASSERT_EQ(inputs.run({"--preview"}).exit_code, 1);
  write_file_atomically(inputs.out / "colour.json", "kept\n");
  const ProcessResult again = inputs.run({"--preview"});
  EXPECT_TRUE(contains(again.output, "depth: 0 written, 2 skipped (output exists; --overwrite replaces it), 1 failed"))
      << again.output;
  EXPECT_EQ(read_file(inputs.out / "colour.json"), "kept\n");
  // A missing output (here the preview) means the image is done again.
  fs::remove(inputs.out / "gray_preview.png");
  EXPECT_TRUE(contains(inputs.run({"--preview"}).output, "depth: 1 written, 1 skipped")) << "gray redone";
  EXPECT_TRUE(fs::exists(inputs.out / "gray_preview.png"));
  const ProcessResult overwrite = inputs.run({"--preview", "--overwrite"});
  EXPECT_TRUE(contains(overwrite.output, "depth: 2 written, 1 failed")) << overwrite.output;
  EXPECT_EQ(read_json(inputs.out / "colour.json")["map"]["file"], "colour.pfm");
}

TEST(DepthCommand, TakesGlobsAndSubFoldersWithRecursive) {
  const Inputs inputs;
  fs::create_directories(inputs.images / "more");
  write_colour_image(inputs.images / "more" / "nested.jpg");
  // A glob: only the PNG files of the folder.
  const fs::path glob_out = inputs.dir / "glob_out";
  const ProcessResult glob = run_cli({"depth", (inputs.images / "*.png").string(), "-o", glob_out.string(),
                                      "--depth-estimator", "vertical", "--quiet"});
  EXPECT_EQ(glob.exit_code, 0) << glob.output;
  EXPECT_TRUE(contains(glob.output, "depth: 2 written, 0 failed")) << glob.output;
  EXPECT_TRUE(fs::exists(glob_out / "gray.pfm"));
  EXPECT_FALSE(fs::exists(glob_out / "corrupt.pfm"));
  // The folder without --recursive leaves more/ alone; with it, nested.jpg is taken.
  EXPECT_TRUE(contains(inputs.run({}).output, "depth: 2 written, 1 failed")) << "flat";
  EXPECT_FALSE(fs::exists(inputs.out / "nested.pfm"));
  const ProcessResult recursive = inputs.run({"--recursive", "--overwrite"});
  EXPECT_TRUE(contains(recursive.output, "depth: 3 written, 1 failed")) << recursive.output;
  expect_identical(read_depth_map(inputs.out / "nested.pfm"), expected_map(inputs.images / "more" / "nested.jpg"),
                   "nested.pfm");
}

TEST(DepthCommand, SameStemTwiceIsAFailureNotAnOverwrite) {
  const Inputs inputs;
  fs::create_directories(inputs.images / "more");
  write_gray_image(inputs.images / "more" / "colour.jpg");
  // An output folder inside the input folder: its maps and previews are not inputs of the next run.
  const fs::path inside = inputs.images / "maps";
  const std::vector<std::string> arguments = {"depth",  inputs.images.string(), "-o", inside.string(), "-r",
                                              "--depth-estimator", "dark_channel", "--preview", "--format", "png16",
                                              "--quiet"};
  const ProcessResult result = run_cli(arguments);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.output, "depth: 2 written, 2 failed:")) << result.output;
  EXPECT_TRUE(contains(result.output, (inputs.images / "more" / "colour.jpg").string() + ": its outputs (")) << result.output;
  EXPECT_TRUE(contains(result.output, "would replace those of " + (inputs.images / "colour.png").string()))
      << result.output;
  EXPECT_EQ(read_json(inside / "colour.json")["input"]["path"], (inputs.images / "colour.png").string());
  const ProcessResult again = run_cli(arguments);
  EXPECT_TRUE(contains(again.output, "depth: ignored 4 file(s) inside the output folder")) << again.output;
  EXPECT_TRUE(contains(again.output, "depth: 0 written, 2 skipped")) << again.output;
}

TEST(DepthCommand, UsageErrorsNameWhatIsMissing) {
  const Inputs inputs;
  // Without --depth-estimator: the weights folder's best model; the tests' folder does not exist, so `vertical`.
  const ProcessResult no_estimator =
      run_cli({"depth", inputs.images.string(), "-o", inputs.out.string(), "--quiet"});
  EXPECT_TRUE(contains(no_estimator.output, "using depth: vertical (default: weight-free")) << no_estimator.output;
  EXPECT_TRUE(fs::exists(inputs.out / "gray.pfm")) << no_estimator.output;
  const ProcessResult format = inputs.run({"--format", "pmf"});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_TRUE(contains(format.output, "--format: unknown depth map format 'pmf'; expected one of pfm, npy, png16"))
      << format.output;
  const ProcessResult nothing = run_cli({"depth", (inputs.dir / "missing").string(), "-o", inputs.out.string(),
                                         "--depth-estimator", "vertical", "--quiet"});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_TRUE(contains(nothing.output, "depth: 0 written, 1 failed:")) << nothing.output;
  EXPECT_TRUE(contains(nothing.output, "missing: no such file or folder")) << nothing.output;
}

}  // namespace
}  // namespace depthstyle
