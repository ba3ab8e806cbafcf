// The native depth networks (nets/resnet, nets/monodepth2, nets/midas) and their estimators (depth/monodepth2_*,
// depth/midas_*), on weight files in the published layouts with seeded random weights, written with the PyTorch eager
// outputs for them by tests/fixtures/depth/make_native_fixtures.py (run by ctest as the native_depth_weights fixture,
// into the build tree), and on the committed key/shape lists of the real files (tests/fixtures/depth/native_keys).
//
// Agreement with PyTorch is the largest absolute difference relative to the largest absolute expected value
// (relative L-infinity norm); it must be <= 1e-4 for every network output and feature.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/text.h"
#include "depth/depth_estimator.h"
#include "depth/midas_estimator.h"
#include "depth/monodepth2_estimator.h"
#include "tensor/checkpoint.h"
#include "io/npy.h"
#include "tensor/tensor_image.h"
#include "nets/folded_conv.h"
#include "nets/layer_stack.h"
#include "nets/midas.h"
#include "nets/monodepth2.h"
#include "nets/resnet.h"
#include "native_depth_fixtures.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::key_list;
using testing::KeyList;
using testing::relative_max_difference;

constexpr double kTolerance = 1e-4;

fs::path native_fixture(const std::string& name) {
  return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "depth_native" / name;
}
fs::path weights_dir() { return native_fixture("weights"); }
fs::path md2_folder(const std::string& variant) { return weights_dir() / "monodepth2" / variant; }
fs::path midas_file(const std::string& name) { return weights_dir() / "midas" / name; }

at::Tensor fixture_array(const std::string& name) { return testing::fixture_array(native_fixture(""), name); }

NamedTensors weights(const fs::path& file) { return read_checkpoint(file).tensors; }

// Networks loaded once per process, on first use.
const Monodepth2Network& monodepth2() {
  static const Monodepth2Network network(weights(md2_folder("mono_640x192") / "encoder.pth"), "encoder.pth",
                                         weights(md2_folder("mono_640x192") / "depth.pth"), "depth.pth");
  return network;
}
const MidasNetwork& midas_v1() {
  static const MidasNetwork network(MidasVersion::kV1, weights(midas_file("model.pt")), "model.pt");
  return network;
}
const MidasNetwork& midas_v2() {
  static const MidasNetwork network(MidasVersion::kV2, weights(midas_file("midas_v21-f6b98070.pt")), "v21");
  return network;
}

// --- Key lists of the published files ---

std::vector<std::string> names_of(const NamedTensors& tensors) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : tensors) names.push_back(name);
  return names;
}

// Every entry of the layout, required or optional, in order: the published file's full key set.
void expect_layout_equals_key_list(const WeightLayout& layout, const KeyList& list) {
  ASSERT_EQ(layout.tensors.size(), list.tensors.size()) << layout.model;
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
    const ExpectedTensor& expected = layout.tensors[i];
    EXPECT_EQ(expected.name, list.tensors[i].first);
    EXPECT_EQ(at::IntArrayRef(expected.shape), list.tensors[i].second.sizes()) << expected.name;
    EXPECT_EQ(expected.dtype, list.tensors[i].second.scalar_type()) << expected.name;
    // Only BatchNorm's counter (absent from files saved before PyTorch 0.4.1) and ResNet's unused fc are optional.
    const bool may_be_absent = expected.name.find("num_batches_tracked") != std::string::npos ||
                               starts_with(expected.name, "encoder.fc.");
    EXPECT_EQ(expected.required, !may_be_absent) << expected.name;
  }
  EXPECT_TRUE(layout_differences(layout, list.tensors).empty()) << layout.model;
}

NamedTensors without_optional_entries(const NamedTensors& tensors, const WeightLayout& layout) {
  NamedTensors kept;
  for (const auto& [name, tensor] : tensors) {
    for (const ExpectedTensor& expected : layout.tensors) {
      if (expected.name == name && expected.required) kept.emplace_back(name, tensor);
    }
  }
  return kept;
}

TEST(NativeDepthKeyLists, Monodepth2FilesMatchTheLayoutsKeyForKey) {
  const KeyList encoder = key_list("monodepth2_encoder");
  expect_layout_equals_key_list(monodepth2_encoder_weight_layout(), encoder);
  EXPECT_EQ(encoder.tensors.size(), 122u);  // 20 convs, 20 BatchNorms x 5, fc weight and bias
  EXPECT_EQ(encoder.values, (std::vector<std::pair<std::string, std::string>>{
                                {"height", "int"}, {"width", "int"}, {"use_stereo", "bool"}}));
  const KeyList depth = key_list("monodepth2_depth");
  expect_layout_equals_key_list(monodepth2_depth_weight_layout(), depth);
  EXPECT_EQ(depth.tensors.front().first, "decoder.0.conv.conv.weight");
  EXPECT_EQ(depth.tensors.back().first, "decoder.13.conv.bias");
  // The layouts build a network: the key lists are complete.
  EXPECT_NO_THROW(Monodepth2Network(encoder.tensors, "encoder", depth.tensors, "depth"));
  // Files from before PyTorch 0.4.1, or without the fc, load too.
  EXPECT_NO_THROW(Monodepth2Network(without_optional_entries(encoder.tensors, monodepth2_encoder_weight_layout()),
                                    "encoder", depth.tensors, "depth"));
}

TEST(NativeDepthKeyLists, MidasFilesMatchTheLayoutsKeyForKey) {
  const KeyList v1 = key_list("midas_v1");
  expect_layout_equals_key_list(midas_weight_layout(MidasVersion::kV1), v1);
  EXPECT_EQ(v1.tensors.size(), 338u);
  EXPECT_NO_THROW(MidasNetwork(MidasVersion::kV1, v1.tensors, "model.pt"));
  EXPECT_NO_THROW(MidasNetwork(MidasVersion::kV1, without_optional_entries(v1.tensors,
                                                                           midas_weight_layout(MidasVersion::kV1)),
                               "model.pt"));
  const KeyList v2 = key_list("midas_v2");
  expect_layout_equals_key_list(midas_weight_layout(MidasVersion::kV2), v2);
  EXPECT_EQ(v2.tensors.size(), 666u);
  EXPECT_NO_THROW(MidasNetwork(MidasVersion::kV2, v2.tensors, "midas_v21-f6b98070.pt"));
}

// --- Wrong files ---

TEST(NativeDepthWrongFiles, MissingExtraAndMisshapenTensorsAreListed) {
  NamedTensors tensors = key_list("midas_v1").tensors;
  tensors.erase(tensors.begin() + 5);  // pretrained.layer1.1.num_batches_tracked: optional, so not missing
  tensors.erase(tensors.begin());      // pretrained.layer1.0.weight
  for (auto& [name, tensor] : tensors) {
    if (name == "scratch.output_conv.1.weight") tensor = at::zeros({1, 128, 1, 1});
  }
  tensors.emplace_back("scratch.output_conv.2.weight", at::zeros({32, 128, 3, 3}));
  EXPECT_THROW_MESSAGE(MidasNetwork(MidasVersion::kV1, tensors, "/w/model.pt"), InputError,
                       "/w/model.pt: does not hold the MiDaS v1 (model.pt) weights (3 differences):\n"
                       "  missing tensor 'pretrained.layer1.0.weight': expected float32 [64, 3, 7, 7]\n"
                       "  wrong shape of 'scratch.output_conv.1.weight': expected [1, 128, 3, 3], found "
                       "[1, 128, 1, 1]\n"
                       "  unexpected tensor 'scratch.output_conv.2.weight': found float32 [32, 128, 3, 3]");
}

TEST(NativeDepthWrongFiles, AFileOfTheOtherMidasVersionIsNamed) {
  try {
    MidasNetwork(MidasVersion::kV2, key_list("midas_v1").tensors, "model.pt");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(starts_with(message, "model.pt: does not hold the MiDaS v2 / v2.1 large (model-f46da743.pt, "
                                     "midas_v21-f6b98070.pt) weights ("))
        << message;
    // Thousands of differences (other block counts, widths, fusion units): the first are listed, the rest counted.
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 42) << message;
    EXPECT_NE(message.find("\n  ... and "), std::string::npos) << message;
    EXPECT_NE(message.find("\n  these are the MiDaS v1 (model.pt) weights: wrong file, or two files swapped?"),
              std::string::npos)
        << message;
  }
  EXPECT_THROW_MESSAGE(MidasNetwork(MidasVersion::kV1, key_list("midas_v2").tensors, "v2.pt"), InputError,
                       "these are the MiDaS v2 / v2.1 large (model-f46da743.pt, midas_v21-f6b98070.pt) weights: "
                       "wrong file, or two files swapped?");
  EXPECT_THROW_MESSAGE(MidasNetwork(MidasVersion::kV1, key_list("monodepth2_encoder").tensors, "encoder.pth"),
                       InputError,
                       "these are the monodepth2 ResNet-18 encoder (encoder.pth) weights: wrong file, or two files "
                       "swapped?");
}

TEST(NativeDepthWrongFiles, SwappedMonodepth2FilesAreNamed) {
  const NamedTensors encoder = key_list("monodepth2_encoder").tensors, depth = key_list("monodepth2_depth").tensors;
  EXPECT_THROW_MESSAGE(Monodepth2Network(depth, "m/encoder.pth", encoder, "m/depth.pth"), InputError,
                       "\n  these are the monodepth2 depth decoder (depth.pth) weights: wrong file, or two files "
                       "swapped?");
  try {
    Monodepth2Network(encoder, "m/encoder.pth", encoder, "m/depth.pth");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(starts_with(message, "m/depth.pth: does not hold the monodepth2 depth decoder (depth.pth) weights "
                                     "(150 differences):\n  missing tensor 'decoder.0.conv.conv.weight': expected "
                                     "float32 [256, 512, 3, 3]\n"))
        << message;
    EXPECT_NE(message.find("these are the monodepth2 ResNet-18 encoder (encoder.pth) weights"), std::string::npos);
  }
}

// --- Agreement with PyTorch eager ---

TEST(FoldedConv, EqualsConvolutionThenBatchNormOfPytorch) {
  at::manual_seed(3);
  struct Case {
    std::int64_t in, out, kernel, stride, padding, groups;
    bool bias, norm;
  };
  for (const Case& c : {Case{3, 64, 7, 2, 3, 1, false, true}, Case{64, 64, 1, 1, 0, 1, false, true},
                        Case{64, 128, 3, 2, 1, 32, false, true}, Case{256, 1, 3, 1, 1, 1, true, false},
                        Case{48, 32, 1, 2, 0, 1, true, true}}) {
    SCOPED_TRACE(concat(c.in, "->", c.out, " k", c.kernel, " s", c.stride, " g", c.groups));
    const at::Tensor input = at::randn({1, c.in, 19, 26});
    const at::Tensor weight = at::randn({c.out, c.in / c.groups, c.kernel, c.kernel}) * 0.1;
    const at::Tensor bias = c.bias ? at::randn({c.out}) : at::Tensor();
    BatchNormTensors norm{at::rand({c.out}) + 0.5, at::randn({c.out}), at::randn({c.out}), at::rand({c.out}) + 0.5};
    at::Tensor expected = at::conv2d(input, weight, bias, c.stride, c.padding, 1, c.groups);
    if (c.norm) {
      expected = at::batch_norm(expected, norm.weight, norm.bias, norm.running_mean, norm.running_var, false, 0.1,
                                1e-5, false);
    }
    const FoldedConv conv(weight, bias, {c.stride, c.padding, c.groups},
                          c.norm ? std::optional<BatchNormTensors>(norm) : std::nullopt);
    EXPECT_EQ(conv.in_channels(), c.in);
    EXPECT_EQ(conv.out_channels(), c.out);
    const at::Tensor dense = conv(input);
    EXPECT_FALSE(dense.is_mkldnn());
    // Up to 2304 float32 products per output, summed in an order that depends on the kernels oneDNN picks for the
    // ISA (~sqrt(2304) u = 3e-6 of the sums' magnitude for random signs): 1.5e-6 measured with oneDNN held to AVX2.
    EXPECT_LE(relative_max_difference(dense, expected), 1e-5);
    const at::Tensor blocked = conv(input.to_mkldnn());
    EXPECT_TRUE(blocked.is_mkldnn());
    EXPECT_TRUE(at::equal(blocked.to_dense(), dense));
  }
}

// The Winograd path of FoldedConv (a 3x3 stride-1 conv with BatchNorm folded, zero padding read in place) on a map
// where it pays and on one where the direct kernel runs, NCHW and blocked inputs, against PyTorch's conv then
// BatchNorm. Bound: Winograd's per-conv bound of tests/torch/winograd_conv_test.cc (1e-5 of the largest output).
TEST(FoldedConv, WinogradPathEqualsConvolutionThenBatchNormOfPytorch) {
  at::manual_seed(4);
  const std::string cpu = testing::cpu_features();
  std::printf("CPU: %s\n", cpu.c_str());
  const at::Tensor weight = at::randn({48, 64, 3, 3}) * 0.05;
  BatchNormTensors norm{at::rand({48}) + 0.5, at::randn({48}), at::randn({48}), at::rand({48}) + 0.5};
  const FoldedConv conv(weight, at::Tensor(), {1, 1, 1}, norm);
  for (const auto& [height, width] : {std::pair<std::int64_t, std::int64_t>{24, 40}, {12, 12}}) {
    SCOPED_TRACE(concat(height, "x", width, " on ", cpu));
    EXPECT_EQ(conv.uses_winograd(height, width), WinogradConv3x3::available() && height == 24);
    const at::Tensor input = at::randn({1, 64, height, width}).relu_();
    const at::Tensor expected = at::batch_norm(at::conv2d(input, weight, {}, 1, 1), norm.weight, norm.bias,
                                               norm.running_mean, norm.running_var, false, 0.1, 1e-5, false);
    const at::Tensor dense = conv(input);
    EXPECT_FALSE(dense.is_mkldnn());
    const double difference = relative_max_difference(dense, expected);
    std::printf("%ldx%ld: %s, max |FoldedConv - PyTorch| / max |PyTorch| = %.3g\n", height, width,
                conv.uses_winograd(height, width) ? "Winograd" : "direct", difference);
    EXPECT_LE(difference, 1e-5);
    const at::Tensor blocked = conv(input.to_mkldnn());
    EXPECT_TRUE(blocked.is_mkldnn());
    EXPECT_TRUE(at::equal(blocked.to_dense(), dense));
  }
}

// FusedOps on every path of FoldedConv: Winograd on an NCHW map (bit for bit what the separate ops give, as
// WinogradConv3x3's test shows), and the separate ATen ops on a blocked map, on a map too small for Winograd and for a
// conv with one output channel. Each against the conv followed by at::relu / add / relu; blocked results equal the
// NCHW ones.
TEST(FoldedConv, FusedReluAndResidualEqualTheSeparateOpsOnEveryPath) {
  at::manual_seed(5);
  const std::string cpu = testing::cpu_features();
  const FoldedConv wide(at::randn({40, 48, 3, 3}) * 0.05, at::randn({40}), {1, 1, 1});
  const FoldedConv single(at::randn({1, 48, 3, 3}) * 0.05, at::randn({1}), {1, 1, 1});
  for (const FoldedConv* conv : {&wide, &single}) {
    for (const auto& [height, width] : {std::pair<std::int64_t, std::int64_t>{24, 40}, {12, 12}}) {
      SCOPED_TRACE(concat(conv->out_channels(), " output channels, ", height, "x", width, " on ", cpu));
      const at::Tensor input = at::randn({1, 48, height, width});
      const at::Tensor residual = at::randn({1, conv->out_channels(), height, width});
      const FusedOps fused{/*relu_input=*/true, residual, /*relu_output=*/true};
      const at::Tensor expected = (*conv)(at::relu(input)).add_(residual).relu_();
      const at::Tensor dense = (*conv)(input, fused);
      EXPECT_TRUE(at::equal(dense, expected));
      const at::Tensor blocked = (*conv)(input.to_mkldnn(), {true, residual.to_mkldnn(), true});
      ASSERT_TRUE(blocked.is_mkldnn());
      EXPECT_TRUE(at::equal(blocked.to_dense(), expected));
      EXPECT_TRUE(at::equal((*conv)(input, {false, residual, false}), (*conv)(input) + residual));
    }
  }
  EXPECT_EQ(wide.uses_winograd(24, 40), WinogradConv3x3::available()) << cpu;
  EXPECT_FALSE(wide.uses_winograd(12, 12));
}

// The sizes FoldedConv sends through Winograd, on shapes of bench/folded_conv_bench.cc whose measured ratio decided
// the rule. With oneDNN's AVX-512 direct kernels (1 and 2 threads: 1.2-1.7x where it is chosen, 0.4-0.9x where it is
// not, and no network gained from the convs between):
TEST(FoldedConv, WinogradIsChosenWhereItMeasuredFasterThanAvx512Kernels) {
  const DirectConvKernels avx512 = DirectConvKernels::kAvx512;
  EXPECT_TRUE(winograd_pays(64, 48, 160, avx512));    // monodepth2 layer1 at 640x192: 1.3-1.5x
  EXPECT_TRUE(winograd_pays(256, 24, 24, avx512));    // MiDaS refinenet at 1/16 of 384: 1.2-1.4x
  EXPECT_TRUE(winograd_pays(512, 48, 48, avx512));    // MiDaS layer2_rn: 1.3-2.0x
  EXPECT_FALSE(winograd_pays(1024, 24, 24, avx512));  // MiDaS layer3_rn: 1.2-1.5x alone, MiDaS v2 no faster
  EXPECT_FALSE(winograd_pays(512, 12, 40, avx512));   // monodepth2 upconv(4,1) at 640x192: 1.3x alone, likewise
  EXPECT_FALSE(winograd_pays(256, 12, 12, avx512));   // MiDaS refinenet at 1/32: 0.4-0.7x
  EXPECT_FALSE(winograd_pays(512, 6, 20, avx512));    // monodepth2 layer4: 0.5-0.9x
  EXPECT_FALSE(winograd_pays(64, 20, 33, avx512));    // 660 pixels, but 33 columns fill 52% of two 32-column groups
}

// Winograd takes convs with 16 channels in and out and more (monodepth2's last decoder convs, 32 -> 16 and 16 -> 16:
// 1.65-1.9x), not fewer.
TEST(FoldedConv, WinogradTakesConvsOfSixteenChannelsAndMore) {
  const auto conv = [](std::int64_t in_channels, std::int64_t out_channels) {
    return FoldedConv(at::randn({out_channels, in_channels, 3, 3}), at::randn({out_channels}), {1, 1, 1});
  };
  EXPECT_EQ(conv(16, 16).uses_winograd(192, 640), WinogradConv3x3::available());
  EXPECT_EQ(conv(32, 16).uses_winograd(96, 320), WinogradConv3x3::available());
  EXPECT_FALSE(conv(16, 15).uses_winograd(192, 640));
  EXPECT_FALSE(conv(15, 16).uses_winograd(192, 640));
}

// With oneDNN held to its AVX2 kernels (2 threads, emulated on the AVX-512 machine): Winograd from 256 pixels.
TEST(FoldedConv, WinogradIsChosenWhereItMeasuredFasterThanAvx2Kernels) {
  const DirectConvKernels avx2 = DirectConvKernels::kAvx2;
  EXPECT_TRUE(winograd_pays(1024, 24, 24, avx2));  // MiDaS layer3_rn: 2.1-2.5x
  EXPECT_TRUE(winograd_pays(512, 12, 40, avx2));   // monodepth2 upconv(4,1) at 640x192: 2.9x
  EXPECT_TRUE(winograd_pays(256, 12, 40, avx2));   // monodepth2 layer3 at 640x192: 1.6x
  EXPECT_TRUE(winograd_pays(512, 10, 32, avx2));   // monodepth2 layer4 at 1024x320: 1.3x
  EXPECT_FALSE(winograd_pays(512, 12, 12, avx2));  // ResNet layer4 at 384: 0.85x
  EXPECT_FALSE(winograd_pays(2048, 12, 12, avx2)); // MiDaS layer4_rn: 0.6x
  EXPECT_FALSE(winograd_pays(512, 6, 20, avx2));   // monodepth2 layer4 at 640x192: 1.0x
  // Depth Anything's 19x19 maps at 518 measured 1.2x alone, but their groups are 56% map: not tried in whole passes.
  EXPECT_FALSE(winograd_pays(384, 19, 19, avx2));
  EXPECT_FALSE(winograd_pays(64, 4, 32, avx2));    // all map, but 128 pixels
}

// monodepth2's decoder writes ELU, upsampling, concatenation and padding in one pass: without ELU the same values as
// ATen's ops, bit for bit, on both paths (the vectorised one for contiguous float32, ATen's otherwise). Widths 3, 4, 8
// and 13 exercise the vectors' remainders; the channels-last copy takes ATen's path.
TEST(ConcatReflectionPad, EqualsUpsampleCatAndPadOfPytorchExactly) {
  for (const std::int64_t width : {3, 4, 8, 13}) {
    const at::Tensor coarse = at::randn({2, 5, 3, width}), skip = at::randn({2, 2, 6, 2 * width});
    const at::Tensor expected = at::reflection_pad2d(
        at::cat({at::upsample_nearest2d(coarse, {6, 2 * width}, 2.0, 2.0), skip}, 1), {1, 1, 1, 1});
    EXPECT_TRUE(at::equal(concat_reflection_pad_1({{coarse, true}, {skip}}), expected)) << width;
    const at::Tensor channels_last = coarse.contiguous(at::MemoryFormat::ChannelsLast);
    EXPECT_TRUE(at::equal(concat_reflection_pad_1({{channels_last, true}, {skip}}), expected)) << width;
    EXPECT_TRUE(at::equal(concat_reflection_pad_1({{skip}}), at::reflection_pad2d(skip, {1, 1, 1, 1}))) << width;
  }
}

// The vectorised ELU (a polynomial exp) against ATen's (SLEEF's): equal for x > 0, within 2 ulp of 1.0 below, from
// -100 (exp underflows: -1) to 100; ATen's path (channels-last input) equals ATen's ELU on that input exactly.
TEST(ConcatReflectionPad, EluBeforeUpsamplingAgreesWithPytorch) {
  for (const std::int64_t width : {5, 16, 21}) {
    const at::Tensor coarse = at::linspace(-100, 100, 3 * 7 * width).view({1, 3, 7, width});
    const at::Tensor skip = at::randn({1, 4, 14, 2 * width});
    const at::Tensor expected = at::reflection_pad2d(
        at::cat({at::upsample_nearest2d(at::elu(coarse), {14, 2 * width}, 2.0, 2.0), skip}, 1), {1, 1, 1, 1});
    const at::Tensor fused = concat_reflection_pad_1({{coarse, true, true}, {skip}});
    const double ulp_of_one = std::numeric_limits<float>::epsilon();
    EXPECT_LE((fused - expected).abs().max().item<double>(), 2 * ulp_of_one) << width;
    const at::Tensor positive = expected > 0;
    EXPECT_TRUE(at::equal(fused.masked_select(positive), expected.masked_select(positive))) << width;
    const at::Tensor small = at::randn({1, 3, 7, width}) * 0.01;  // near 0, where exp(x) - 1 cancels
    const at::Tensor small_expected = at::reflection_pad2d(at::elu(small), {1, 1, 1, 1});
    EXPECT_LE((concat_reflection_pad_1({{small, false, true}}) - small_expected).abs().max().item<double>(),
              2 * ulp_of_one)
        << width;
    // ATen's ELU on the same memory: its vector loop and scalar tail (which may differ in the last bit) then see
    // the same elements as in the reference (against the NCHW copy, 61 of 1000 runs differed in one value).
    const at::Tensor channels_last = small.contiguous(at::MemoryFormat::ChannelsLast);
    EXPECT_TRUE(at::equal(concat_reflection_pad_1({{channels_last, false, true}}),
                          at::reflection_pad2d(at::elu(channels_last), {1, 1, 1, 1})))
        << width;
    const at::Tensor with_nan = at::full({1, 1, 2, width}, std::numeric_limits<float>::quiet_NaN());
    EXPECT_TRUE(concat_reflection_pad_1({{with_nan, false, true}}).isnan().all().item<bool>()) << width;
  }
}

// The depth heads' last convs (one output channel) run in single_output_conv: as at::conv2d up to float rounding, for
// 3x3 with and without zero padding and 1x1, widths around its 32-column blocks, a batch of 2, either layout.
TEST(FoldedConv, SingleOutputChannelEqualsPytorch) {
  for (const auto& [kernel, padding] : {std::pair<std::int64_t, std::int64_t>{1, 0}, {3, 0}, {3, 1}}) {
    for (const std::int64_t width : {7, 34, 67}) {
      const at::Tensor weight = at::randn({1, 16, kernel, kernel}), bias = at::randn({1});
      const FoldedConv conv(weight, bias, {1, padding, 1});
      const at::Tensor input = at::randn({2, 16, 9, width});
      const at::Tensor expected = at::conv2d(input, weight, bias, 1, padding);
      const at::Tensor output = conv(input);
      ASSERT_EQ(output.sizes(), expected.sizes());
      EXPECT_LE(relative_max_difference(output, expected), 1e-6) << kernel << " " << padding << " " << width;
      EXPECT_TRUE(at::equal(conv(input.to_mkldnn()).to_dense(), output));
    }
  }
}

TEST(ResNetAgainstPytorch, EveryFeatureOfTheThreeEncoders) {
  const at::Tensor image = fixture_array("encoder_input");
  const std::vector<at::Tensor> resnet18 = monodepth2().encode(image);
  ASSERT_EQ(resnet18.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_LE(relative_max_difference(resnet18[i], fixture_array(concat("resnet18_features_", i))), kTolerance) << i;
  }
  const at::Tensor normalised = (image - at::tensor({0.485, 0.456, 0.406}).view({1, 3, 1, 1})) /
                                at::tensor({0.229, 0.224, 0.225}).view({1, 3, 1, 1});
  const std::vector<at::Tensor> resnet50 = midas_v1().encode(image);
  const std::vector<at::Tensor> resnext101 = midas_v2().encode(normalised.to(at::kFloat));
  ASSERT_EQ(resnet50.size(), 4u);
  ASSERT_EQ(resnext101.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_LE(relative_max_difference(resnet50[i], fixture_array(concat("resnet50_features_", i + 1))), kTolerance)
        << i;
    EXPECT_LE(relative_max_difference(resnext101[i], fixture_array(concat("resnext101_features_", i + 1))),
              kTolerance)
        << i;
  }
  EXPECT_EQ(resnext101[3].sizes(), (std::vector<std::int64_t>{1, 2048, 2, 3}));
}

TEST(Monodepth2AgainstPytorch, DisparityAtTheFeedSize) {
  const at::Tensor expected = fixture_array("md2_disp");
  ASSERT_EQ(expected.sizes(), (std::vector<std::int64_t>{1, 1, 192, 640}));
  // A sigmoid output that spreads over its range (the calibration worked): the comparison is not vacuous.
  EXPECT_LT(expected.min().item<double>(), 0.3);
  EXPECT_GT(expected.max().item<double>(), 0.7);
  const at::Tensor disparity = monodepth2().forward(fixture_array("md2_input"));
  EXPECT_LE(relative_max_difference(disparity, expected), kTolerance);
  for (int i = 0; i < 5; ++i) {
    EXPECT_LE(relative_max_difference(monodepth2().encode(fixture_array("md2_input"))[i],
                                      fixture_array(concat("md2_features_", i))),
              kTolerance);
  }
}

TEST(MidasAgainstPytorch, Version1) {
  const at::Tensor expected = fixture_array("midas_v1_output");
  ASSERT_EQ(expected.sizes(), (std::vector<std::int64_t>{1, 1, 96, 128}));
  EXPECT_GT(expected.std().item<double>(), 0.1 * expected.abs().max().item<double>());
  EXPECT_LE(relative_max_difference(midas_v1().forward(fixture_array("midas_v1_input")), expected), kTolerance);
}

TEST(MidasAgainstPytorch, Version2) {
  const at::Tensor expected = fixture_array("midas_v2_output");
  ASSERT_EQ(expected.sizes(), (std::vector<std::int64_t>{1, 1, 64, 96}));
  // The final ReLU clips some values, not all.
  const double zeros = (expected == 0).to(at::kDouble).mean().item<double>();
  EXPECT_GT(zeros, 0.0);
  EXPECT_LT(zeros, 0.5);
  EXPECT_LE(relative_max_difference(midas_v2().forward(fixture_array("midas_v2_input")), expected), kTolerance);
}

TEST(NativeDepthNetworks, InputsOfTheWrongShapeAreRejected) {
  EXPECT_THROW_MESSAGE(monodepth2().forward(at::rand({1, 3, 100, 64})), Error,
                       "monodepth2: expected a 1x3xHxW float32 image with H and W multiples of 32, got float32 "
                       "[1, 3, 100, 64]");
  EXPECT_THROW_MESSAGE(midas_v1().forward(at::rand({1, 4, 64, 64})), Error,
                       "MiDaS v1: expected a 1x3xHxW float32 image with H and W multiples of 32, got float32 "
                       "[1, 4, 64, 64]");
  EXPECT_THROW_MESSAGE(midas_v2().forward(at::rand({1, 3, 64, 64}, at::kDouble)), Error,
                       "MiDaS v2: expected a 1x3xHxW float32 image with H and W multiples of 32, got float64");
}

// --- Estimators ---

DepthEstimatorConfig monodepth2_entry(const std::string& variant, const fs::path& folder = weights_dir() / "monodepth2") {
  DepthEstimatorConfig config;
  config.name = "md2";
  config.type = "monodepth2";
  config.path = folder.string();
  config.variant = variant;
  return config;
}

DepthEstimatorConfig midas_entry(const std::string& version, const fs::path& file) {
  DepthEstimatorConfig config;
  config.name = "midas";
  config.type = "midas";
  config.path = file.string();
  config.version = version;
  return config;
}

// The image `name` (1x3xHxW RGB in [0,1]) as an estimator receives it.
DepthQuery query_of(const std::string& name) {
  DepthQuery query;
  query.image_path = name + ".png";
  query.rgb = image_from_tensor(fixture_array(name));
  query.size = query.rgb.size();
  return query;
}

at::Tensor map_tensor(const DepthPrediction& prediction) {
  return tensor_from_image(prediction.values);
}

TEST(Monodepth2Estimator, RunsAPublishedVariantAsPytorchAndDescribesIt) {
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(monodepth2_entry("mono_640x192"));
  const nlohmann::json description = estimator->describe();
  EXPECT_EQ(description["type"], "monodepth2");
  EXPECT_EQ(description["variant"], "mono_640x192");
  EXPECT_EQ(description["trained_size"], (nlohmann::json{{"width", 640}, {"height", 192}}));
  EXPECT_EQ(description["use_stereo"], false);
  EXPECT_EQ(description["preset"], "monodepth2");
  EXPECT_EQ(description["preprocessing"]["width"], 640);
  EXPECT_EQ(description["preprocessing"]["height"], 192);
  ASSERT_EQ(description["files"].size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const fs::path file = md2_folder("mono_640x192") / (i == 0 ? "encoder.pth" : "depth.pth");
    EXPECT_EQ(description["files"][i]["path"], file.string());
    EXPECT_EQ(description["files"][i]["sha256"], sha256_hex_of_file(file));
  }
  // An image at the feed size: the Lanczos resize and the resize back are identities, so the map is PyTorch's.
  const DepthPrediction prediction = estimator->estimate(query_of("md2_input"));
  EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
  EXPECT_LE(relative_max_difference(map_tensor(prediction), fixture_array("md2_disp")), kTolerance);

  const nlohmann::json stereo = make_depth_estimator(monodepth2_entry("stereo_1024x320"))->describe();
  EXPECT_EQ(stereo["trained_size"], (nlohmann::json{{"width", 1024}, {"height", 320}}));
  EXPECT_EQ(stereo["use_stereo"], true);
  EXPECT_EQ(stereo["preprocessing"]["width"], 1024);
}

TEST(Monodepth2Estimator, EveryPublishedVariantLoadsByName) {
  EXPECT_EQ(monodepth2_variant_names().size(), 9u);
  for (const std::string& variant : monodepth2_variant_names()) {
    EXPECT_NO_THROW(make_depth_estimator(monodepth2_entry(variant))) << variant;
  }
}

TEST(Monodepth2Estimator, FolderProblemsAreNamed) {
  testing::TempDir dir;
  EXPECT_THROW_MESSAGE(make_depth_estimator(monodepth2_entry("mono_640x190")), UsageError,
                       "depth estimator 'md2': unknown monodepth2 variant 'mono_640x190' (did you mean "
                       "'mono_640x192'?)");
  EXPECT_THROW_MESSAGE(make_depth_estimator(monodepth2_entry("mono_640x192", dir.path())), InputError,
                       (dir / "mono_640x192").string() + ": no such model folder (depth estimator 'md2'); expected "
                       "the official mono_640x192 download unpacked there (encoder.pth, depth.pth)");
  fs::create_directories(dir / "mono_1024x320");
  fs::create_symlink(md2_folder("mono_640x192") / "encoder.pth", dir / "mono_1024x320/encoder.pth");
  EXPECT_THROW_MESSAGE(make_depth_estimator(monodepth2_entry("mono_1024x320", dir.path())), InputError,
                       (dir / "mono_1024x320/depth.pth").string() + ": no such file (depth estimator 'md2'); a "
                       "monodepth2 model folder holds encoder.pth and depth.pth");
  fs::create_symlink(md2_folder("mono_640x192") / "depth.pth", dir / "mono_1024x320/depth.pth");
  EXPECT_THROW_MESSAGE(make_depth_estimator(monodepth2_entry("mono_1024x320", dir.path())), InputError,
                       (dir / "mono_1024x320/encoder.pth").string() + ": holds a 640x192 model (its 'width' and "
                       "'height'), but variant mono_1024x320 is 1024x320: another model's files in this folder?");
  // Without a variant, path is the model folder; here with the two files swapped.
  fs::create_directories(dir / "swapped");
  fs::create_symlink(md2_folder("mono_640x192") / "depth.pth", dir / "swapped/encoder.pth");
  fs::create_symlink(md2_folder("mono_640x192") / "encoder.pth", dir / "swapped/depth.pth");
  EXPECT_THROW_MESSAGE(make_depth_estimator(monodepth2_entry("", dir / "swapped")), InputError,
                       "these are the monodepth2 depth decoder (depth.pth) weights: wrong file, or two files swapped?");
  EXPECT_THROW_MESSAGE(make_depth_estimator(monodepth2_entry("", native_fixture("encoder_without_size"))), InputError,
                       (native_fixture("encoder_without_size") / "encoder.pth").string() + ": has no 'width' entry; "
                       "monodepth2's encoder.pth stores the feed size as 'height' and 'width' beside the weights "
                       "(trainer.py save_model)");
  DepthEstimatorConfig odd = monodepth2_entry("mono_640x192");
  odd.preprocessing.width = 600;
  EXPECT_THROW_MESSAGE(make_depth_estimator(odd), UsageError,
                       "depth estimator 'md2': the feed size 600x192 must have sides that are multiples of 32");
  DepthEstimatorConfig no_path = monodepth2_entry("mono_640x192");
  no_path.path.clear();
  EXPECT_THROW_MESSAGE(check_depth_estimator_config(no_path), UsageError,
                       "depth estimator 'md2': set path to the folder of the official monodepth2 downloads");
  DepthEstimatorConfig with_version = monodepth2_entry("mono_640x192");
  with_version.version = "v1";
  EXPECT_THROW_MESSAGE(check_depth_estimator_config(with_version), UsageError,
                       "depth estimator 'md2': type monodepth2 does not use key version; it reads path, variant, "
                       "preprocessing");
}

TEST(MidasEstimator, RunsEachVersionAsPytorchAndDescribesIt) {
  // Feeds at the image's own size (its sides are multiples of 32): no resizing, so the map is PyTorch's.
  DepthEstimatorConfig v1 = midas_entry("v1", midas_file("model.pt"));
  v1.preprocessing.resize = "none";
  const std::unique_ptr<DepthEstimator> v1_estimator = make_depth_estimator(v1);
  const nlohmann::json description = v1_estimator->describe();
  EXPECT_EQ(description["type"], "midas");
  EXPECT_EQ(description["version"], "v1");
  EXPECT_EQ(description["preset"], "midas_v1");
  EXPECT_EQ(description["preprocessing"]["resize"], "none");
  EXPECT_EQ(description["files"][0]["sha256"], sha256_hex_of_file(midas_file("model.pt")));
  const DepthPrediction v1_map = v1_estimator->estimate(query_of("midas_v1_input"));
  EXPECT_EQ(v1_map.meaning, DepthMeaning::kProximity);
  EXPECT_LE(relative_max_difference(map_tensor(v1_map), fixture_array("midas_v1_output")), kTolerance);

  for (const auto& [version, file, preset] : {std::tuple{"v2", "model-f46da743.pt", "midas_v2"},
                                              std::tuple{"v21", "midas_v21-f6b98070.pt", "midas_v21_large"}}) {
    DepthEstimatorConfig config = midas_entry(version, midas_file(file));
    config.preprocessing.width = 96;  // the image's size: the keep-aspect box resize is the identity
    config.preprocessing.height = 64;
    const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(config);
    EXPECT_EQ(estimator->describe()["preset"], preset);
    // The ImageNet normalisation is the estimator's (float32), PyTorch's the script's: equal to rounding.
    EXPECT_LE(relative_max_difference(map_tensor(estimator->estimate(query_of("midas_v2_image"))),
                                      fixture_array("midas_v2_output")),
              kTolerance)
        << version;
  }
  // The preset's resizing: longer side 384, sides rounded up to multiples of 32 (v1); map back at the image's size.
  const std::unique_ptr<DepthEstimator> preset = make_depth_estimator(midas_entry("v1", midas_file("model.pt")));
  const DepthPrediction resized = preset->estimate(query_of("midas_v1_input"));
  EXPECT_EQ(resized.values.size(), cv::Size(128, 96));
}

TEST(MidasEstimator, EntryAndFileProblemsAreNamed) {
  testing::TempDir dir;
  fs::create_symlink(midas_file("model.pt"), dir / "renamed.pt");
  EXPECT_EQ(make_depth_estimator(midas_entry("", midas_file("model.pt")))->describe()["version"], "v1");
  DepthEstimatorConfig no_version = midas_entry("", dir / "renamed.pt");
  EXPECT_THROW_MESSAGE(make_depth_estimator(no_version), UsageError,
                       "depth estimator 'midas': set version (v1 = model.pt, v2 = model-f46da743.pt, v21 = "
                       "midas_v21-f6b98070.pt, v21_small = midas_v21_small_256.pt, v3_large = dpt_large_384.pt, "
                       "v3_hybrid = dpt_hybrid_384.pt, v31_beit_large_512 = dpt_beit_large_512.pt): the files do not "
                       "say which network they hold");
  EXPECT_THROW_MESSAGE(make_depth_estimator(midas_entry("v3", midas_file("model.pt"))), UsageError,
                       "depth estimator 'midas': unknown MiDaS version 'v3' (did you mean 'v1'?); expected one of v1, "
                       "v2, v21, v21_small, v3_large, v3_hybrid, v31_beit_large_512");
  EXPECT_THROW_MESSAGE(make_depth_estimator(midas_entry("v1", weights_dir() / "nowhere.pt")), InputError,
                       (weights_dir() / "nowhere.pt").string() + ": no such model file (depth estimator 'midas')");
  EXPECT_THROW_MESSAGE(make_depth_estimator(midas_entry("v21", midas_file("model.pt"))), InputError,
                       "these are the MiDaS v1 (model.pt) weights: wrong file, or two files swapped?");
  EXPECT_THROW_MESSAGE(make_depth_estimator(midas_entry("v1", midas_file("midas_v21-f6b98070.pt"))), InputError,
                       midas_file("midas_v21-f6b98070.pt").string() + ": does not hold the MiDaS v1 (model.pt) weights");
}

TEST(MidasEstimator, ATrainingCheckpointIsUnwrappedAsBaseModelLoadDoes) {
  const Checkpoint wrapped = read_checkpoint(native_fixture("wrapped_optimizer.pth"));
  EXPECT_EQ(names_of(midas_weights_from_checkpoint(wrapped)), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(names_of(midas_weights_from_checkpoint(read_checkpoint(midas_file("model.pt")))).size(), 338u);
  // The model's two tensors are all the loader sees (listed after the first 40 missing ones).
  EXPECT_THROW_MESSAGE(make_depth_estimator(midas_entry("v1", native_fixture("wrapped_optimizer.pth"))), InputError,
                       "(in all: 285 missing, 2 unexpected)");
}

// --- MiDaS v2.1 small through ONNX (OpenCV dnn) ---

// A graph with the node kinds of the official model-small.onnx (make_native_fixtures.py: explicit Pad before
// stride-2 convs, depthwise convs, ReLU6, Resize bilinear with align_corners True and False, Add, Relu, Sub/Div
// normalisation, Squeeze), through the onnx estimator with the preset a user gives the official file. OpenCV 4.6
// refuses ReLU6 as PyTorch exports it for these opsets (Clip with min/max inputs); with ReLU instead, every other
// node kind loads and runs as in PyTorch.
DepthEstimatorConfig midas_small_entry(const std::string& kind, int opset) {
  DepthEstimatorConfig config;
  config.name = "midas_small";
  config.type = "onnx";
  config.path = native_fixture(concat("midas_small_like_", kind, "_opset", opset, ".onnx")).string();
  config.preset = "midas_v21_small_onnx";
  return config;
}

TEST(MidasSmallOnnx, EveryNodeKindButClipRunsInOpenCvAsInPytorch) {
  const at::Tensor expected = fixture_array("midas_small_relu_output").view({1, 1, 256, 256});
  for (const int opset : {11, 12}) {
    const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(midas_small_entry("relu", opset));
    // 256x256: the preset's feed, so no resizing on either side.
    const DepthPrediction prediction = estimator->estimate(query_of("midas_small_input"));
    EXPECT_EQ(prediction.meaning, DepthMeaning::kProximity);
    EXPECT_LE(relative_max_difference(map_tensor(prediction), expected), kTolerance) << "opset " << opset;
  }
}

TEST(MidasSmallOnnx, ClipWithInputsIsRefusedWithTheReason) {
  for (const int opset : {11, 12}) {
    EXPECT_THROW_MESSAGE(make_depth_estimator(midas_small_entry("relu6", opset)), InputError,
                         "imports Clip, e.g. ReLU6, only with min and max as attributes, as opsets 6-10 write them; "
                         "from opset 11 on they are inputs, which OpenCV reads from 4.7 on. A network with bilinear "
                         "align_corners=True upsampling, such as MiDaS v2.1 small, needs opset >= 11, so it cannot be "
                         "re-exported for this OpenCV: use OpenCV >= 4.7)");
  }
}

// --- The command line ---

TEST(NativeDepthCli, StylizeTakesItsDepthFromAPublishedModel) {
  ASSERT_TRUE(fs::exists(testing::sample_cache_dir() / "samples/manifest.json"))
      << "run 'build/depthstyle data fetch-samples' first (scripts/test does)";
  testing::TempDir dir;
  const std::string content = (testing::sample_cache_dir() / "samples/motorcycle_left.png").string();
  const std::string style = (testing::sample_cache_dir() / "samples/brick.png").string();
  const auto stylize = [&](const std::vector<std::string>& arguments) {
    std::vector<std::string> command_line = {"stylize", content, style, "--content-size", "96", "--style-size", "64",
                                             "--pyramid-levels", "3"};
    command_line.insert(command_line.end(), arguments.begin(), arguments.end());
    return testing::run_cli(command_line, dir.path());
  };
  const std::string midas_v1 = midas_file("model.pt").string();
  // No --depth-version: the file's published name, model.pt, says v1.
  const ProcessResult midas_run = stylize({"-o", "midas.png", "--record", "midas.json", "--depth-estimator", "midas",
                                           "--depth-model", midas_v1});
  ASSERT_EQ(midas_run.exit_code, 0) << midas_run.output;
  const nlohmann::json record = nlohmann::json::parse(read_file(dir / "midas.json"));
  EXPECT_EQ(record["depth"]["type"], "midas");
  EXPECT_EQ(record["depth"]["version"], "v1");
  EXPECT_EQ(record["depth"]["files"][0]["sha256"], sha256_hex_of_file(midas_v1));
  EXPECT_TRUE(fs::exists(dir / "midas.png"));

  const fs::path md2 = md2_folder("stereo_1024x320");
  const ProcessResult md2_run = stylize({"-o", "md2.png", "--record", "md2.json", "--depth-estimator", "monodepth2",
                                         "--depth-model", md2.string()});
  ASSERT_EQ(md2_run.exit_code, 0) << md2_run.output;
  const nlohmann::json md2_record = nlohmann::json::parse(read_file(dir / "md2.json"));
  EXPECT_EQ(md2_record["depth"]["type"], "monodepth2");
  EXPECT_EQ(md2_record["depth"]["trained_size"], (nlohmann::json{{"width", 1024}, {"height", 320}}));
  EXPECT_EQ(md2_record["depth"]["use_stereo"], true);
  EXPECT_EQ(md2_record["depth"]["files"][0]["sha256"], sha256_hex_of_file(md2 / "encoder.pth"));
  EXPECT_TRUE(fs::exists(dir / "md2.png"));

  fs::create_symlink(midas_v1, dir / "renamed.pt");  // under another name the file says nothing
  const ProcessResult refused = stylize({"-o", "x.png", "--depth-estimator", "midas", "--depth-model", "renamed.pt"});
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("depth estimator 'midas': set version (v1 = model.pt"), std::string::npos)
      << refused.output;
}

// --- Table 1 from the published files ---

TEST(NativeDepthTable1, TheConfigRunsAllTenModelsFromAWeightsFolder) {
  testing::TempDir dir;
  const ProcessResult made = testing::run_cli({"data", "make-diw-synthetic", "--output", (dir / "set").string(),
                                               "--count", "3", "--size", "96x64"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const ProcessResult run = testing::run_cli(
      {"run", (fs::path(DEPTHSTYLE_SOURCE_DIR) / "configs/table1.yaml").string(), "--set",
       "diw.csv=" + (dir / "set/synthetic.csv").string(), "--set", "diw.weights_dir=" + weights_dir().string(),
       "--set", "output_dir=" + (dir / "runs").string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const nlohmann::json rows = nlohmann::json::parse(read_file(dir / "runs/diw_eval/table1/results.json"));
  std::vector<std::string> models;
  for (const nlohmann::json& row : rows) {
    if (row["model"] == "vertical" || row["model"] == "dark_channel" || row["model"] == "random") continue;
    models.push_back(row["model"]);
    EXPECT_EQ(row["pairs"], 3) << row.dump();
    EXPECT_TRUE(starts_with(row["status"].get<std::string>(), "ok")) << row.dump();
  }
  EXPECT_EQ(models.size(), 10u) << rows.dump(1);
  const nlohmann::json manifest = nlohmann::json::parse(read_file(dir / "runs/diw_eval/table1/manifest.json"));
  EXPECT_EQ(manifest["diw"]["estimators"]["midas_v1"], "ok") << manifest["diw"].dump(1);
}

}  // namespace
}  // namespace depthstyle
