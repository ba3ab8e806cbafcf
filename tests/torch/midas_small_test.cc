// MiDaS v2.1 small, natively (nets/efficientnet_lite, nets/midas_small) and as the midas estimator's version
// v21_small, against PyTorch eager running the reference modules of tests/fixtures/depth/make_midas_small_fixtures.py
// (MidasNet_small with gen-efficientnet's tf_efficientnet_lite3, official module names) on seeded random weights saved
// in the published layout, and against the committed key/shape list of the real file
// (tests/fixtures/depth/native_keys/midas_v21_small.txt). Every network output and feature within 1e-4 (relative
// L-infinity, native_depth_fixtures.h).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "core/error.h"
#include "core/sha256.h"
#include "depth/depth_estimator.h"
#include "depth/preprocessing.h"
#include "tensor/checkpoint.h"
#include "io/image.h"
#include "nets/midas.h"
#include "nets/midas_small.h"
#include "native_depth_fixtures.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::fixture_array;
using testing::key_list;
using testing::relative_max_difference;

constexpr double kTolerance = 1e-4;

fs::path fixture_dir() { return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "depth_midas_small"; }
fs::path weight_file(const std::string& name = "midas_v21_small_256.pt") { return fixture_dir() / "weights/midas" / name; }
at::Tensor array(const std::string& name) { return fixture_array(fixture_dir(), name); }

const MidasSmallNetwork& network() {
  static const MidasSmallNetwork loaded(read_checkpoint(weight_file()).tensors, "midas_v21_small_256.pt");
  return loaded;
}

DepthEstimatorConfig small_entry(const fs::path& file = weight_file()) {
  DepthEstimatorConfig config;
  config.name = "midas_small";
  config.type = "midas";
  config.version = "v21_small";
  config.path = file.string();
  return config;
}

// --- The published layout ---

TEST(MidasSmallLayout, ThePublishedFileMatchesTheLayoutKeyForKey) {
  const testing::KeyList list = key_list("midas_v21_small");
  const WeightLayout& layout = midas_small_weight_layout();
  ASSERT_EQ(layout.tensors.size(), list.tensors.size());
  EXPECT_EQ(list.tensors.size(), 482u);  // 99 convs, 72 of them with a BatchNorm (5 entries), 23 conv biases
  NamedTensors required;
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
    const ExpectedTensor& expected = layout.tensors[i];
    EXPECT_EQ(expected.name, list.tensors[i].first);
    EXPECT_EQ(at::IntArrayRef(expected.shape), list.tensors[i].second.sizes()) << expected.name;
    EXPECT_EQ(expected.dtype, list.tensors[i].second.scalar_type()) << expected.name;
    EXPECT_EQ(expected.required, expected.name.find("num_batches_tracked") == std::string::npos) << expected.name;
    if (expected.required) required.push_back(list.tensors[i]);
  }
  EXPECT_TRUE(layout_differences(layout, list.tensors).empty());
  // The layout builds a network, also from a file without BatchNorm's counters.
  EXPECT_NO_THROW(MidasSmallNetwork(list.tensors, "midas_v21_small_256.pt"));
  EXPECT_NO_THROW(MidasSmallNetwork(required, "midas_v21_small_256.pt"));
}

// --- Against PyTorch eager ---

TEST(MidasSmallAgainstPytorch, EncoderFeatures) {
  const std::vector<at::Tensor> features = network().encode(array("small_input_256x256"));
  ASSERT_EQ(features.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const at::Tensor expected = array("small_features_" + std::to_string(i + 1));
    EXPECT_LE(relative_max_difference(features[i], expected), kTolerance) << "layer" << i + 1;
  }
}

TEST(MidasSmallAgainstPytorch, OutputAtASquareAndANonSquareSize) {
  for (const char* size : {"256x256", "192x320"}) {
    const at::Tensor expected = array(concat("small_output_", size));
    const at::Tensor output = network().forward(array(concat("small_input_", size)));
    ASSERT_EQ(output.dim(), 4);
    // The head's final ReLU clips part of the map: the weights were calibrated so that it does, but not all of it.
    EXPECT_GT(expected.gt(0).to(at::kFloat).mean().item<double>(), 0.9) << size;
    const double difference = relative_max_difference(output.squeeze(1), expected);
    EXPECT_LE(difference, kTolerance) << size;
    std::cout << "MiDaS v2.1 small " << size << ": max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
  }
}

TEST(MidasSmallAgainstPytorch, InputsOfTheWrongShapeAreRejected) {
  EXPECT_THROW_MESSAGE(network().forward(at::rand({1, 3, 100, 96})), Error,
                       "MiDaS v2.1 small: expected a 1x3xHxW float32 image with H and W multiples of 32, got float32 "
                       "[1, 3, 100, 96]");
}

// --- Files that are not the weights ---

TEST(MidasSmallWrongFiles, MissingAndMisshapenTensorsAreListed) {
  NamedTensors tensors = key_list("midas_v21_small").tensors;
  tensors.erase(std::find_if(tensors.begin(), tensors.end(),
                             [](const auto& entry) { return entry.first == "scratch.output_conv.4.weight"; }));
  for (auto& [name, tensor] : tensors) {
    if (name == "pretrained.layer2.0.1.conv_dw.weight") tensor = at::zeros({288, 1, 3, 3});
  }
  EXPECT_THROW_MESSAGE(MidasSmallNetwork(tensors, "/w/small.pt"), InputError,
                       "/w/small.pt: does not hold the MiDaS v2.1 small (midas_v21_small_256.pt, "
                       "model-small-70d6b9c8.pt) weights (2 differences):\n"
                       "  wrong shape of 'pretrained.layer2.0.1.conv_dw.weight': expected [288, 1, 5, 5], found "
                       "[288, 1, 3, 3]\n"
                       "  missing tensor 'scratch.output_conv.4.weight': expected float32 [1, 32, 1, 1]");
}

TEST(MidasSmallWrongFiles, AnotherMidasFileIsNamed) {
  try {
    MidasSmallNetwork(key_list("midas_v2").tensors, "midas_v21-f6b98070.pt");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(starts_with(message, "midas_v21-f6b98070.pt: does not hold the MiDaS v2.1 small "
                                     "(midas_v21_small_256.pt, model-small-70d6b9c8.pt) weights ("))
        << message;
    EXPECT_NE(message.find("these are the MiDaS v2 / v2.1 large (model-f46da743.pt, midas_v21-f6b98070.pt) weights: "
                           "wrong file, or two files swapped?"),
              std::string::npos)
        << message;
  }
  // And the other way round: the large network refuses the small file.
  EXPECT_THROW_MESSAGE(MidasNetwork(MidasVersion::kV2, key_list("midas_v21_small").tensors, "small.pt"), InputError,
                       "small.pt: does not hold the MiDaS v2 / v2.1 large");
}

TEST(MidasSmallWrongFiles, ATruncatedFileIsRefusedByTheEstimator) {
  testing::TempDir dir;
  const std::string bytes = read_file(weight_file());
  const fs::path truncated = dir / "midas_v21_small_256.pt";
  std::ofstream(truncated, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  EXPECT_THROW_MESSAGE(make_depth_estimator(small_entry(truncated)), InputError,
                       truncated.string() + ": not a ZIP archive, or truncated");
}

// --- The estimator ---

TEST(MidasSmallEstimator, RunsARealImageAsMidasRunPyDoes) {
  ASSERT_TRUE(fs::exists(fixture_dir() / "image.npy"))
      << "the fixture script ran without --image: run 'build/depthstyle data fetch-samples' and the fixture again";
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(small_entry());
  const nlohmann::json description = estimator->describe();
  EXPECT_EQ(description["type"], "midas");
  EXPECT_EQ(description["version"], "v21_small");
  EXPECT_EQ(description["preset"], "midas_v21_small");
  EXPECT_EQ(description["network"], "MiDaS v2.1 small (EfficientNet-Lite3, midas_v21_small_256.pt)");
  EXPECT_EQ(description["files"][0]["sha256"], sha256_hex_of_file(weight_file()));

  DepthQuery query;
  query.image_path = "motorcycle_left.png";
  query.rgb = image_from_tensor(array("image"));
  query.size = query.rgb.size();
  // The script's own PNG decoder (no cv2 in Debian's python3-torch) read the pixels OpenCV reads (up to the last
  // bit of k / 255, which the two compute differently).
  const fs::path sample = testing::sample_cache_dir() / "samples/motorcycle_left.png";
  if (fs::exists(sample)) {
    EXPECT_LE(cv::norm(load_image(sample).rgb, query.rgb, cv::NORM_INF), 1e-7);
  }
  const PreprocessingSpec spec = preprocessing_preset("midas_v21_small");
  EXPECT_EQ(feed_size(spec, query.size, "motorcycle_left.png"),
            cv::Size(static_cast<int>(array("image_feed").size(3)), static_cast<int>(array("image_feed").size(2))));
  const DepthPrediction prediction = estimator->estimate(query);
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  const at::Tensor expected = array("image_output");
  const double difference = relative_max_difference(tensor_from_image(prediction.values), expected);
  EXPECT_LE(difference, kTolerance);
  std::cout << "MiDaS v2.1 small estimator on a " << query.size.width << "x" << query.size.height
            << " image: max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
  // The published v2.1 file name loads too (the same layout).
  EXPECT_NO_THROW(make_depth_estimator(small_entry(weight_file("model-small-70d6b9c8.pt"))));
}

}  // namespace
}  // namespace depthstyle
