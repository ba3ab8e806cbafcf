// DPT-Large (MiDaS v3.0), natively (nets/dpt), against PyTorch eager running the reference modules of
// tests/fixtures/depth/make_dpt_fixtures.py (DPTDepthModel over timm's vit_large_patch16_384, the official module
// names) on seeded random weights saved at full size in the published layout, and against the committed key/shape
// list of the real file (tests/fixtures/depth/native_keys/dpt_large_384.txt, written from those modules).
// Network outputs within 1e-4 of their largest value (native_depth_fixtures.h); position embeddings within 1e-5.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "core/error.h"
#include "core/sha256.h"
#include "depth/depth_estimator.h"
#include "depth/preprocessing.h"
#include "nets/depth_anything.h"
#include "nets/dpt.h"
#include "nets/midas.h"
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

fs::path fixture_dir() { return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "dpt"; }
fs::path weight_file() { return fixture_dir() / "weights/midas/dpt_large_384.pt"; }
at::Tensor array(const std::string& name) { return fixture_array(fixture_dir(), name); }

const DptNetwork& network() {
  static const DptNetwork loaded(DptVariant::kLarge, read_checkpoint(weight_file()).tensors, "dpt_large_384.pt");
  return loaded;
}

TEST(DptLayout, ThePublishedFileMatchesTheLayoutKeyForKey) {
  const testing::KeyList list = key_list("dpt_large_384");
  const WeightLayout& layout = dpt_weight_layout(DptVariant::kLarge);
  ASSERT_EQ(layout.tensors.size(), list.tensors.size());
  EXPECT_EQ(list.tensors.size(), 368u);
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
    const ExpectedTensor& expected = layout.tensors[i];
    EXPECT_EQ(expected.name, list.tensors[i].first);
    EXPECT_EQ(at::IntArrayRef(expected.shape), list.tensors[i].second.sizes()) << expected.name;
    EXPECT_EQ(expected.dtype, list.tensors[i].second.scalar_type()) << expected.name;
    EXPECT_TRUE(expected.required) << expected.name;
  }
}

TEST(DptAgainstPytorch, PositionEmbeddingsAreResizedAsMidasDoes) {
  // 24 x 24 is the file's own grid (the bilinear resize to the same size is the identity).
  for (const auto& [rows, columns] : std::vector<std::pair<int, int>>{{24, 24}, {4, 6}, {7, 3}}) {
    const std::string name = concat("position_", rows, "x", columns);
    const double difference = relative_max_difference(network().position_embedding(rows, columns), array(name));
    EXPECT_LE(difference, kPositionTolerance) << name;
  }
  EXPECT_TRUE(at::equal(network().position_embedding(24, 24), array("position_24x24")));
}

TEST(DptAgainstPytorch, OutputAtASquareAndANonSquareSize) {
  double positive = 0, values = 0;
  for (const char* size : {"64x64", "64x96"}) {
    const at::Tensor expected = array(concat("dpt_output_", size));
    const at::Tensor output = network().forward(array(concat("dpt_input_", size)));
    ASSERT_EQ(output.dim(), 4);
    positive += expected.gt(0).sum().item<double>();
    values += static_cast<double>(expected.numel());
    const double difference = relative_max_difference(output.squeeze(1), expected);
    EXPECT_LE(difference, kTolerance) << size << " on " << testing::cpu_features();
    std::cout << "DPT-Large " << size << ": max |native - PyTorch| / max |PyTorch| = " << difference << " ("
              << testing::cpu_features() << ")\n";
  }
  // The final ReLU clips part of the maps: the head was calibrated so that it does (~2%), but not all of them.
  EXPECT_GT(positive / values, 0.9);
  EXPECT_LT(positive / values, 1.0);
}

TEST(DptAgainstPytorch, InputsOfTheWrongShapeAreRejected) {
  EXPECT_THROW_MESSAGE(network().forward(at::rand({1, 3, 64, 72})), Error,
                       "DPT-Large: expected a 1x3xHxW float32 image with H and W multiples of 16, got float32 "
                       "[1, 3, 64, 72]");
}

TEST(DptWrongFiles, MissingAndMisshapenTensorsAreListed) {
  NamedTensors tensors = key_list("dpt_large_384").tensors;
  tensors.erase(std::find_if(tensors.begin(), tensors.end(), [](const auto& entry) {
    return entry.first == "pretrained.act_postprocess2.0.project.0.bias";
  }));
  for (auto& [name, tensor] : tensors) {
    if (name == "pretrained.model.pos_embed") tensor = at::zeros({1, 1370, 1024});
  }
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kLarge, tensors, "/w/dpt.pt"), InputError,
                       "/w/dpt.pt: does not hold the DPT-Large, MiDaS v3.0 (dpt_large_384.pt) weights (2 "
                       "differences):\n"
                       "  wrong shape of 'pretrained.model.pos_embed': expected [1, 577, 1024], found [1, 1370, 1024]\n"
                       "  missing tensor 'pretrained.act_postprocess2.0.project.0.bias': expected float32 [1024]");
}

TEST(DptWrongFiles, OtherDepthModelsAreNamed) {
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kLarge, key_list("depth_anything_v2_vitl").tensors, "vitl.pth"), InputError,
                       "these are the Depth Anything V2 vitl");
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kLarge, key_list("midas_v2").tensors, "midas.pt"), InputError,
                       "these are the MiDaS v2 / v2.1 large");
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kLarge, key_list("midas_v21_small").tensors, "small.pt"), InputError,
                       "these are the MiDaS v2.1 small");
}

// --- The midas estimator (version v3_large) and the catalog entry ---

TEST(DptEstimator, RunsTheNetworkOnTheFeedOfItsPreset) {
  DepthEstimatorConfig config;
  config.name = "dpt";
  config.type = "midas";
  config.version = "v3_large";
  config.path = weight_file().string();
  // A 64-pixel box (PyTorch eager speed): a 96x64 image keeps its size ("minimal": the height's scale 1 is nearer 1
  // than the width's 2/3), so the feed is the fixture's input and the map needs no resize back.
  config.preprocessing.width = config.preprocessing.height = 64;
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(config);
  const nlohmann::json description = estimator->describe();
  EXPECT_EQ(description["type"], "midas");
  EXPECT_EQ(description["version"], "v3_large");
  EXPECT_EQ(description["preset"], "dpt_large_384");
  EXPECT_EQ(description["network"], "MiDaS v3.0 DPT-Large (ViT-L/16, dpt_large_384.pt)");
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
  std::cout << "DPT-Large estimator on a 96x64 image: max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
}

TEST(DptEstimator, TheCatalogEntryChecksTheFile) {
  const CatalogEntry& entry = *find_catalog_entry("dpt_large_384");
  EXPECT_EQ(entry.estimator_type, "midas");
  EXPECT_EQ(entry.estimator_version, "v3_large");
  check_model_loads(entry, weight_file());
  const fs::path depth_anything = fs::path(DEPTHSTYLE_GENERATED_FIXTURES) /
                                  "depth_anything/weights/depth_anything/depth_anything_v2_vits.pth";
  EXPECT_THROW_MESSAGE(check_model_loads(entry, depth_anything), InputError,
                       "does not hold the DPT-Large, MiDaS v3.0 (dpt_large_384.pt) weights");
}

}  // namespace
}  // namespace depthstyle
