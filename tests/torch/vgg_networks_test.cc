// The VGG encoder and AdaIN decoder (nets/) and the vgg backbone (style/) on weight files in the published layout
// with seeded random weights, written with the PyTorch outputs for them by tests/fixtures/style/make_vgg_fixtures.py
// (run by ctest as the vgg_weights_setup fixture, into the build tree).
//
// Agreement with PyTorch is measured as the largest absolute difference relative to the largest absolute expected
// value (relative L-infinity norm), and must be <= 1e-4.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/text.h"
#include "tensor/checkpoint.h"
#include "io/npy.h"
#include "tensor/tensor_image.h"
#include "nets/adain_decoder.h"
#include "nets/vgg_encoder.h"
#include "style/adain.h"
#include "style/backbone_factory.h"
#include "style/render.h"
#include "style/vgg_backbone.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

std::filesystem::path weights_fixture(const std::string& name) {
  return std::filesystem::path(DEPTHSTYLE_GENERATED_FIXTURES) / "style" / name;
}

// An array the script wrote: a 2-D float32 .npy reshaped to its real shape from expected.json.
at::Tensor fixture_array(const std::string& name) {
  static const nlohmann::json shapes =
      nlohmann::json::parse(read_file(weights_fixture("expected.json")))["shapes"];
  const std::filesystem::path path = weights_fixture(name + ".npy");
  return tensor_from_image(parse_npy(read_file(path), path.string()))
      .reshape(shapes.at(name).get<std::vector<std::int64_t>>());
}

double relative_max_difference(const at::Tensor& actual, const at::Tensor& expected) {
  EXPECT_EQ(actual.sizes(), expected.sizes());
  if (actual.sizes() != expected.sizes()) return INFINITY;
  return (actual - expected).abs().max().item<double>() / expected.abs().max().item<double>();
}

// PSNR in dB of `actual` against `reference`, both images with values in [0, 1] (peak 1).
double psnr(const at::Tensor& actual, const at::Tensor& reference) {
  const double mse = (actual - reference).pow(2).mean().item<double>();
  return 10 * std::log10(1.0 / mse);
}

NamedTensors weights(const std::string& file) { return read_checkpoint(weights_fixture(file)).tensors; }

constexpr double kTolerance = 1e-4;

// --- Weight layouts ---

TEST(VggWeightLayout, ListsEveryConvOfThePublishedFileAndRequiresThoseUpToRelu41) {
  const WeightLayout& layout = vgg_encoder_weight_layout();
  ASSERT_EQ(layout.tensors.size(), 34u);  // 17 convs
  std::vector<std::string> required, optional;
  for (const ExpectedTensor& tensor : layout.tensors) (tensor.required ? required : optional).push_back(tensor.name);
  EXPECT_EQ(required.front(), "0.weight");
  EXPECT_EQ(required.back(), "29.bias");
  EXPECT_EQ(required.size(), 20u);
  EXPECT_EQ(optional.front(), "32.weight");
  EXPECT_EQ(optional.back(), "51.bias");
  EXPECT_EQ(layout.tensors[2].shape, (std::vector<std::int64_t>{64, 3, 3, 3}));  // 2.weight
  EXPECT_EQ(vgg_encoder_layers().size(), 53u);
}

TEST(AdainDecoderWeightLayout, HasTheReferenceKeys) {
  std::vector<std::string> names;
  for (const ExpectedTensor& tensor : adain_decoder_weight_layout().tensors) {
    if (tensor.shape.size() == 4) names.push_back(tensor.name);
    EXPECT_TRUE(tensor.required) << tensor.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"1.weight", "5.weight", "8.weight", "11.weight", "14.weight",
                                             "18.weight", "21.weight", "25.weight", "28.weight"}));
  EXPECT_EQ(adain_decoder_layers().size(), 29u);
}

TEST(WeightLayout, ReportsEveryDifferenceInOneError) {
  const WeightLayout layout{"test model", {{"a", at::kFloat, {2, 3}},
                                           {"b", at::kFloat, {4}},
                                           {"c", at::kFloat, {1}},
                                           {"d", at::kFloat, {5}, /*required=*/false}}};
  const NamedTensors tensors = {{"x", at::zeros({7}, at::kInt)}, {"a", at::zeros({3, 2})},
                                {"b", at::zeros({4}, at::kHalf)}};
  EXPECT_THROW_MESSAGE(check_weight_layout(layout, tensors, "/some/file.pth"), InputError,
                       "/some/file.pth: does not hold the test model weights (4 differences):\n"
                       "  wrong shape of 'a': expected [2, 3], found [3, 2]\n"
                       "  wrong dtype of 'b': expected float32, found float16\n"
                       "  missing tensor 'c': expected float32 [1]\n"
                       "  unexpected tensor 'x': found int32 [7]");
  EXPECT_NO_THROW(check_weight_layout(layout, {{"a", at::zeros({2, 3})}, {"b", at::zeros({4})},
                                               {"c", at::zeros({1})}, {"d", at::zeros({5})}}, "f"));
  EXPECT_THROW_MESSAGE(check_weight_layout(layout, {{"a", at::zeros({2, 3})}, {"b", at::zeros({4})},
                                                    {"c", at::zeros({1})}, {"d", at::zeros({6})}}, "f"),
                       InputError, "f: does not hold the test model weights (1 difference):\n"
                                   "  wrong shape of 'd': expected [5], found [6]");
}

// --- Loading the published files ---

TEST(VggWeights, ZipAndLegacyFilesHoldIdenticalTensors) {
  for (const char* model : {"vgg_normalised", "decoder"}) {
    const Checkpoint zip = read_checkpoint(weights_fixture(std::string(model) + "_zip.pth"));
    const Checkpoint legacy = read_checkpoint(weights_fixture(std::string(model) + "_legacy.pth"));
    EXPECT_EQ(zip.format, CheckpointFormat::kZip);
    EXPECT_EQ(legacy.format, CheckpointFormat::kLegacy);
    ASSERT_EQ(zip.tensors.size(), legacy.tensors.size()) << model;
    for (std::size_t i = 0; i < zip.tensors.size(); ++i) {
      EXPECT_EQ(zip.tensors[i].first, legacy.tensors[i].first);
      EXPECT_TRUE(at::equal(zip.tensors[i].second, legacy.tensors[i].second)) << zip.tensors[i].first;
    }
  }
  const at::Tensor content = fixture_array("content");
  EXPECT_TRUE(at::equal(vgg_encoder_from_weights(weights("vgg_normalised_zip.pth"), "zip").forward(content),
                        vgg_encoder_from_weights(weights("vgg_normalised_legacy.pth"), "legacy").forward(content)));
}

TEST(VggWeights, EncoderFileCutAfterRelu41IsAccepted) {
  const at::Tensor content = fixture_array("content");
  EXPECT_TRUE(at::equal(vgg_encoder_from_weights(weights("vgg_cut_at_relu4_1.pth"), "cut").forward(content),
                        vgg_encoder_from_weights(weights("vgg_normalised_zip.pth"), "full").forward(content)));
}

TEST(VggWeights, MissingKeyIsNamedWithItsShape) {
  const std::string path = weights_fixture("vgg_missing_key.pth").string();
  EXPECT_THROW_MESSAGE(vgg_encoder_from_weights(weights("vgg_missing_key.pth"), path), InputError,
                       path + ": does not hold the VGG-19 normalised encoder (vgg_normalised.pth) weights "
                              "(1 difference):\n  missing tensor '29.bias': expected float32 [512]");
}

TEST(VggWeights, ExtraKeyIsNamedWithItsShape) {
  EXPECT_THROW_MESSAGE(vgg_encoder_from_weights(weights("vgg_extra_key.pth"), "vgg_extra_key.pth"), InputError,
                       "vgg_extra_key.pth: does not hold the VGG-19 normalised encoder (vgg_normalised.pth) weights "
                       "(1 difference):\n  unexpected tensor '53.weight': found float32 [3]");
}

TEST(VggWeights, WrongShapeIsNamedWithBothShapes) {
  EXPECT_THROW_MESSAGE(adain_decoder_from_weights(weights("decoder_wrong_shape.pth"), "decoder_wrong_shape.pth"),
                       InputError,
                       "decoder_wrong_shape.pth: does not hold the AdaIN decoder (decoder.pth) weights "
                       "(1 difference):\n  wrong shape of '28.weight': expected [3, 64, 3, 3], found [3, 64, 1, 1]");
}

TEST(VggWeights, WrongDtypeIsNamed) {
  EXPECT_THROW_MESSAGE(adain_decoder_from_weights(weights("decoder_float16.pth"), "decoder_float16.pth"), InputError,
                       "decoder_float16.pth: does not hold the AdaIN decoder (decoder.pth) weights "
                       "(1 difference):\n  wrong dtype of '1.bias': expected float32, found float16");
}

TEST(VggWeights, DecoderGivenAsEncoderListsEveryDifferenceAndSaysTheFilesAreSwapped) {
  try {
    vgg_encoder_from_weights(weights("decoder_zip.pth"), "decoder.pth");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    // 8 required encoder convs absent (16 tensors), 2 convs of both models with other shapes (4 tensors), and the
    // decoder's 7 other convs (14 tensors).
    EXPECT_NE(message.find("decoder.pth: does not hold the VGG-19 normalised encoder (vgg_normalised.pth) weights "
                           "(34 differences):\n  missing tensor '0.weight': expected float32 [3, 3, 1, 1]\n"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("\n  wrong shape of '5.weight': expected [64, 64, 3, 3], found [256, 256, 3, 3]\n"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("\n  wrong shape of '25.bias': expected [256], found [64]\n"), std::string::npos)
        << message;
    EXPECT_NE(message.find("\n  unexpected tensor '28.weight': found float32 [3, 64, 3, 3]\n"), std::string::npos)
        << message;
    EXPECT_NE(message.find("\n  these are the AdaIN decoder (decoder.pth) weights: wrong file, or two files swapped?"),
              std::string::npos)
        << message;
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 35);  // 34 differences and the hint
  }
  EXPECT_THROW_MESSAGE(adain_decoder_from_weights(weights("vgg_normalised_zip.pth"), "vgg.pth"), InputError,
                       "these are the VGG-19 normalised encoder (vgg_normalised.pth) weights: wrong file, or two "
                       "files swapped?");
}

TEST(VggBackbone, MissingWeightFileIsNamed) {
  testing::TempDir directory;
  EXPECT_THROW_MESSAGE(make_vgg_backbone({directory / "nowhere.pth", weights_fixture("decoder_zip.pth")}),
                       InputError, (directory / "nowhere.pth").string());
}

// --- Agreement with PyTorch eager ---

// Loaded once per process, on first use (a loading failure fails the test that needed them, and is not reported
// as a skip the way a failing SetUpTestSuite would be).
const LayerStack& encoder() {
  static const LayerStack encoder = vgg_encoder_from_weights(weights("vgg_normalised_zip.pth"), "vgg");
  return encoder;
}
const LayerStack& decoder() {
  static const LayerStack decoder = adain_decoder_from_weights(weights("decoder_legacy.pth"), "decoder");
  return decoder;
}

// The measured differences are printed (with Winograd convs: ~2e-6 .. 4e-6).
TEST(VggAgainstPytorch, EncoderRelu41) {
  for (const std::string name : {"content", "style"}) {
    const double difference = relative_max_difference(encoder().forward(fixture_array(name)),
                                                      fixture_array(name + "_relu4_1"));
    std::printf("%s relu4_1 vs PyTorch: %.3g\n", name.c_str(), difference);
    EXPECT_LE(difference, kTolerance) << name;
  }
}

TEST(VggAgainstPytorch, DecoderOutput) {
  const at::Tensor decoded = decoder().forward(fixture_array("content_relu4_1"));
  EXPECT_EQ(decoded.sizes(), (std::vector<std::int64_t>{1, 3, 56, 72}));  // 53x67 -> 7x9 -> 56x72
  const double difference = relative_max_difference(decoded, fixture_array("decoded_content"));
  std::printf("decoded vs PyTorch: %.3g\n", difference);
  EXPECT_LE(difference, kTolerance);
}

TEST(VggAgainstPytorch, UniformStylizationWithThePortsAlpha) {
  const at::Tensor content = encoder().forward(fixture_array("content"));
  const at::Tensor stylized = adain(content, encoder().forward(fixture_array("style")));
  // The port's alpha weighs the STYLISED features; the paper's (blend_content_and_stylized) the content features.
  for (const auto& [port_alpha, name] : {std::pair{1.0, "stylized_port_alpha_1"}, {0.6, "stylized_port_alpha_0_6"}}) {
    const at::Tensor features = blend_content_and_stylized(content, stylized, at::scalar_tensor(1 - port_alpha));
    const double difference = relative_max_difference(decoder().forward(features), fixture_array(name));
    std::printf("%s vs PyTorch: %.3g\n", name, difference);
    EXPECT_LE(difference, kTolerance) << name;
  }
}

TEST(VggAgainstPytorch, DepthAwareStylizationWithAStrengthMap) {
  const at::Tensor content = encoder().forward(fixture_array("content"));
  const at::Tensor stylized = adain(content, encoder().forward(fixture_array("style")));
  const at::Tensor features = blend_content_and_stylized(content, stylized, fixture_array("strength_map"));
  EXPECT_LE(relative_max_difference(decoder().forward(features), fixture_array("stylized_strength_map")),
            kTolerance);
}

// The whole DA-AdaIN path a user runs: the vgg backbone from the registry, a depth map at the content's size,
// Algorithm 1 (beta 20, eps 0.15; the map's sides are multiples of the feature grid, so step 3's area resize is an
// exact block mean in PyTorch too), eq. 5 and the decoder, against the script's PyTorch computation of the same.
TEST(VggAgainstPytorch, DepthAwareStylizationFromADepthMapThroughTheStylizer) {
  BackboneConfig config;
  config.type = "vgg";
  config.encoder = weights_fixture("vgg_normalised_zip.pth").string();
  config.decoder = weights_fixture("decoder_zip.pth").string();
  const std::unique_ptr<Backbone> backbone = make_backbone(config);
  const at::Tensor content_image = fixture_array("da_content");
  const Features content = backbone->encode(content_image);
  const Features style = backbone->encode(fixture_array("style"));
  const StyleTargets targets = prepare_style_targets(content, {&style}, StyleMix{});
  const DepthPrediction depth{image_from_tensor(fixture_array("da_depth").view({1, 1, 48, 64})), DepthMeaning::kDepth};
  BlendSetting setting;
  setting.method = StyleMethod::kDepthAware;
  setting.strength = {20, 0.15};
  const Rendering rendering =
      render_stylization(*backbone, content, targets, setting,
                         centred_proximity_levels(proximity_from_prediction(depth), content), cv::Size(64, 48));
  ASSERT_EQ(rendering.strength.size(), 1u);
  EXPECT_LE(relative_max_difference(tensor_from_image(rendering.strength[0]), fixture_array("da_strength")), 1e-6);
  EXPECT_LE(relative_max_difference(rendering.image, fixture_array("da_adain_beta20_eps015")), kTolerance);
}

// Two-row stripes (the smallest) instead of whole layers: every layer, including pooling across stripe boundaries,
// the odd last row of ceil-mode pooling, and upsampling, must give the same values up to oneDNN's choice of kernel
// for the stripe's shape, which may sum in another order (2e-6 relative measured; bound 1e-5).
TEST(VggAgainstPytorch, StripedLayersGiveTheSameOutput) {
  const at::Tensor content = fixture_array("content");
  const at::Tensor features = encoder().forward(content, /*stripe_bytes=*/1);
  const at::Tensor decoded = decoder().forward(features, /*stripe_bytes=*/1);
  const double encoder_difference = relative_max_difference(features, encoder().forward(content));
  const double decoder_difference = relative_max_difference(decoded, decoder().forward(features));
  std::printf("two-row stripes vs whole layers: encoder %.3g, decoder %.3g\n", encoder_difference,
              decoder_difference);
  EXPECT_LE(encoder_difference, 1e-5);
  EXPECT_LE(decoder_difference, 1e-5);
  EXPECT_LE(relative_max_difference(features, fixture_array("content_relu4_1")), kTolerance);
  EXPECT_LE(relative_max_difference(decoded, fixture_array("decoded_content")), kTolerance);
}

TEST(VggAgainstPytorch, InputsTooSmallOrWithWrongChannelsAreRejected) {
  EXPECT_EQ(encoder().minimum_input_side(), 9);  // three ceil-mode poolings leave >= 2 pixels
  EXPECT_NO_THROW(encoder().forward(at::rand({1, 3, 9, 9})));
  EXPECT_THROW_MESSAGE(encoder().forward(at::rand({1, 3, 8, 40})), Error,
                       "VGG encoder: a 40x8 (width x height) input is too small; reflection padding needs 2 pixels "
                       "at every layer, so both sides must be at least 9");
  EXPECT_THROW_MESSAGE(encoder().forward(at::rand({1, 4, 20, 20})), Error,
                       "VGG encoder: expected an Nx3xHxW input, got [1, 4, 20, 20]");
  EXPECT_THROW_MESSAGE(decoder().forward(at::rand({1, 256, 8, 8})), Error,
                       "AdaIN decoder: expected an Nx512xHxW input, got [1, 256, 8, 8]");
  EXPECT_EQ(decoder().minimum_input_side(), 2);
}

TEST(LayerStack, ConvFlopsCountEveryConv) {
  // Values from PyTorch: 2 x output elements x in_channels x k x k, summed over the convs.
  EXPECT_EQ(conv_flops(vgg_encoder_layers(), kVggEncoderUsedLayers, 512, 512), 126538481664.0);
  EXPECT_EQ(conv_flops(vgg_encoder_layers(), kVggEncoderUsedLayers, 53, 67), 1811520558.0);
  EXPECT_EQ(conv_flops(adain_decoder_layers(), adain_decoder_layers().size(), 64, 64), 126533763072.0);
}

// The fused element-wise layers against ATen's own kernels, bit for bit: odd and even sizes, both memory formats,
// float32 and bfloat16 (compared after the same rounding), and the smallest size reflection padding accepts.
TEST(LayerStack, FusedElementwiseLayersEqualPytorchExactly) {
  const auto pytorch_pad = [](const at::Tensor& x) { return at::reflection_pad2d(x.to(at::kFloat), {1, 1, 1, 1}); };
  for (const std::vector<std::int64_t>& shape : {std::vector<std::int64_t>{2, 3, 4, 5}, {1, 8, 7, 9}, {1, 2, 2, 2}}) {
    for (const at::MemoryFormat format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
      for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
        SCOPED_TRACE(concat(shape_text(shape), format == at::MemoryFormat::ChannelsLast ? " channels-last " : " ",
                            pytorch_dtype_name(dtype)));
        const at::Tensor x = at::randn(shape).to(dtype).contiguous(format);
        EXPECT_TRUE(at::equal(reflection_pad_1(x).to(at::kFloat), pytorch_pad(x)));
        EXPECT_TRUE(at::equal(relu_reflection_pad_1(x).to(at::kFloat), pytorch_pad(at::relu(x))));
        EXPECT_TRUE(at::equal(upsample_reflection_pad_1(x).to(at::kFloat),
                              pytorch_pad(at::upsample_nearest2d(x.to(at::kFloat),
                                                                 {2 * shape[2], 2 * shape[3]}, 2.0, 2.0))));
        EXPECT_TRUE(at::equal(max_pool_2x2(x).to(at::kFloat),
                              at::max_pool2d(x.to(at::kFloat), {2, 2}, {2, 2}, {0, 0}, {1, 1}, true)));
        EXPECT_EQ(reflection_pad_1(x).scalar_type(), dtype);
        EXPECT_TRUE(reflection_pad_1(x).is_contiguous(format));
      }
    }
  }
  const at::Tensor x = at::randn({1, 4, 5, 6});  // converting while padding rounds like a separate conversion
  EXPECT_TRUE(at::equal(relu_reflection_pad_1(x, at::kBFloat16), pytorch_pad(at::relu(x)).to(at::kBFloat16)));
}

// --- The backbone ---

TEST(VggBackbone, EncodesAndDecodesLikeTheNetworksAndDescribesItsFiles) {
  const std::filesystem::path encoder_path = weights_fixture("vgg_normalised_legacy.pth");
  const std::filesystem::path decoder_path = weights_fixture("decoder_zip.pth");
  const std::unique_ptr<Backbone> backbone = make_vgg_backbone({encoder_path, decoder_path});
  EXPECT_EQ(backbone->name(), "vgg");
  EXPECT_TRUE(backbone->reproduces_paper());
  EXPECT_EQ(backbone->label(),
            "the paper's networks: VGG-19 normalised encoder to relu4_1 and the AdaIN decoder (fp32)");
  const Features features = backbone->encode(fixture_array("content"));
  ASSERT_EQ(features.levels.size(), 1u);
  EXPECT_LE(relative_max_difference(features.levels[0], fixture_array("content_relu4_1")), kTolerance);
  EXPECT_LE(relative_max_difference(backbone->decode(features), fixture_array("decoded_content")), kTolerance);
  EXPECT_THROW_MESSAGE(backbone->decode(Features{}), Error,
                       "vgg backbone: expected one feature level (relu4_1), got 0");

  const nlohmann::json description = backbone->describe();
  EXPECT_EQ(description["encoder"]["path"], encoder_path.string());
  EXPECT_EQ(description["encoder"]["sha256"], sha256_hex_of_file(encoder_path));
  EXPECT_EQ(description["decoder"]["path"], decoder_path.string());
  EXPECT_EQ(description["decoder"]["sha256"], sha256_hex_of_file(decoder_path));
  EXPECT_EQ(description["precision"], "fp32");
  EXPECT_EQ(description["feature_levels"], nlohmann::json::array({"relu4_1"}));
}

// bf16 has no exact reference: a value near a rounding boundary rounds the other way after another summation order,
// and the difference is bf16-sized from then on. So the bf16 policy (which convs run in bf16, bf16 weights, bias and
// activations, float32 sums) is checked against PyTorch eager with that arithmetic (make_vgg_fixtures.py
// run_in_bfloat16), with bounds derived from bf16's arithmetic rather than measured on one machine (docs/testing.md):
// the summation order differs between CPUs (AVX2: depthstyle's float32 convs, Winograd or direct; AVX-512-BF16 and
// AMX: oneDNN's bf16 kernels, which sum pairs of products), and so do the roundings that flip.
//
// The model. bf16 keeps 8 significant bits: rounding to nearest errs by at most u = 2^-8 relative, and values that do
// not line up with the bf16 grid err uniformly in [-u, u], rms u / sqrt(3). Products and sums are float32 (u =
// 2^-24, negligible), so an implementation's error is that of its L bf16 roundings on the content's path (bf16_
// roundings below). Two implementations whose float32 sums differ in order round each of them at worst
// independently: rms sqrt(2/3) u per rounding. The network's layers are normalised, so a relative error keeps its
// scale as it passes on, and independent errors add in quadrature: outputs in [0, 1] differ by at most
// sqrt(sides L / 3) u rms, where sides = 2 for two bf16 implementations and 1 for bf16 against float32, i.e. a PSNR
// of at least -20 log10(sqrt(sides L / 3) u). With L = 18 that is 37.4 dB between bf16 implementations and 40.4 dB to
// float32. Measured: 66 dB (direct convs, AVX2), 55.4 dB (AVX-512-BF16), 54 dB Winograd to PyTorch and 53 dB to
// float32 (AVX2). What the bound guards against: bf16 partial sums (ATen's own bf16 conv on a CPU without AVX-512)
// round every one of a conv's 9 x 512 additions, ~sqrt(4608) = 68 times more noise per layer; 29.5 dB here.
int bf16_roundings(const LayerTable& layers, std::size_t used_count) {
  // layer_stack.h: the convs touching the image (3 channels in or out) stay float32; every other conv's output is
  // stored in bf16, and so is the float32 input of the first bf16 conv after a float32 step.
  int roundings = 0;
  bool previous_bf16 = false;
  for (std::size_t index = 0; index < used_count; ++index) {
    if (layers[index].kind != LayerKind::kConv) continue;
    const bool bf16 = layers[index].in_channels > 3 && layers[index].out_channels > 3;
    if (bf16) roundings += previous_bf16 ? 1 : 2;
    previous_bf16 = bf16;
  }
  return roundings;
}

double bf16_psnr_bound(int roundings, int sides) {
  const double unit_roundoff = std::ldexp(1.0, -8);
  return -20 * std::log10(std::sqrt(sides * roundings / 3.0) * unit_roundoff);
}

TEST(VggBackbone, Bfloat16StylizationFollowsPytorchAndStaysNearFloat32) {
  const std::string cpu = testing::cpu_features();
  std::printf("CPU: %s; bf16_is_native() = %s\n", cpu.c_str(), bf16_is_native() ? "yes" : "no");
  const VggBackboneConfig fp32{weights_fixture("vgg_normalised_zip.pth"), weights_fixture("decoder_zip.pth")};
  VggBackboneConfig bf16 = fp32;
  bf16.precision = Precision::kBFloat16;
  const at::Tensor content = fixture_array("content"), style = fixture_array("style");
  const auto stylize = [&](const VggBackboneConfig& config) {
    const std::unique_ptr<Backbone> backbone = make_vgg_backbone(config);
    const at::Tensor content_features = backbone->encode(content).levels[0];
    const at::Tensor style_features = backbone->encode(style).levels[0];
    return backbone->decode({{adain(content_features, style_features)}}).clamp(0, 1);
  };
  const at::Tensor pytorch_bf16 = fixture_array("stylized_bf16").clamp(0, 1);
  const at::Tensor reference = stylize(fp32);
  const at::Tensor reduced = stylize(bf16);
  setenv("DEPTHSTYLE_WINOGRAD", "0", 1);
  const at::Tensor reduced_direct = stylize(bf16);
  unsetenv("DEPTHSTYLE_WINOGRAD");
  EXPECT_EQ(reduced.scalar_type(), at::kFloat);

  // The style's path only feeds AdaIN's per-channel means and deviations, which average its errors away.
  const int roundings = bf16_roundings(vgg_encoder_layers(), kVggEncoderUsedLayers) +
                        bf16_roundings(adain_decoder_layers(), adain_decoder_layers().size());
  EXPECT_EQ(roundings, 18);
  const double between_bf16 = bf16_psnr_bound(roundings, 2), to_float32 = bf16_psnr_bound(roundings, 1);
  const double direct_decibels = psnr(reduced_direct, pytorch_bf16);
  const double pytorch_decibels = psnr(reduced, pytorch_bf16);
  const double decibels = psnr(reduced, reference);
  std::printf("bf16, direct convs: PSNR %.1f dB vs PyTorch bf16 (relative max difference %.3g); bound %.1f dB\n",
              direct_decibels, relative_max_difference(reduced_direct, pytorch_bf16), between_bf16);
  std::printf("bf16, Winograd: PSNR %.1f dB vs PyTorch bf16, %.1f dB vs fp32; bounds %.1f and %.1f dB\n",
              pytorch_decibels, decibels, between_bf16, to_float32);
  EXPECT_GE(direct_decibels, between_bf16) << cpu;
  EXPECT_GE(pytorch_decibels, between_bf16) << cpu;
  EXPECT_GE(decibels, to_float32) << cpu;
  // It did run in bfloat16: one rounding per value already costs ~50 dB at full scale, while float32 arithmetic
  // (u = 2^-24) stays above 100 dB from PyTorch; 70 dB lies 20 dB from either.
  EXPECT_LT(decibels, 70.0) << cpu;
}

}  // namespace
}  // namespace depthstyle
