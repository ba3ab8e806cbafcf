// Depth Anything V2, natively (nets/depth_anything) and as the depth_anything estimator, against PyTorch eager
// running the reference modules of tests/fixtures/depth/make_depth_anything_fixtures.py (DepthAnythingV2 with
// DINOv2 and the DPT head, the official module names; checked there against the official classes) on seeded random
// weights saved in the published layout, and against the committed key/shape lists of the real files
// (tests/fixtures/depth/native_keys/depth_anything_v2_{vits,vitb,vitl}.txt, written from those classes).
// Every network output within 1e-4 of its largest value (native_depth_fixtures.h); intermediate tokens and
// position embeddings within 1e-5.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "core/error.h"
#include "core/sha256.h"
#include "depth/depth_estimator.h"
#include "depth/preprocessing.h"
#include "io/image.h"
#include "nets/depth_anything.h"
#include "nets/midas_small.h"
#include "tensor/checkpoint.h"
#include "native_depth_fixtures.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::fixture_array;
using testing::key_list;
using testing::relative_max_difference;

constexpr double kTolerance = 1e-4;
constexpr double kTokenTolerance = 1e-5;

fs::path fixture_dir() { return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "depth_anything"; }
fs::path weight_file() { return fixture_dir() / "weights/depth_anything/depth_anything_v2_vits.pth"; }
at::Tensor array(const std::string& name) { return fixture_array(fixture_dir(), name); }

const DepthAnythingNetwork& network() {
  static const DepthAnythingNetwork loaded(DepthAnythingVariant::kSmall, read_checkpoint(weight_file()).tensors,
                                           "depth_anything_v2_vits.pth");
  return loaded;
}

DepthEstimatorConfig entry(const fs::path& file = weight_file(), const std::string& variant = "vits") {
  DepthEstimatorConfig config;
  config.name = "da2";
  config.type = "depth_anything";
  config.variant = variant;
  config.path = file.string();
  return config;
}

// --- The published layouts ---

TEST(DepthAnythingLayout, ThePublishedFilesMatchTheLayoutsKeyForKey) {
  const std::vector<std::pair<DepthAnythingVariant, std::size_t>> variants = {
      {DepthAnythingVariant::kSmall, 239}, {DepthAnythingVariant::kBase, 239}, {DepthAnythingVariant::kLarge, 407}};
  for (const auto& [variant, count] : variants) {
    const testing::KeyList list = key_list("depth_anything_v2_" + to_string(variant));
    const WeightLayout& layout = depth_anything_weight_layout(variant);
    ASSERT_EQ(layout.tensors.size(), list.tensors.size()) << to_string(variant);
    EXPECT_EQ(list.tensors.size(), count);
    for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
      const ExpectedTensor& expected = layout.tensors[i];
      EXPECT_EQ(expected.name, list.tensors[i].first);
      EXPECT_EQ(at::IntArrayRef(expected.shape), list.tensors[i].second.sizes()) << expected.name;
      EXPECT_EQ(expected.dtype, list.tensors[i].second.scalar_type()) << expected.name;
      EXPECT_TRUE(expected.required) << expected.name;
    }
  }
  // The small layout builds a network (zero weights; the large ones cost seconds to prepare).
  EXPECT_NO_THROW(DepthAnythingNetwork(DepthAnythingVariant::kSmall, key_list("depth_anything_v2_vits").tensors,
                                       "depth_anything_v2_vits.pth"));
}

// --- Against PyTorch eager ---

TEST(DepthAnythingAgainstPytorch, PositionEmbeddingsAreInterpolatedAsDinov2Does) {
  // 37 x 37 is the file's own grid; the others go through the bicubic resize with DINOv2's scale factors.
  for (const auto& [rows, columns] : std::vector<std::pair<int, int>>{{37, 37}, {10, 10}, {7, 13}, {54, 37}, {1, 1}}) {
    const std::string name = concat("position_", rows, "x", columns);
    const double difference = relative_max_difference(network().position_embedding(rows, columns), array(name));
    EXPECT_LE(difference, kTokenTolerance) << name;
  }
  EXPECT_TRUE(at::equal(network().position_embedding(37, 37), array("position_37x37")));
}

TEST(DepthAnythingAgainstPytorch, IntermediateTokens) {
  const std::vector<at::Tensor> tokens = network().intermediate_tokens(array("da_input_70x126"));
  ASSERT_EQ(tokens.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const double difference = relative_max_difference(tokens[i], array(concat("da_tokens_", i + 1)));
    EXPECT_LE(difference, kTokenTolerance) << "intermediate layer " << i + 1 << " on " << testing::cpu_features();
  }
}

TEST(DepthAnythingAgainstPytorch, OutputAtASquareAndANonSquareSize) {
  double positive = 0, values = 0;
  for (const char* size : {"84x84", "70x126"}) {
    const at::Tensor expected = array(concat("da_output_", size));
    const at::Tensor output = network().forward(array(concat("da_input_", size)));
    ASSERT_EQ(output.dim(), 4);
    positive += expected.gt(0).sum().item<double>();
    values += static_cast<double>(expected.numel());
    const double difference = relative_max_difference(output.squeeze(1), expected);
    EXPECT_LE(difference, kTolerance) << size << " on " << testing::cpu_features();
    std::cout << "Depth Anything V2 vits " << size << ": max |native - PyTorch| / max |PyTorch| = " << difference
              << " (" << testing::cpu_features() << ")\n";
  }
  // The final ReLUs clip part of the maps: the head was calibrated so that they do (~2%), but not all of them.
  EXPECT_GT(positive / values, 0.9);
  EXPECT_LT(positive / values, 1.0);
}

TEST(DepthAnythingAgainstPytorch, TheBaseNetworkAtANonSquareSize) {
  const fs::path file = fixture_dir() / "weights/depth_anything/depth_anything_v2_vitb.pth";
  const DepthAnythingNetwork base(DepthAnythingVariant::kBase, read_checkpoint(file).tensors, file.string());
  const at::Tensor output = base.forward(array("da_input_70x126"));
  const double difference = relative_max_difference(output.squeeze(1), array("vitb_output_70x126"));
  EXPECT_LE(difference, kTolerance) << testing::cpu_features();
  std::cout << "Depth Anything V2 vitb 70x126: max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
}

TEST(DepthAnythingAgainstPytorch, InputsOfTheWrongShapeAreRejected) {
  EXPECT_THROW_MESSAGE(network().forward(at::rand({1, 3, 100, 98})), Error,
                       "Depth Anything V2 vits: expected a 1x3xHxW float32 image with H and W multiples of 14, got "
                       "float32 [1, 3, 100, 98]");
}

// --- Files that are not the weights ---

TEST(DepthAnythingWrongFiles, MissingAndMisshapenTensorsAreListed) {
  NamedTensors tensors = key_list("depth_anything_v2_vits").tensors;
  tensors.erase(std::find_if(tensors.begin(), tensors.end(),
                             [](const auto& entry) { return entry.first == "pretrained.blocks.7.ls2.gamma"; }));
  for (auto& [name, tensor] : tensors) {
    if (name == "pretrained.pos_embed") tensor = at::zeros({1, 577, 384});
  }
  EXPECT_THROW_MESSAGE(DepthAnythingNetwork(DepthAnythingVariant::kSmall, tensors, "/w/da.pth"), InputError,
                       "/w/da.pth: does not hold the Depth Anything V2 vits (depth_anything_v2_vits.pth) weights (2 "
                       "differences):\n"
                       "  wrong shape of 'pretrained.pos_embed': expected [1, 1370, 384], found [1, 577, 384]\n"
                       "  missing tensor 'pretrained.blocks.7.ls2.gamma': expected float32 [384]");
}

TEST(DepthAnythingWrongFiles, AnotherVariantOrModelIsNamed) {
  try {
    DepthAnythingNetwork(DepthAnythingVariant::kSmall, key_list("depth_anything_v2_vitb").tensors,
                         "depth_anything_v2_vitb.pth");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(starts_with(message, "depth_anything_v2_vitb.pth: does not hold the Depth Anything V2 vits "
                                     "(depth_anything_v2_vits.pth) weights ("))
        << message;
    EXPECT_NE(message.find("these are the Depth Anything V2 vitb (depth_anything_v2_vitb.pth) weights: wrong file, "
                           "or two files swapped?"),
              std::string::npos)
        << message;
  }
  EXPECT_THROW_MESSAGE(DepthAnythingNetwork(DepthAnythingVariant::kLarge, key_list("midas_v21_small").tensors,
                                            "small.pt"),
                       InputError, "these are the MiDaS v2.1 small");
  // And the other way round: MiDaS refuses a Depth Anything file.
  EXPECT_THROW_MESSAGE(MidasSmallNetwork(key_list("depth_anything_v2_vits").tensors, "da.pth"), InputError,
                       "da.pth: does not hold the MiDaS v2.1 small");
}

TEST(DepthAnythingWrongFiles, ATruncatedFileIsRefusedByTheEstimator) {
  testing::TempDir dir;
  const std::string bytes = read_file(weight_file());
  const fs::path truncated = dir / "depth_anything_v2_vits.pth";
  std::ofstream(truncated, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry(truncated)), InputError,
                       truncated.string() + ": not a ZIP archive, or truncated");
}

TEST(DepthAnythingEstimatorConfig, EntryProblemsNameTheKey) {
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry(weight_file(), "")), UsageError,
                       "depth estimator 'da2': set variant (vits = depth_anything_v2_vits.pth");
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry(weight_file(), "vit_s")), UsageError,
                       "unknown Depth Anything variant 'vit_s' (did you mean 'vits'?)");
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry(weight_file(), "mono_640x192")), UsageError,
                       "unknown Depth Anything variant 'mono_640x192'");
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry("", "vits")), UsageError,
                       "depth estimator 'da2': set path to the model file");
}

// --- The estimator ---

TEST(DepthAnythingEstimator, TheFeedSizeIsInferImagesLowerBoundMultipleOf14) {
  const PreprocessingSpec spec = preprocessing_preset("depth_anything_v2");
  EXPECT_EQ(feed_size(spec, {741, 500}, "a.png"), cv::Size(770, 518));
  EXPECT_EQ(feed_size(spec, {500, 741}, "a.png"), cv::Size(518, 770));
  EXPECT_EQ(feed_size(spec, {1024, 1024}, "a.png"), cv::Size(518, 518));
  EXPECT_EQ(feed_size(spec, {640, 192}, "a.png"), cv::Size(1722, 518));
}

TEST(DepthAnythingEstimator, RunsARealImageAsInferImageDoes) {
  ASSERT_TRUE(fs::exists(fixture_dir() / "image.npy"))
      << "the fixture script ran without --image: run 'build/depthstyle data fetch-samples' and the fixture again";
  DepthEstimatorConfig config = entry();
  config.preprocessing.width = config.preprocessing.height = 84;  // the fixture's input_size (PyTorch eager speed)
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(config);
  const nlohmann::json description = estimator->describe();
  EXPECT_EQ(description["type"], "depth_anything");
  EXPECT_EQ(description["variant"], "vits");
  EXPECT_EQ(description["preset"], "depth_anything_v2");
  EXPECT_EQ(description["network"], "Depth Anything V2 vits (DINOv2 ViT-S/14 + DPT head, depth_anything_v2_vits.pth)");
  EXPECT_EQ(description["files"][0]["sha256"], sha256_hex_of_file(weight_file()));

  DepthQuery query;
  query.image_path = "motorcycle_left.png";
  query.rgb = image_from_tensor(array("image"));
  query.size = query.rgb.size();
  PreprocessingSpec spec = preprocessing_preset("depth_anything_v2");
  spec.width = spec.height = 84;
  EXPECT_EQ(feed_size(spec, query.size, "motorcycle_left.png"),
            cv::Size(static_cast<int>(array("image_feed").size(3)), static_cast<int>(array("image_feed").size(2))));
  const DepthPrediction prediction = estimator->estimate(query);
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  const double difference = relative_max_difference(tensor_from_image(prediction.values), array("image_output"));
  EXPECT_LE(difference, kTolerance);
  std::cout << "Depth Anything V2 vits estimator on a " << query.size.width << "x" << query.size.height
            << " image: max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
}

}  // namespace
}  // namespace depthstyle
