// Depth Anything V2 and V1, natively (nets/depth_anything) and as the depth_anything estimator, against PyTorch eager
// running the reference modules of tests/fixtures/depth/make_depth_anything_fixtures.py (DepthAnythingV2 and V1's
// DPT_DINOv2 with DINOv2 and the DPT head, the official module names; checked there against the official classes)
// on seeded random weights saved in the published layout, and against the committed key/shape lists of the real
// files (tests/fixtures/depth/native_keys/depth_anything_v2_{vits,vitb,vitl}.txt and
// depth_anything_{vits,vitb,vitl}14.txt, written from those classes).
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
#include "depth/model_location.h"
#include "depth/preprocessing.h"
#include "io/image.h"
#include "nets/depth_anything.h"
#include "nets/midas_small.h"
#include "tensor/checkpoint.h"
#include "weights/weight_catalog.h"
#include "weights/weight_check.h"
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
fs::path v1_weight_file() { return fixture_dir() / "weights/depth_anything/depth_anything_vits14.pth"; }
at::Tensor array(const std::string& name) { return fixture_array(fixture_dir(), name); }

const DepthAnythingNetwork& network() {
  static const DepthAnythingNetwork loaded(DepthAnythingVariant::kSmall, read_checkpoint(weight_file()).tensors,
                                           "depth_anything_v2_vits.pth");
  return loaded;
}

const DepthAnythingNetwork& v1_network() {
  static const DepthAnythingNetwork loaded(DepthAnythingVariant::kV1Small, read_checkpoint(v1_weight_file()).tensors,
                                           v1_weight_file().string());
  return loaded;
}

// The key list committed for a variant's published file: native_keys/<file name without .pth>.txt.
testing::KeyList published_keys(DepthAnythingVariant variant) {
  return key_list(fs::path(depth_anything_file(variant)).stem().string());
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
      {DepthAnythingVariant::kSmall, 239},   {DepthAnythingVariant::kBase, 239},   {DepthAnythingVariant::kLarge, 407},
      {DepthAnythingVariant::kV1Small, 239}, {DepthAnythingVariant::kV1Base, 239}, {DepthAnythingVariant::kV1Large, 407}};
  ASSERT_EQ(variants.size(), depth_anything_variants().size());
  for (const auto& [variant, count] : variants) {
    const testing::KeyList list = published_keys(variant);
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
  EXPECT_NO_THROW(DepthAnythingNetwork(DepthAnythingVariant::kV1Small, key_list("depth_anything_vits14").tensors,
                                       "depth_anything_vits14.pth"));
}

TEST(DepthAnythingLayout, TheVariantsNamesFilesAndGenerations) {
  EXPECT_EQ(depth_anything_variant_names(),
            (std::vector<std::string>{"vits", "vitb", "vitl", "v1_vits", "v1_vitb", "v1_vitl"}));
  EXPECT_EQ(depth_anything_file(DepthAnythingVariant::kBase), "depth_anything_v2_vitb.pth");
  EXPECT_EQ(depth_anything_file(DepthAnythingVariant::kV1Large), "depth_anything_vitl14.pth");
  EXPECT_EQ(depth_anything_title(DepthAnythingVariant::kV1Small), "Depth Anything V1 vits");
  EXPECT_EQ(depth_anything_generation(DepthAnythingVariant::kV1Base), 1);
  EXPECT_EQ(depth_anything_generation(DepthAnythingVariant::kLarge), 2);
  EXPECT_EQ(depth_anything_variant_from_string("v1_vitb"), DepthAnythingVariant::kV1Base);
  EXPECT_EQ(depth_anything_weight_layout(DepthAnythingVariant::kV1Small).model,
            "Depth Anything V1 vits (depth_anything_vits14.pth)");
}

// Why the generations are told apart by the file's name: the real files of the same size hold the same tensors.
TEST(DepthAnythingLayout, TheGenerationsFilesOfOneSizeHaveTheSameNamesAndShapes) {
  for (const auto& [v2, v1] : std::vector<std::pair<DepthAnythingVariant, DepthAnythingVariant>>{
           {DepthAnythingVariant::kSmall, DepthAnythingVariant::kV1Small},
           {DepthAnythingVariant::kBase, DepthAnythingVariant::kV1Base},
           {DepthAnythingVariant::kLarge, DepthAnythingVariant::kV1Large}}) {
    const testing::KeyList v2_list = published_keys(v2), v1_list = published_keys(v1);
    ASSERT_EQ(v2_list.tensors.size(), v1_list.tensors.size()) << to_string(v1);
    for (std::size_t i = 0; i < v2_list.tensors.size(); ++i) {
      EXPECT_EQ(v2_list.tensors[i].first, v1_list.tensors[i].first);
      EXPECT_EQ(v2_list.tensors[i].second.sizes(), v1_list.tensors[i].second.sizes()) << v1_list.tensors[i].first;
    }
  }
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

TEST(DepthAnythingV1AgainstPytorch, TheLastFourBlocksAreTheIntermediateTokens) {
  const std::vector<at::Tensor> tokens = v1_network().intermediate_tokens(array("da_input_70x126"));
  ASSERT_EQ(tokens.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const double difference = relative_max_difference(tokens[i], array(concat("v1_tokens_", i + 1)));
    EXPECT_LE(difference, kTokenTolerance) << "intermediate layer " << i + 1 << " on " << testing::cpu_features();
  }
}

TEST(DepthAnythingV1AgainstPytorch, OutputAtASquareAndANonSquareSize) {
  for (const char* size : {"84x84", "70x126"}) {
    const at::Tensor expected = array(concat("v1_output_", size));
    const at::Tensor output = v1_network().forward(array(concat("da_input_", size)));
    const double difference = relative_max_difference(output.squeeze(1), expected);
    EXPECT_LE(difference, kTolerance) << size << " on " << testing::cpu_features();
    std::cout << "Depth Anything V1 vits " << size << ": max |native - PyTorch| / max |PyTorch| = " << difference
              << " (" << testing::cpu_features() << ")\n";
  }
  // The generation matters: the same weights read as V2 (its blocks 2, 5, 8, 11) give another map.
  const DepthAnythingNetwork as_v2(DepthAnythingVariant::kSmall, read_checkpoint(v1_weight_file()).tensors, "v1.pth");
  EXPECT_GT(relative_max_difference(as_v2.forward(array("da_input_84x84")).squeeze(1), array("v1_output_84x84")),
            0.05);
}

TEST(DepthAnythingAgainstPytorch, InputsOfTheWrongShapeAreRejected) {
  EXPECT_THROW_MESSAGE(network().forward(at::rand({1, 3, 100, 98})), Error,
                       "Depth Anything V2 vits: expected a 1x3xHxW float32 image with H and W multiples of 14, got "
                       "float32 [1, 3, 100, 98]");
  EXPECT_THROW_MESSAGE(v1_network().forward(at::rand({1, 3, 28, 30})), Error, "Depth Anything V1 vits: expected");
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

// The tensors cannot tell a V1 file from the V2 file of its size; the published names can.
TEST(DepthAnythingWrongFiles, AFileNamedAsTheOtherGenerationsIsRefused) {
  const NamedTensors v2_tensors = read_checkpoint(weight_file()).tensors;
  EXPECT_THROW_MESSAGE(DepthAnythingNetwork(DepthAnythingVariant::kV1Small, v2_tensors, weight_file().string()),
                       InputError,
                       weight_file().string() + ": named as the Depth Anything V2 vits file (depth_anything_v2_vits.pth), "
                       "but variant v1_vits (Depth Anything V1 vits, depth_anything_vits14.pth) was asked for; both "
                       "generations' files hold tensors of the same names and shapes, so the name is all that tells "
                       "them apart: set variant vits, or rename the file if it holds Depth Anything V1 vits weights");
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry(v1_weight_file(), "vits")), InputError,
                       v1_weight_file().string() + ": named as the Depth Anything V1 vits file "
                       "(depth_anything_vits14.pth), but variant vits (Depth Anything V2 vits, "
                       "depth_anything_v2_vits.pth) was asked for");
  // Another size is refused by its tensors, naming both generations' files of that size.
  try {
    DepthAnythingNetwork(DepthAnythingVariant::kV1Small, key_list("depth_anything_vitb14").tensors, "b.pth");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(starts_with(message, "b.pth: does not hold the Depth Anything V1 vits (depth_anything_vits14.pth) "))
        << message;
    for (const char* file : {"Depth Anything V2 vitb (depth_anything_v2_vitb.pth)",
                             "Depth Anything V1 vitb (depth_anything_vitb14.pth)"}) {
      EXPECT_NE(message.find(concat("these are the ", file, " weights")), std::string::npos) << message;
    }
  }
  // Under another name the file is taken for what the entry says.
  EXPECT_NO_THROW(DepthAnythingNetwork(DepthAnythingVariant::kV1Small, v2_tensors, "renamed.pth"));
}

TEST(DepthAnythingWrongFiles, ATruncatedFileIsRefusedByTheEstimator) {
  testing::TempDir dir;
  const std::string bytes = read_file(weight_file());
  const fs::path truncated = dir / "depth_anything_v2_vits.pth";
  std::ofstream(truncated, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry(truncated)), InputError,
                       truncated.string() + ": not a ZIP archive, or truncated");
}

TEST(DepthAnythingEstimatorConfig, APublishedFileNameImpliesTheVariant) {
  EXPECT_EQ(with_catalog_model(entry(weight_file(), "")).variant, "vits");
  EXPECT_EQ(with_catalog_model(entry(v1_weight_file(), "")).variant, "v1_vits");
  EXPECT_EQ(with_catalog_model(entry("/data/depth_anything_v2_vitl.pth", "")).variant, "vitl");
  EXPECT_EQ(with_catalog_model(entry("/data/depth_anything_vitb14.pth", "")).variant, "v1_vitb");
  EXPECT_EQ(with_catalog_model(entry(weight_file(), "v1_vits")).variant, "v1_vits");  // set: the network judges it
  EXPECT_EQ(with_catalog_model(entry("/data/weights.pth", "")).variant, "");
  EXPECT_EQ(with_catalog_model(entry("/data/depth_anything_v2_vits.pth.part", "")).variant, "");
  DepthEstimatorConfig midas = entry("/data/depth_anything_v2_vits.pth", "");
  midas.type = "midas";
  EXPECT_EQ(with_catalog_model(midas).variant, "");  // another type's entry: unchanged
  const auto estimator = make_depth_estimator(entry(weight_file(), ""));
  EXPECT_EQ(estimator->describe()["variant"], "vits");
  EXPECT_EQ(estimator->describe()["network"], "Depth Anything V2 vits (DINOv2 ViT-S/14 + DPT head, "
                                              "depth_anything_v2_vits.pth)");
}

TEST(DepthAnythingEstimatorConfig, EntryProblemsNameTheKey) {
  testing::TempDir dir;
  const fs::path renamed = dir / "weights.pth";
  fs::create_symlink(weight_file(), renamed);
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry(renamed, "")), UsageError,
                       "depth estimator 'da2': set variant (vits = depth_anything_v2_vits.pth, vitb = "
                       "depth_anything_v2_vitb.pth, vitl = depth_anything_v2_vitl.pth, v1_vits = "
                       "depth_anything_vits14.pth, v1_vitb = depth_anything_vitb14.pth, v1_vitl = "
                       "depth_anything_vitl14.pth): the files do not say which network they hold");
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

TEST(DepthAnythingEstimator, TheV1CatalogEntriesCheckTheirFiles) {
  const CatalogEntry& entry = *find_catalog_entry("depth_anything_v1_vits");
  EXPECT_EQ(entry.estimator_type, "depth_anything");
  EXPECT_EQ(entry.estimator_variant, "v1_vits");
  EXPECT_EQ(entry.relative_path, "depth_anything_v1/depth_anything_vits14.pth");
  check_model_loads(entry, v1_weight_file());
  EXPECT_THROW_MESSAGE(check_model_loads(entry, weight_file()), InputError,
                       "named as the Depth Anything V2 vits file (depth_anything_v2_vits.pth)");
  const fs::path base = fixture_dir() / "weights/depth_anything/depth_anything_v2_vitb.pth";
  EXPECT_THROW_MESSAGE(check_model_loads(*find_catalog_entry("depth_anything_v1_vitl"), base), InputError,
                       "does not hold the Depth Anything V1 vitl (depth_anything_vitl14.pth) weights");
}

TEST(DepthAnythingEstimator, RunsAV1ModelAsRunPyDoes) {
  ASSERT_TRUE(fs::exists(fixture_dir() / "image.npy"))
      << "the fixture script ran without --image: run 'build/depthstyle data fetch-samples' and the fixture again";
  // Only the map's resize back differs from V2's preset (align_corners False).
  PreprocessingSpec v1 = preprocessing_preset("depth_anything_v1");
  PreprocessingSpec v2 = preprocessing_preset("depth_anything_v2");
  EXPECT_EQ(v1.output_interpolation, Interpolation::kLinear);
  EXPECT_EQ(v2.output_interpolation, Interpolation::kLinearAlignCorners);
  v1.output_interpolation = v2.output_interpolation;
  EXPECT_EQ(describe(v1), describe(v2));

  DepthEstimatorConfig config = entry(v1_weight_file(), "v1_vits");
  config.preprocessing.width = config.preprocessing.height = 84;  // the fixture's input_size
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(config);
  const nlohmann::json description = estimator->describe();
  EXPECT_EQ(description["variant"], "v1_vits");
  EXPECT_EQ(description["preset"], "depth_anything_v1");
  EXPECT_EQ(description["network"], "Depth Anything V1 vits (DINOv2 ViT-S/14 + DPT head, depth_anything_vits14.pth)");

  DepthQuery query;
  query.image_path = "motorcycle_left.png";
  query.rgb = image_from_tensor(array("image"));
  query.size = query.rgb.size();
  const DepthPrediction prediction = estimator->estimate(query);
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  const double difference = relative_max_difference(tensor_from_image(prediction.values), array("v1_image_output"));
  EXPECT_LE(difference, kTolerance);
  std::cout << "Depth Anything V1 vits estimator on a " << query.size.width << "x" << query.size.height
            << " image: max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
}

}  // namespace
}  // namespace depthstyle
