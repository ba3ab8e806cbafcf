// DPT-Hybrid (MiDaS v3.0), natively (nets/dpt with nets/resnet_v2), against PyTorch eager running the reference
// modules of tests/fixtures/depth/make_dpt_hybrid_fixtures.py (DPTDepthModel over timm's vit_base_resnet50_384, the
// official module names) on seeded random weights saved at full size in the published layout, and against the
// committed key/shape list of the real file (tests/fixtures/depth/native_keys/dpt_hybrid_384.txt, written from those
// modules). Network outputs within 1e-4 of their largest value (native_depth_fixtures.h), at a tall and a wide size
// (the position grid resized to 6 x 4 and 4 x 6 patches); the ResNetV2 backbone alone at an odd size, where its SAME
// padding differs from the even sizes' split.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "core/error.h"
#include "core/sha256.h"
#include "depth/depth_estimator.h"
#include "nets/dpt.h"
#include "nets/resnet_v2.h"
#include "tensor/checkpoint.h"
#include "tensor/tensor_image.h"
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
constexpr double kPositionTolerance = 1e-5;
const char* const kBackbonePrefix = "pretrained.model.patch_embed.backbone";

fs::path fixture_dir() { return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "dpt_hybrid"; }
fs::path weight_file() { return fixture_dir() / "weights/midas/dpt_hybrid_384.pt"; }
at::Tensor array(const std::string& name) { return fixture_array(fixture_dir(), name); }

const NamedTensors& weights() {
  static const NamedTensors loaded = read_checkpoint(weight_file()).tensors;
  return loaded;
}

const DptNetwork& network() {
  static const DptNetwork loaded(DptVariant::kHybrid, weights(), "dpt_hybrid_384.pt");
  return loaded;
}

TEST(DptHybridLayout, ThePublishedFileMatchesTheLayoutKeyForKey) {
  const testing::KeyList list = key_list("dpt_hybrid_384");
  const WeightLayout& layout = dpt_weight_layout(DptVariant::kHybrid);
  ASSERT_EQ(layout.tensors.size(), list.tensors.size());
  EXPECT_EQ(list.tensors.size(), 368u);
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
    const ExpectedTensor& expected = layout.tensors[i];
    EXPECT_EQ(expected.name, list.tensors[i].first);
    EXPECT_EQ(at::IntArrayRef(expected.shape), list.tensors[i].second.sizes()) << expected.name;
    EXPECT_EQ(expected.dtype, list.tensors[i].second.scalar_type()) << expected.name;
    EXPECT_TRUE(expected.required) << expected.name;
  }
  // MiDaS' act_postprocess1/2 are identities in the hybrid: no keys.
  for (const ExpectedTensor& expected : layout.tensors) {
    EXPECT_FALSE(starts_with(expected.name, "pretrained.act_postprocess1.")) << expected.name;
    EXPECT_FALSE(starts_with(expected.name, "pretrained.act_postprocess2.")) << expected.name;
  }
}

TEST(DptHybridAgainstPytorch, PositionEmbeddingsAreResizedAsMidasDoes) {
  for (const auto& [rows, columns] : std::vector<std::pair<int, int>>{{24, 24}, {4, 6}, {7, 3}}) {
    const std::string name = concat("position_", rows, "x", columns);
    EXPECT_LE(relative_max_difference(network().position_embedding(rows, columns), array(name)), kPositionTolerance)
        << name;
  }
}

TEST(DptHybridAgainstPytorch, TheBackboneAtAnOddSize) {
  // 45x37: the stem conv pads 3 on every side, the pool and the stride-2 3x3 convs 1 (at even sizes: 2 / 3 and
  // 0 / 1 before / after).
  const ResNetV2Backbone backbone(weights(), kBackbonePrefix, {3, 4, 9});
  const std::vector<at::Tensor> stages = backbone.forward(array("backbone_input_45x37"));
  ASSERT_EQ(stages.size(), 3u);
  for (std::size_t stage = 0; stage < stages.size(); ++stage) {
    const std::string name = concat("backbone_stage", stage, "_45x37");
    const double difference = relative_max_difference(stages[stage], array(name));
    EXPECT_LE(difference, kTolerance) << name;
    std::cout << "ResNetV2 " << name << ": max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
  }
  EXPECT_EQ(resnet_v2_out_channels({3, 4, 9}), 1024);
}

TEST(DptHybridAgainstPytorch, OutputAtATallAndAWideSize) {
  double positive = 0, values = 0;
  for (const char* size : {"64x96", "96x64"}) {
    const at::Tensor expected = array(concat("dpt_output_", size));
    const at::Tensor output = network().forward(array(concat("dpt_input_", size)));
    ASSERT_EQ(output.dim(), 4);
    positive += expected.gt(0).sum().item<double>();
    values += static_cast<double>(expected.numel());
    const double difference = relative_max_difference(output.squeeze(1), expected);
    EXPECT_LE(difference, kTolerance) << size << " on " << testing::cpu_features();
    std::cout << "DPT-Hybrid " << size << ": max |native - PyTorch| / max |PyTorch| = " << difference << " ("
              << testing::cpu_features() << ")\n";
  }
  // The final ReLU clips part of the maps (the head was calibrated so that it does), but not all of them.
  EXPECT_GT(positive / values, 0.9);
  EXPECT_LT(positive / values, 1.0);
}

TEST(DptHybridAgainstPytorch, InputsOfTheWrongShapeAreRejected) {
  EXPECT_THROW_MESSAGE(network().forward(at::rand({1, 3, 72, 64})), Error,
                       "DPT-Hybrid: expected a 1x3xHxW float32 image with H and W multiples of 16, got float32 "
                       "[1, 3, 72, 64]");
}

TEST(DptHybridWrongFiles, AFileCutShortAndAMisshapenTensorAreListed) {
  // The state_dict's tail (the 50 scratch.* entries) missing, and a ResNet conv of the wrong width: the first 40
  // differences listed, the rest counted.
  NamedTensors tensors = key_list("dpt_hybrid_384").tensors;
  tensors.erase(std::find_if(tensors.begin(), tensors.end(),
                             [](const auto& entry) { return starts_with(entry.first, "scratch."); }),
                tensors.end());
  const std::string misshapen = "pretrained.model.patch_embed.backbone.stages.1.blocks.0.conv2.weight";
  for (auto& [name, tensor] : tensors) {
    if (name == misshapen) tensor = at::zeros({64, 64, 3, 3});
  }
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kHybrid, tensors, "/w/hybrid.pt"), InputError,
                       "/w/hybrid.pt: does not hold the DPT-Hybrid, MiDaS v3.0 (dpt_hybrid_384.pt) weights (51 "
                       "differences):\n  wrong shape of 'pretrained.model.patch_embed.backbone.stages.1.blocks.0.conv2."
                       "weight': expected [128, 128, 3, 3], found [64, 64, 3, 3]\n  missing tensor "
                       "'scratch.layer1_rn.weight': expected float32 [256, 256, 3, 3]\n");
}

TEST(DptHybridWrongFiles, TheOtherDptAndOtherDepthModelsAreNamed) {
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kHybrid, key_list("dpt_large_384").tensors, "large.pt"), InputError,
                       "these are the DPT-Large, MiDaS v3.0 (dpt_large_384.pt) weights");
  EXPECT_THROW_MESSAGE(check_dpt_weights(DptVariant::kLarge, key_list("dpt_hybrid_384").tensors, "hybrid.pt"),
                       InputError, "these are the DPT-Hybrid, MiDaS v3.0 (dpt_hybrid_384.pt) weights");
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kHybrid, key_list("depth_anything_v2_vitl").tensors, "vitl.pth"),
                       InputError, "these are the Depth Anything V2 vitl");
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kHybrid, key_list("midas_v2").tensors, "midas.pt"), InputError,
                       "these are the MiDaS v2 / v2.1 large");
}

// --- The midas estimator (version v3_hybrid) and the catalog entry ---

TEST(DptHybridEstimator, RunsTheNetworkOnTheFeedOfTheDptPreset) {
  DepthEstimatorConfig config;
  config.name = "dpt_hybrid";
  config.type = "midas";
  config.version = "v3_hybrid";
  config.path = weight_file().string();
  // A 64-pixel box: a 96x64 (width x height) image keeps its size ("minimal": the height's scale 1 is nearer 1 than
  // the width's 2/3), so the feed is the fixture's input and the map needs no resize back.
  config.preprocessing.width = config.preprocessing.height = 64;
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(config);
  const nlohmann::json description = estimator->describe();
  EXPECT_EQ(description["type"], "midas");
  EXPECT_EQ(description["version"], "v3_hybrid");
  EXPECT_EQ(description["preset"], "dpt_large_384");
  EXPECT_EQ(description["network"], "MiDaS v3.0 DPT-Hybrid (ViT-B/16 + ResNet-50, dpt_hybrid_384.pt)");
  EXPECT_EQ(description["files"][0]["sha256"], sha256_hex_of_file(weight_file()));

  DepthQuery query;
  query.image_path = "dpt_input_64x96";
  query.rgb = image_from_tensor(array("dpt_input_64x96") * 0.5 + 0.5);  // the preset's (x - 0.5) / 0.5 undone
  query.size = query.rgb.size();
  const DepthPrediction prediction = estimator->estimate(query);
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  const double difference =
      relative_max_difference(tensor_from_image(prediction.values).squeeze(1), array("dpt_output_64x96"));
  EXPECT_LE(difference, kTolerance);
}

TEST(DptHybridEstimator, TheCatalogEntryChecksTheFile) {
  const CatalogEntry& entry = *find_catalog_entry("dpt_hybrid_384");
  EXPECT_EQ(entry.estimator_type, "midas");
  EXPECT_EQ(entry.estimator_version, "v3_hybrid");
  EXPECT_EQ(entry.published_file, "dpt_hybrid_384.pt");
  EXPECT_EQ(entry.relative_path, "midas/dpt_hybrid_384.pt");
  check_model_loads(entry, weight_file());
  const fs::path depth_anything = fs::path(DEPTHSTYLE_GENERATED_FIXTURES) /
                                  "depth_anything/weights/depth_anything/depth_anything_v2_vits.pth";
  EXPECT_THROW_MESSAGE(check_model_loads(entry, depth_anything), InputError,
                       "does not hold the DPT-Hybrid, MiDaS v3.0 (dpt_hybrid_384.pt) weights");
}

}  // namespace
}  // namespace depthstyle
