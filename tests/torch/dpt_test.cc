// DPT-Large and DPT-Hybrid (MiDaS v3.0) and DPT-BEiT-L 512 (MiDaS v3.1), natively (nets/dpt; the hybrid's ResNetV2
// in nets/resnet_v2, BEiT in nets/beit), against PyTorch eager running the reference modules of
// tests/fixtures/depth/make_dpt_fixtures.py (DPTDepthModel over timm's vit_large_patch16_384),
// make_dpt_hybrid_fixtures.py (over vit_base_resnet50_384) and make_dpt_beit_fixtures.py (over beit_large_patch16_512
// with MiDaS' patched forwards), the official module names, on seeded random weights saved at full size in the
// published layouts, and against the committed key/shape lists of the real files
// (tests/fixtures/depth/native_keys/dpt_large_384.txt, dpt_hybrid_384.txt, dpt_beit_large_512.txt, written from those
// modules). Network outputs within 1e-4 of their largest value (native_depth_fixtures.h) at two sizes per network, at
// least one non-square (the position grid, or BEiT's relative position bias tables, resized); position embeddings
// and relative position biases within 1e-5; the hybrid's backbone alone at an odd size, where its SAME padding
// differs from the even sizes' split.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "core/error.h"
#include "core/sha256.h"
#include "depth/depth_estimator.h"
#include "depth/preprocessing.h"
#include "nets/beit.h"
#include "nets/depth_anything.h"
#include "nets/dpt.h"
#include "nets/midas.h"
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

// What differs between the DPTs in the tests they share.
struct DptCase {
  DptVariant variant;
  std::string label;             // the network's name in its messages
  std::string fixture_folder;    // below DEPTHSTYLE_GENERATED_FIXTURES
  std::string model;             // catalog name = published file's stem = key list name
  std::string midas_version;     // the midas estimator's version
  std::string preset;            // the version's preprocessing preset
  std::string description;       // the estimator's "network"
  std::string weights_title;     // the layout's name in messages
  std::vector<std::string> output_sizes;  // the fixture's dpt_input_/dpt_output_ sizes, HxW
  std::vector<std::int64_t> misfit_size;  // an input whose sides are not multiples of 16
  std::size_t entries;                    // of the published file's state_dict
  std::string test_name;
};

const DptCase kLarge{DptVariant::kLarge,
                     "DPT-Large",
                     "dpt",
                     "dpt_large_384",
                     "v3_large",
                     "dpt_large_384",
                     "MiDaS v3.0 DPT-Large (ViT-L/16, dpt_large_384.pt)",
                     "DPT-Large, MiDaS v3.0 (dpt_large_384.pt)",
                     {"64x64", "64x96"},
                     {1, 3, 64, 72},
                     368,
                     "Large"};
const DptCase kHybrid{DptVariant::kHybrid,
                      "DPT-Hybrid",
                      "dpt_hybrid",
                      "dpt_hybrid_384",
                      "v3_hybrid",
                      "dpt_large_384",  // run.py's dpt_hybrid_384 preset is DPT-Large's
                      "MiDaS v3.0 DPT-Hybrid (ViT-B/16 + ResNet-50, dpt_hybrid_384.pt)",
                      "DPT-Hybrid, MiDaS v3.0 (dpt_hybrid_384.pt)",
                      {"64x96", "96x64"},
                      {1, 3, 72, 64},
                      368,
                      "Hybrid"};
const DptCase kBeit{DptVariant::kBeitLarge512,
                    "DPT-BEiT-L 512",
                    "dpt_beit",
                    "dpt_beit_large_512",
                    "v31_beit_large_512",
                    "dpt_beit_large_512",
                    "MiDaS v3.1 DPT-BEiT-L 512 (BEiT-L/16, dpt_beit_large_512.pt)",
                    "DPT-BEiT-L 512, MiDaS v3.1 (dpt_beit_large_512.pt)",
                    {"64x96", "96x64"},
                    {1, 3, 80, 72},
                    487,  // 24 blocks x 16 + cls_token, patch_embed, fc_norm, head (7) + DPT-Large's 96 after
                    "BeitLarge512"};
const std::vector<const DptCase*> kCases = {&kLarge, &kHybrid, &kBeit};

// gtest prints a parameter in the test's listing: the case's name instead of its 320 bytes.
void PrintTo(const DptCase& dpt, std::ostream* out) { *out << dpt.test_name; }

fs::path fixture_dir(const DptCase& dpt) { return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / dpt.fixture_folder; }
fs::path weight_file(const DptCase& dpt) { return fixture_dir(dpt) / ("weights/midas/" + dpt.model + ".pt"); }
at::Tensor array(const DptCase& dpt, const std::string& name) { return fixture_array(fixture_dir(dpt), name); }

// Each variant's file and network, read once per test process (each holds ~1.3 GB).
const NamedTensors& weights(const DptCase& dpt) {
  static std::map<DptVariant, NamedTensors> read;
  auto found = read.find(dpt.variant);
  if (found == read.end()) found = read.emplace(dpt.variant, read_checkpoint(weight_file(dpt)).tensors).first;
  return found->second;
}

const DptNetwork& network(const DptCase& dpt) {
  static std::map<DptVariant, std::unique_ptr<DptNetwork>> built;
  std::unique_ptr<DptNetwork>& slot = built[dpt.variant];
  if (!slot) slot = std::make_unique<DptNetwork>(dpt.variant, weights(dpt), dpt.model + ".pt");
  return *slot;
}

std::string case_name(const ::testing::TestParamInfo<DptCase>& info) { return info.param.test_name; }

class Dpt : public ::testing::TestWithParam<DptCase> {};

TEST_P(Dpt, ThePublishedFileMatchesTheLayoutKeyForKey) {
  const testing::KeyList list = key_list(GetParam().model);
  const WeightLayout& layout = dpt_weight_layout(GetParam().variant);
  ASSERT_EQ(layout.tensors.size(), list.tensors.size());
  EXPECT_EQ(list.tensors.size(), GetParam().entries);
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
    const ExpectedTensor& expected = layout.tensors[i];
    EXPECT_EQ(expected.name, list.tensors[i].first);
    EXPECT_EQ(at::IntArrayRef(expected.shape), list.tensors[i].second.sizes()) << expected.name;
    EXPECT_EQ(expected.dtype, list.tensors[i].second.scalar_type()) << expected.name;
    EXPECT_TRUE(expected.required) << expected.name;
  }
}

// The ViTs' absolute position embeddings (BEiT has none: DptBeit below checks its relative position biases).
class DptVit : public ::testing::TestWithParam<DptCase> {};

TEST_P(DptVit, PositionEmbeddingsAreResizedAsMidasDoes) {
  const DptCase& dpt = GetParam();
  // 24 x 24 is the file's own grid (the bilinear resize to the same size is the identity).
  for (const auto& [rows, columns] : std::vector<std::pair<int, int>>{{24, 24}, {4, 6}, {7, 3}}) {
    const std::string name = concat("position_", rows, "x", columns);
    EXPECT_LE(relative_max_difference(network(dpt).position_embedding(rows, columns), array(dpt, name)),
              kPositionTolerance)
        << name;
  }
  EXPECT_TRUE(at::equal(network(dpt).position_embedding(24, 24), array(dpt, "position_24x24")));
}

TEST_P(Dpt, OutputAtTwoSizesOneNotSquare) {
  const DptCase& dpt = GetParam();
  double positive = 0, values = 0;
  for (const std::string& size : dpt.output_sizes) {
    const at::Tensor expected = array(dpt, "dpt_output_" + size);
    const at::Tensor output = network(dpt).forward(array(dpt, "dpt_input_" + size));
    ASSERT_EQ(output.dim(), 4);
    positive += expected.gt(0).sum().item<double>();
    values += static_cast<double>(expected.numel());
    const double difference = relative_max_difference(output.squeeze(1), expected);
    EXPECT_LE(difference, kTolerance) << size << " on " << testing::cpu_features();
    std::cout << dpt.label << " " << size << ": max |native - PyTorch| / max |PyTorch| = " << difference << " ("
              << testing::cpu_features() << ")\n";
  }
  // The final ReLU clips part of the maps: the head was calibrated so that it does (~2%), but not all of them.
  EXPECT_GT(positive / values, 0.9);
  EXPECT_LT(positive / values, 1.0);
}

TEST_P(Dpt, InputsOfTheWrongShapeAreRejected) {
  const DptCase& dpt = GetParam();
  const std::vector<std::int64_t>& size = dpt.misfit_size;
  EXPECT_THROW_MESSAGE(network(dpt).forward(at::rand(size)), Error,
                       concat(dpt.label, ": expected a 1x3xHxW float32 image with H and W multiples of 16, ",
                              "got float32 [", size[0], ", ", size[1], ", ", size[2], ", ", size[3], "]"));
}

TEST_P(Dpt, OtherDepthModelsAreNamed) {
  const DptCase& dpt = GetParam();
  for (const DptCase* other : kCases) {
    if (other->variant == dpt.variant) continue;
    EXPECT_THROW_MESSAGE(DptNetwork(dpt.variant, key_list(other->model).tensors, "other.pt"), InputError,
                         concat("other.pt: does not hold the ", dpt.weights_title, " weights"));
    EXPECT_THROW_MESSAGE(DptNetwork(dpt.variant, key_list(other->model).tensors, "other.pt"), InputError,
                         concat("these are the ", other->weights_title, " weights"));
  }
  EXPECT_THROW_MESSAGE(DptNetwork(dpt.variant, key_list("depth_anything_v2_vitl").tensors, "vitl.pth"), InputError,
                       "these are the Depth Anything V2 vitl");
  EXPECT_THROW_MESSAGE(DptNetwork(dpt.variant, key_list("midas_v2").tensors, "midas.pt"), InputError,
                       "these are the MiDaS v2 / v2.1 large");
  EXPECT_THROW_MESSAGE(DptNetwork(dpt.variant, key_list("midas_v21_small").tensors, "small.pt"), InputError,
                       "these are the MiDaS v2.1 small");
}

// The midas estimator (version v3_large, v3_hybrid or v31_beit_large_512) on the network's fixture.
TEST_P(Dpt, TheEstimatorRunsTheNetworkOnTheFeedOfItsPreset) {
  const DptCase& dpt = GetParam();
  DepthEstimatorConfig config;
  config.name = dpt.model;
  config.type = "midas";
  config.version = dpt.midas_version;
  config.path = weight_file(dpt).string();
  // A 64-pixel box (PyTorch eager speed): a 96x64 image keeps its size ("minimal": the height's scale 1 is nearer 1
  // than the width's 2/3), so the feed is the fixture's input and the map needs no resize back.
  config.preprocessing.width = config.preprocessing.height = 64;
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(config);
  const nlohmann::json description = estimator->describe();
  EXPECT_EQ(description["type"], "midas");
  EXPECT_EQ(description["version"], dpt.midas_version);
  EXPECT_EQ(description["preset"], dpt.preset);
  EXPECT_EQ(description["network"], dpt.description);
  EXPECT_EQ(description["files"][0]["sha256"], sha256_hex_of_file(weight_file(dpt)));

  DepthQuery query;
  query.image_path = "dpt_input_64x96";
  query.rgb = image_from_tensor(array(dpt, "dpt_input_64x96") * 0.5 + 0.5);  // the preset's (x - 0.5) / 0.5 undone
  query.size = query.rgb.size();
  const DepthPrediction prediction = estimator->estimate(query);
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  const double difference =
      relative_max_difference(tensor_from_image(prediction.values).squeeze(1), array(dpt, "dpt_output_64x96"));
  EXPECT_LE(difference, kTolerance);
  std::cout << dpt.label << " estimator on a 96x64 image: max |native - PyTorch| / max |PyTorch| = " << difference
            << "\n";
}

TEST_P(Dpt, TheCatalogEntryChecksTheFile) {
  const DptCase& dpt = GetParam();
  const CatalogEntry& entry = *find_catalog_entry(dpt.model);
  EXPECT_EQ(entry.estimator_type, "midas");
  EXPECT_EQ(entry.estimator_version, dpt.midas_version);
  EXPECT_EQ(entry.published_file, dpt.model + ".pt");
  EXPECT_EQ(entry.relative_path, "midas/" + dpt.model + ".pt");
  check_model_loads(entry, weight_file(dpt));
  const fs::path depth_anything = fs::path(DEPTHSTYLE_GENERATED_FIXTURES) /
                                  "depth_anything/weights/depth_anything/depth_anything_v2_vits.pth";
  EXPECT_THROW_MESSAGE(check_model_loads(entry, depth_anything), InputError,
                       concat("does not hold the ", dpt.weights_title, " weights"));
}

INSTANTIATE_TEST_SUITE_P(Variants, Dpt, ::testing::Values(kLarge, kHybrid, kBeit), case_name);
INSTANTIATE_TEST_SUITE_P(Variants, DptVit, ::testing::Values(kLarge, kHybrid), case_name);

// --- What only one of them has ---

TEST(DptLargeWrongFiles, MissingAndMisshapenTensorsAreListed) {
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

TEST(DptHybridLayout, ActPostprocessOneAndTwoAreIdentitiesWithoutKeys) {
  for (const ExpectedTensor& expected : dpt_weight_layout(DptVariant::kHybrid).tensors) {
    EXPECT_FALSE(starts_with(expected.name, "pretrained.act_postprocess1.")) << expected.name;
    EXPECT_FALSE(starts_with(expected.name, "pretrained.act_postprocess2.")) << expected.name;
  }
}

TEST(DptHybridAgainstPytorch, TheBackboneAtAnOddSize) {
  // 45x37: the stem conv pads 3 on every side, the pool and the stride-2 3x3 convs 1 (at even sizes: 2 / 3 and
  // 0 / 1 before / after).
  const ResNetV2Backbone backbone(weights(kHybrid), "pretrained.model.patch_embed.backbone", {3, 4, 9});
  const std::vector<at::Tensor> stages = backbone.forward(array(kHybrid, "backbone_input_45x37"));
  ASSERT_EQ(stages.size(), 3u);
  for (std::size_t stage = 0; stage < stages.size(); ++stage) {
    const std::string name = concat("backbone_stage", stage, "_45x37");
    const double difference = relative_max_difference(stages[stage], array(kHybrid, name));
    EXPECT_LE(difference, kTolerance) << name;
    std::cout << "ResNetV2 " << name << ": max |native - PyTorch| / max |PyTorch| = " << difference << "\n";
  }
  EXPECT_EQ(resnet_v2_out_channels({3, 4, 9}), 1024);
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

// --- DPT-BEiT-L 512: BEiT's relative position biases and its wrong files ---

// MiDaS' _get_rel_pos_bias on block 0: the 63 x 63 offset table resized to (2 rows - 1) x (2 columns - 1) (on the
// training grid the identity: the file's table as it is), and the bias gathered by the grid's index, non-square grids
// both ways.
TEST(DptBeitAgainstPytorch, RelativePositionBiasesAreResizedAsMidasDoes) {
  const BeitBlock& block = network(kBeit).beit().block(0);
  EXPECT_TRUE(at::equal(block.relative_position_table(32, 32),
                        checked_tensor(weights(kBeit), "pretrained.model.blocks.0.attn.relative_position_bias_table")));
  for (const auto& [rows, columns] : std::vector<std::pair<int, int>>{{32, 32}, {4, 6}, {6, 4}, {7, 3}}) {
    const std::string name = concat("relative_table_", rows, "x", columns);
    EXPECT_LE(relative_max_difference(block.relative_position_table(rows, columns), array(kBeit, name)),
              kPositionTolerance)
        << name;
  }
  for (const auto& [rows, columns] : std::vector<std::pair<int, int>>{{4, 6}, {6, 4}, {7, 3}}) {
    const std::string name = concat("relative_bias_", rows, "x", columns);
    const at::Tensor bias =
        gather_logit_bias(block.relative_position_logits(rows, columns, network(kBeit).beit().index(rows, columns)));
    EXPECT_LE(relative_max_difference(bias, array(kBeit, name)), kPositionTolerance) << name;
  }
}

// timm's gen_relative_position_index on the training grid is the index the file stores (MiDaS rebuilds it per grid).
TEST(DptBeitAgainstPytorch, TheRelativePositionIndexIsTimmsOnTheTrainingGrid) {
  EXPECT_TRUE(at::equal(relative_position_index(32, 32),
                        checked_tensor(weights(kBeit), "pretrained.model.blocks.23.attn.relative_position_index")));
  const at::Tensor index = relative_position_index(2, 3);  // 7 tokens; D = 3 x 5 = 15 offsets
  EXPECT_EQ(index[0][0].item<std::int64_t>(), 17);
  EXPECT_EQ(index[0][4].item<std::int64_t>(), 15);
  EXPECT_EQ(index[4][0].item<std::int64_t>(), 16);
  // Tokens 1 + patch; patches row-major. Patch 1 at (0, 1), patch 3 at (1, 0): offset (dy, dx) = (-1, 1) -> row
  // (dy + 1) x 5 + (dx + 2) = 3; back, (1, -1) -> 2 x 5 + 1 = 11. Patches 0 (0, 0) and 5 (1, 2): 0 and 14.
  EXPECT_EQ(index[2][4].item<std::int64_t>(), 3);
  EXPECT_EQ(index[4][2].item<std::int64_t>(), 11);
  EXPECT_EQ(index[1][6].item<std::int64_t>(), 0);
  EXPECT_EQ(index[6][1].item<std::int64_t>(), 14);
}

TEST(DptBeitWrongFiles, MissingAndMisshapenTensorsAreListed) {
  NamedTensors tensors = key_list("dpt_beit_large_512").tensors;
  tensors.erase(std::find_if(tensors.begin(), tensors.end(), [](const auto& entry) {
    return entry.first == "pretrained.model.blocks.7.attn.v_bias";
  }));
  for (auto& [name, tensor] : tensors) {
    if (name == "pretrained.model.blocks.3.attn.relative_position_bias_table") tensor = at::zeros({2307, 16});
  }
  EXPECT_THROW_MESSAGE(DptNetwork(DptVariant::kBeitLarge512, tensors, "/w/beit.pt"), InputError,
                       "/w/beit.pt: does not hold the DPT-BEiT-L 512, MiDaS v3.1 (dpt_beit_large_512.pt) weights (2 "
                       "differences):\n"
                       "  wrong shape of 'pretrained.model.blocks.3.attn.relative_position_bias_table': expected "
                       "[3972, 16], found [2307, 16]\n"
                       "  missing tensor 'pretrained.model.blocks.7.attn.v_bias': expected float32 [1024]");
}

TEST(DptBeitWrongFiles, ATruncatedFileIsRefusedByTheEstimator) {
  testing::TempDir dir;
  const fs::path truncated = dir / "dpt_beit_large_512.pt";
  {
    std::ifstream in(weight_file(kBeit), std::ios::binary);
    std::string head(1 << 20, '\0');  // the first MiB: the zip's central directory, at its end, is missing
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(truncated, std::ios::binary).write(head.data(), in.gcount());
  }
  DepthEstimatorConfig config;
  config.name = "beit";
  config.type = "midas";
  config.version = kBeit.midas_version;
  config.path = truncated.string();
  EXPECT_THROW_MESSAGE(make_depth_estimator(config), InputError, truncated.string() + ": not a ZIP archive, or truncated");
}

}  // namespace
}  // namespace depthstyle
