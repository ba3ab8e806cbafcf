// Winograd F(4x4, 3x3) convolutions (nets/winograd_conv.h) against the exact (float64) convolution and against
// at::conv2d (oneDNN's direct float32 kernels) on random data. Agreement is the largest absolute difference relative
// to the largest absolute expected value. Against the exact result, Winograd measures 1.6e-6 .. 5e-6 on VGG's layer
// shapes, oneDNN's direct kernels 0.6e-6 .. 1.9e-6 (both printed); the bound is 1e-5, so VGG's 16 convs in a row stay
// well within the networks' 1e-4 bound against PyTorch.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "nets/adain_decoder.h"
#include "nets/vgg_encoder.h"
#include "nets/winograd_conv.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

constexpr double kTolerance = 1e-5;

double relative_max_difference(const at::Tensor& actual, const at::Tensor& expected) {
  EXPECT_EQ(actual.sizes(), expected.sizes());
  if (actual.sizes() != expected.sizes()) return INFINITY;
  return (actual - expected).abs().max().item<double>() / expected.abs().max().item<double>();
}

// He-scaled weights and ReLU'd inputs, as inside the networks.
struct Conv {
  at::Tensor weight, bias;
};
Conv random_conv(std::int64_t in_channels, std::int64_t out_channels) {
  return {at::randn({out_channels, in_channels, 3, 3}) * std::sqrt(2.0 / (9.0 * static_cast<double>(in_channels))),
          at::rand({out_channels}) * 0.2 - 0.1};
}

class WinogradConvTest : public ::testing::Test {
 protected:
  // The differences depend on the CPU (oneDNN's sgemm kernels and summation order differ between AVX2 and AVX-512
  // machines), so each test names the CPU it ran on (docs/testing.md) in its output and its failure messages.
  void SetUp() override {
    std::printf("CPU: %s\n", cpu_.c_str());
    if (!WinogradConv3x3::available()) GTEST_FAIL() << "this CPU lacks AVX2/FMA: the Winograd path is not used here";
    at::manual_seed(7);
  }
  const std::string cpu_ = testing::cpu_features();
};

// Every (in, out) pair of the VGG encoder to relu4_1 and the AdaIN decoder that LayerStack runs through Winograd,
// at a size whose edges cut tiles and 8-tile groups (37x45 outputs), against the exact (float64) convolution, beside
// oneDNN's direct float32 kernel for scale.
TEST_F(WinogradConvTest, MatchesTheExactConvolutionOnEveryVggLayerShape) {
  std::set<std::pair<std::int64_t, std::int64_t>> shapes;
  for (const LayerTable* table : {&vgg_encoder_layers(), &adain_decoder_layers()}) {
    const std::size_t used = table == &vgg_encoder_layers() ? kVggEncoderUsedLayers : table->size();
    for (std::size_t index = 0; index < used; ++index) {
      const Layer& layer = (*table)[index];
      if (layer.kind == LayerKind::kConv && layer.kernel_size == 3 && layer.in_channels > 3 && layer.out_channels > 3) {
        shapes.insert({layer.in_channels, layer.out_channels});
      }
    }
  }
  EXPECT_EQ(shapes.size(), 9u);
  for (const auto& [in_channels, out_channels] : shapes) {
    const Conv conv = random_conv(in_channels, out_channels);
    const WinogradConv3x3 winograd(conv.weight, conv.bias);
    {
      const std::int64_t height = 39, width = 47;
      const at::Tensor input = at::randn({1, in_channels, height, width}).relu_();
      const at::Tensor exact =
          at::conv2d(input.to(at::kDouble), conv.weight.to(at::kDouble), conv.bias.to(at::kDouble));
      const double difference = relative_max_difference(winograd.forward(input).to(at::kDouble), exact);
      const double direct_difference =
          relative_max_difference(at::conv2d(input, conv.weight, conv.bias).to(at::kDouble), exact);
      std::printf("%ld -> %ld, %ldx%ld input: Winograd %.3g, direct %.3g\n", in_channels, out_channels, height, width,
                  difference, direct_difference);
      EXPECT_LE(difference, kTolerance) << in_channels << " -> " << out_channels << " at " << height << "x" << width
                                        << " on " << cpu_;
    }
  }
}

// Every output size from 1x1 to 40x40 in one dimension (the other small), so every way a tile and an 8-tile
// group can overhang the edge is met; signed inputs and few channels.
TEST_F(WinogradConvTest, MatchesConv2dAtEveryEdgeOverhang) {
  const Conv conv = random_conv(5, 6);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  for (std::int64_t side = 3; side <= 42; ++side) {
    for (const auto& [height, width] : {std::pair{side, std::int64_t{5}}, std::pair{std::int64_t{4}, side}}) {
      const at::Tensor input = at::randn({1, 5, height, width});
      EXPECT_LE(relative_max_difference(winograd.forward(input), at::conv2d(input, conv.weight, conv.bias)),
                kTolerance)
          << height << "x" << width << " on " << cpu_;
    }
  }
}

// Zero padding read in place (the depth networks' nn.Conv2d(padding=1) convs, nets/folded_conv.h): every output size
// from 1x1 to 40x40 in one dimension, so the padding meets every tile and group overhang at both ends, and a 2x2
// input padded to 4x4; padding 1 and 2, against at::conv2d with the same padding.
TEST_F(WinogradConvTest, ReadsZeroPaddingWithoutACopy) {
  const Conv conv = random_conv(5, 6);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  for (const std::int64_t padding : {1, 2}) {
    for (std::int64_t side = 1; side <= 40; ++side) {
      for (const auto& [height, width] : {std::pair{side, std::int64_t{3}}, std::pair{std::int64_t{2}, side}}) {
        const at::Tensor input = at::randn({1, 5, height, width});
        const at::Tensor expected = at::conv2d(input, conv.weight, conv.bias, 1, padding);
        EXPECT_LE(relative_max_difference(winograd.forward(input, padding), expected), kTolerance)
            << height << "x" << width << " padding " << padding << " on " << cpu_;
      }
    }
  }
  // A stripe view, as LayerStack passes: the padding is around the view, not around its parent.
  const at::Tensor whole = at::randn({1, 5, 20, 44});
  const at::Tensor stripe = whole.narrow(2, 4, 9).narrow(3, 2, 37);
  EXPECT_LE(relative_max_difference(winograd.forward(stripe, 1), at::conv2d(stripe.contiguous(), conv.weight, conv.bias, 1, 1)),
            kTolerance) << cpu_;
}

// LayerStack passes row stripes (views with the parent's strides): the same values as a contiguous copy, bit for bit.
// A batch gives each image's values (its tiles share matrix products with the other image's, which may sum in
// another order: within the tolerance, not bit for bit).
TEST_F(WinogradConvTest, StripeViewsAndBatchesGiveTheSameValues) {
  const Conv conv = random_conv(16, 24);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  const at::Tensor whole = at::randn({2, 16, 30, 50});
  const at::Tensor stripe = whole.narrow(2, 7, 12).narrow(3, 3, 41);
  ASSERT_FALSE(stripe.is_contiguous());
  EXPECT_TRUE(at::equal(winograd.forward(stripe), winograd.forward(stripe.contiguous())));
  const at::Tensor batch = winograd.forward(whole);
  EXPECT_EQ(batch.sizes(), (std::vector<std::int64_t>{2, 24, 28, 48}));
  EXPECT_TRUE(batch.is_contiguous());
  for (std::int64_t image = 0; image < 2; ++image) {
    const at::Tensor alone = winograd.forward(whole.narrow(0, image, 1));
    EXPECT_LE(relative_max_difference(batch.narrow(0, image, 1), alone), kTolerance) << image << " on " << cpu_;
  }
  EXPECT_LE(relative_max_difference(batch, at::conv2d(whole, conv.weight, conv.bias)), kTolerance) << cpu_;
}

}  // namespace
}  // namespace depthstyle
