// The estimator registry, and the network estimators (TorchScript through LibTorch, ONNX through OpenCV dnn) on tiny
// models written by tests/fixtures/depth/make_depth_fixtures.py with the PyTorch outputs they must reproduce.
#include <ATen/ATen.h>

#include "config/config_document.h"
#include "config/schema.h"
#include "core/error.h"
#include "core/sha256.h"
#include "depth/depth_estimator.h"
#include "depth/network_estimator.h"
#include "depth/resampling.h"
#include "io/depth_map.h"
#include "io/image.h"
#include "tensor/tensor_image.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::fixture_path;

DepthEstimatorConfig estimator_config(const std::string& name, const std::string& type) {
  DepthEstimatorConfig config;
  config.name = name;
  config.type = type;
  return config;
}

// max |a - b| <= tolerance * max(1, max |b|): float32 convolutions here and in PyTorch sum in different orders.
void expect_close(const cv::Mat& actual, const cv::Mat& expected, double tolerance, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  const double scale = std::max(1.0, cv::norm(expected, cv::NORM_INF));
  EXPECT_LE(cv::norm(actual, expected, cv::NORM_INF), tolerance * scale) << what;
}

DepthQuery fixture_query() {
  const std::filesystem::path path = fixture_path("depth/input.png");
  const cv::Mat rgb = load_image(path).rgb;
  return {path, rgb, rgb.size()};
}

// The preprocessing the fixture script applies before tiny_depth: x * 255, BGR, mean (100, 110, 120), std 50.
DepthEstimatorConfig tiny_depth_entry(const std::string& type, const std::string& file) {
  DepthEstimatorConfig config = estimator_config("tiny", type);
  config.path = fixture_path("depth/" + file).string();
  config.meaning = "disparity";
  config.preprocessing.value_scale = 255;
  config.preprocessing.channels = "bgr";
  config.preprocessing.mean = {100, 110, 120};
  config.preprocessing.std = {50};
  config.preprocessing.output_size = "model";
  return config;
}

TEST(DepthEstimatorRegistry, VerticalBaselineMakesLowerRowsNearer) {
  auto estimator = make_depth_estimator(estimator_config("floor", "vertical"));
  EXPECT_FALSE(estimator->needs_pixels());
  const DepthPrediction prediction = estimator->estimate({"", {}, cv::Size(3, 5)});
  ASSERT_EQ(prediction.values.size(), cv::Size(3, 5));
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  EXPECT_FLOAT_EQ(prediction.values.at<float>(0, 2), 0.0f);
  EXPECT_FLOAT_EQ(prediction.values.at<float>(4, 0), 1.0f);
  EXPECT_EQ(farther_order(prediction.meaning, prediction.values.at<float>(1, 1), prediction.values.at<float>(3, 1)), 1);
}

TEST(DepthEstimatorRegistry, UnknownTypeNamesTheEntryAndSuggests) {
  EXPECT_THROW_MESSAGE(make_depth_estimator(estimator_config("mine", "verticl")), UsageError,
                       "depth estimator 'mine': unknown type 'verticl' (did you mean 'vertical'?)");
}

TEST(DepthEstimatorRegistry, KeysATypeDoesNotUseAreRejectedNamingTheEntry) {
  DepthEstimatorConfig vertical = estimator_config("floor", "vertical");
  vertical.path = "model.pt";
  EXPECT_THROW_MESSAGE(make_depth_estimator(vertical), UsageError,
                       "depth estimator 'floor': type vertical does not use key path; it reads no keys besides name "
                       "and type");
  DepthEstimatorConfig random = estimator_config("chance", "random");
  random.preset = "midas_v2";
  random.preprocessing.width = 64;
  EXPECT_THROW_MESSAGE(make_depth_estimator(random), UsageError,
                       "depth estimator 'chance': type random does not use keys preset, preprocessing.width; it reads "
                       "seed");
  DepthEstimatorConfig model = tiny_depth_entry("torchscript", "tiny_depth.pt");
  model.images_root = "data";
  EXPECT_THROW_MESSAGE(make_depth_estimator(model), UsageError,
                       "depth estimator 'tiny': type torchscript does not use key images_root; it reads path, meaning, "
                       "preset, preprocessing");
}

TEST(DepthEstimatorRegistry, SeedMinusOneIsTheRunsSeed) {
  const DepthQuery query{"a.jpg", {}, cv::Size(8, 8)};
  DepthEstimatorConfig derived = estimator_config("chance", "random");
  DepthEstimatorConfig explicit_seed = derived;
  explicit_seed.seed = 42;
  const cv::Mat from_run = make_depth_estimator(derived, 42)->estimate(query).values;
  EXPECT_EQ(cv::norm(from_run, make_depth_estimator(explicit_seed, 0)->estimate(query).values, cv::NORM_INF), 0.0);
  EXPECT_EQ(make_depth_estimator(derived, 42)->describe()["seed"], 42);
}

TEST(DepthEstimatorRegistry, EntriesAreReadFromYamlWithPresetAndOverrides) {
  std::vector<DepthEstimatorConfig> entries;
  Schema schema("experiment 'diw_eval'");
  schema.add_list<DepthEstimatorConfig>("depth_estimators", &entries, declare_depth_estimator, "depth estimators");
  schema.read(
      ConfigDocument::from_string("depth_estimators:\n"
                                  "  - {name: midas, type: torchscript, path: m.pt, preset: midas_v21_large,\n"
                                  "     preprocessing: {output_size: model, mean: [0.5], interpolation: area}}\n"
                                  "  - {name: haze, type: dark_channel, dark_channel: {patch: 7}}\n",
                                  "table1.yaml"));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].preset, "midas_v21_large");
  EXPECT_EQ(entries[0].preprocessing.output_size, "model");
  EXPECT_EQ(entries[0].preprocessing.mean, std::vector<double>{0.5});
  EXPECT_EQ(depth_estimator_keys_set(entries[0]),
            (std::vector<std::string>{"path", "preset", "preprocessing.interpolation", "preprocessing.mean",
                                      "preprocessing.output_size"}));
  EXPECT_EQ(entries[1].dark_channel_patch, 7);
  EXPECT_THROW_MESSAGE(
      schema.read(ConfigDocument::from_string(
          "depth_estimators:\n  - {name: m, type: onnx, preset: midas_v21_smal_onnx}\n", "table1.yaml")),
      ConfigError, "table1.yaml:2:35: 'depth_estimators[0].preset': 'midas_v21_smal_onnx' is not one of");
  EXPECT_THROW_MESSAGE(
      schema.read(ConfigDocument::from_string(
          "depth_estimators:\n  - {name: m, type: onnx, preprocessing: {rounding: uper_bound}}\n", "table1.yaml")),
      ConfigError, "(did you mean 'upper_bound'?)");
}

TEST(TorchScriptEstimator, EqualsPyTorchOnTheFixtureImage) {
  for (const char* file : {"tiny_depth.pt", "tiny_depth_hw.pt"}) {
    auto estimator = make_depth_estimator(tiny_depth_entry("torchscript", file));
    const DepthPrediction prediction = estimator->estimate(fixture_query());
    EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
    expect_close(prediction.values, read_depth_map(fixture_path("depth/expected_tiny_depth.npy")), 1e-5, file);
  }
}

TEST(TorchScriptEstimator, OutputResizedBackWithCubicEqualsPyTorchsBicubic) {
  DepthEstimatorConfig config = tiny_depth_entry("torchscript", "tiny_depth.pt");
  config.preprocessing.output_size = "input";
  config.preprocessing.output_interpolation = "cubic";
  const DepthPrediction prediction = make_depth_estimator(config)->estimate(fixture_query());
  expect_close(prediction.values, read_depth_map(fixture_path("depth/expected_tiny_depth_bicubic_back.npy")), 1e-5,
               "48x64 -> 24x32");
}

TEST(TorchScriptEstimator, DescribeGivesTheFileChecksumPresetAndEffectivePreprocessing) {
  DepthEstimatorConfig config = tiny_depth_entry("torchscript", "tiny_depth.pt");
  config.preset = "midas_v2";
  const nlohmann::json description = make_depth_estimator(config)->describe();
  EXPECT_EQ(description["type"], "torchscript");
  EXPECT_EQ(description["files"], nlohmann::json::parse("[{\"path\": \"" + config.path + "\", \"sha256\": \"" +
                                                        sha256_hex_of_file(config.path) + "\"}]"));
  EXPECT_EQ(description["preset"], "midas_v2");
  EXPECT_EQ(description["preprocessing"]["rounding"], "upper_bound");
  EXPECT_EQ(description["preprocessing"]["channels"], "bgr");
  EXPECT_EQ(description["preprocessing"]["meaning"], "proximity");
}

TEST(TorchScriptEstimator, BadModelsAndEntriesGiveClearErrors) {
  DepthEstimatorConfig config = tiny_depth_entry("torchscript", "missing.pt");
  EXPECT_THROW_MESSAGE(make_depth_estimator(config), InputError,
                       config.path + ": no such model file (depth estimator 'tiny')");
  config.path.clear();
  EXPECT_THROW_MESSAGE(make_depth_estimator(config), UsageError, "depth estimator 'tiny': set path to the model file");
  config = tiny_depth_entry("torchscript", "truncated.pt");
  EXPECT_THROW_MESSAGE(make_depth_estimator(config), InputError, config.path + ": not a loadable TorchScript model");
  config = tiny_depth_entry("torchscript", "returns_tuple.pt");
  EXPECT_THROW_MESSAGE(make_depth_estimator(config)->estimate(fixture_query()), InputError,
                       config.path + ": forward returned a Tuple; a depth model must return one tensor");
  config = tiny_depth_entry("torchscript", "wrong_channels.pt");
  EXPECT_THROW_MESSAGE(
      make_depth_estimator(config)->estimate(fixture_query()), InputError,
      config.path + ": forward failed on " + fixture_path("depth/input.png").string() + " (input 1x3x24x32)");
  config = tiny_depth_entry("torchscript", "tiny_depth.pt");
  config.meaning.clear();
  EXPECT_THROW_MESSAGE(make_depth_estimator(config), UsageError,
                       "depth estimator 'tiny': set meaning (depth or proximity) or a preset that declares it");
  config.preset = "monodepth2";
  EXPECT_THROW_MESSAGE(make_depth_estimator(config), UsageError,
                       "depth estimator 'tiny': set preprocessing.width and preprocessing.height to the model's feed "
                       "size (preset monodepth2 takes it from the model's own files)");
}

TEST(TorchScriptEstimator, NeedsThePixels) {
  auto estimator = make_depth_estimator(tiny_depth_entry("torchscript", "tiny_depth.pt"));
  EXPECT_TRUE(estimator->needs_pixels());
  EXPECT_THROW_MESSAGE(estimator->estimate({"a.jpg", {}, cv::Size(4, 4)}), UsageError,
                       "a.jpg: a torchscript depth model needs the image's pixels");
}

TEST(OnnxEstimator, EqualsPyTorchOnTheFixtureImage) {
  const DepthPrediction prediction =
      make_depth_estimator(tiny_depth_entry("onnx", "tiny_depth.onnx"))->estimate(fixture_query());
  expect_close(prediction.values, read_depth_map(fixture_path("depth/expected_tiny_depth.npy")), 1e-5,
               "tiny_depth.onnx");
}

DepthEstimatorConfig resize_entry(const std::string& mode) {
  DepthEstimatorConfig config = estimator_config(mode, "onnx");
  config.path = fixture_path("depth/resize_" + mode + ".onnx").string();
  config.meaning = "depth";
  config.preprocessing.output_size = "model";
  return config;
}

TEST(OnnxEstimator, OpenCvRunsTheResizeModesOfPyTorchsExportsLikePyTorch) {
  for (const std::string mode : {"nearest", "bilinear", "bilinear_align_corners"}) {
    const DepthPrediction prediction = make_depth_estimator(resize_entry(mode))->estimate(fixture_query());
    expect_close(prediction.values, read_depth_map(fixture_path("depth/expected_resize_" + mode + ".npy")), 1e-5, mode);
  }
}

TEST(OnnxEstimator, ModelsOpenCvCannotLoadGiveAnInputErrorQuotingOpenCv) {
  const std::string cannot_load = std::string(": OpenCV ") + CV_VERSION + " dnn cannot load this ONNX model: ";
  const std::pair<std::string, std::string> cases[] = {
      {"not_onnx.onnx", "Failed to parse ONNX model"},
      {"truncated.onnx", "Failed to parse ONNX model"},
      {"grid_sample.onnx", "Can't create layer \"onnx_node!/GridSample\" of type \"GridSample\""},
      {"resize_bicubic.onnx", "imports ONNX Resize only with mode nearest or linear; the cubic mode PyTorch exports"},
  };
  for (const auto& [file, reason] : cases) {
    DepthEstimatorConfig config = resize_entry("nearest");
    config.path = fixture_path("depth/" + file).string();
    EXPECT_THROW_MESSAGE(make_depth_estimator(config), InputError, config.path + cannot_load);
    EXPECT_THROW_MESSAGE(make_depth_estimator(config), InputError, reason);
  }
}

TEST(DepthResampling, CubicAndLinearEqualPyTorchsInterpolateWhenEnlarging) {
  at::manual_seed(3);
  const at::Tensor map = at::rand({1, 1, 24, 32});
  const cv::Mat image = image_from_tensor(map);
  const at::Tensor bicubic = at::upsample_bicubic2d(map, {61, 83}, /*align_corners=*/false);
  const at::Tensor bilinear = at::upsample_bilinear2d(map, {61, 83}, /*align_corners=*/false);
  expect_close(resample(image, {83, 61}, Interpolation::kCubic), image_from_tensor(bicubic), 1e-5, "cubic");
  expect_close(resample(image, {83, 61}, Interpolation::kLinear), image_from_tensor(bilinear), 1e-5, "linear");
}

TEST(DepthResampling, LinearAlignCornersEqualsPyTorchsBilinearWithAlignCorners) {
  // Depth Anything's infer_image output resize: enlarging, shrinking, one row, and a 1-pixel source. Values in [0, 1];
  // PyTorch's kernel forms the weights and the two lerps in another order (and vectorised), so results differ by
  // float rounding of the source position and weights: measured up to 1.9e-6, bound 1e-5 (the estimator's test
  // bounds the whole map at 1e-4).
  at::manual_seed(4);
  for (const auto& [from, to] : std::vector<std::pair<cv::Size, cv::Size>>{
           {{32, 24}, {83, 61}}, {{83, 61}, {32, 24}}, {{40, 30}, {17, 1}}, {{1, 1}, {5, 3}}}) {
    const at::Tensor map = at::rand({1, 1, from.height, from.width});
    const at::Tensor expected = at::upsample_bilinear2d(map, {to.height, to.width}, /*align_corners=*/true);
    expect_close(resample(image_from_tensor(map), to, Interpolation::kLinearAlignCorners), image_from_tensor(expected),
                 1e-5, "linear_align_corners");
  }
  // Three channels are resampled alike.
  const at::Tensor rgb = at::rand({1, 3, 20, 30});
  const at::Tensor expected = at::upsample_bilinear2d(rgb, {45, 26}, /*align_corners=*/true);
  expect_close(resample(image_from_tensor(rgb), {26, 45}, Interpolation::kLinearAlignCorners),
               image_from_tensor(expected), 1e-5, "linear_align_corners, 3 channels");
}

}  // namespace
}  // namespace depthstyle
