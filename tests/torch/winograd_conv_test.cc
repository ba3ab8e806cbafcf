// Winograd F(4x4, 3x3) convolutions (nets/winograd_conv.h) against the exact (float64) convolution, each output
// within a forward-error bound derived from the arithmetic (docs/testing.md), not from one machine's measurement.
//
// The bound (the componentwise form of Barabasz et al. 2020, "Error analysis and improving the accuracy of Winograd
// convolution"; Higham's gamma_n = n u / (1 - n u), float32's unit roundoff u = 2^-24). Per output channel,
//   Y = A^T [ sum_c (G g_c G^T) (.) (B^T d_c B) ] A + bias,
// computed in float32 except U_c = G g_c G^T (double, rounded once to float32). Every row of B^T and of A^T has at
// most 5 nonzero entries (the matrices in nets/winograd_conv.cc, points 0, 1, -1, 1/2, -2, inf), so each 1-D
// transform of a column or row is a sum of <= 5 terms, each rounded at most 5 times on its way (at most 4 in
// apply_bt/apply_at's FMA chains today): error <= gamma_5 times the sum of the terms' magnitudes. Along the path of
// one output: B^T d B, two such passes (gamma_10); U's rounding (u); the product U (.) V and the sum over C input
// channels in whatever order the products' kernel picks, register tiles or sgemm (gamma_C); A^T M A, two passes
// (gamma_10); the bias (u). Errors compose as (1 + gamma_a)(1 + gamma_b) <= 1 + gamma_(a+b) (Higham, lemma 3.3), so
//   |Y_computed - Y| <= gamma_(C + 22) * E,  E = |A^T| [ sum_c (|G| |g_c| |G^T|) (.) (|B^T| |d_c| |B|) ] |A| + |bias|,
// for every summation order, hence on AVX2 and AVX-512 machines alike. The float64 reference's own error
// (< 2^-53 (9 C + 1) sum |w| |x|) is negligible beside it. The test computes E per output element in float64 from
// the layer's weights and input and checks max |Y_computed - Y_exact| / E <= gamma_(C + 22); printed beside it: that
// ratio in units of u (measured 0.11 .. 0.23 u on VGG's shapes against the bound's C + 22 = 86 .. 534 u; the gap is
// the worst case's, every rounding at full size and of one sign), and the error relative to the largest output for
// scale. A wrong transform is outside: a constant of B^T off by a relative 1e-2 fails every case here, off by 1e-4
// the 5-channel edge cases (docs/testing.md).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "nets/adain_decoder.h"
#include "nets/vgg_encoder.h"
#include "nets/winograd_conv.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

constexpr double kUnitRoundoff = 0x1p-24;  // float32

// Higham's gamma_n: the relative error bound of n roundings.
double gamma(std::int64_t n) {
  const double roundings = static_cast<double>(n);
  return roundings * kUnitRoundoff / (1 - roundings * kUnitRoundoff);
}

// The transforms with the absolute values of the entries of nets/winograd_conv.cc's B^T, G and A^T (float64).
at::Tensor abs_matrix(std::vector<double> entries, std::int64_t rows, std::int64_t columns) {
  return at::tensor(entries, at::kDouble).abs().reshape({rows, columns});
}
const at::Tensor& abs_bt() {
  static const at::Tensor matrix = abs_matrix({1, -1.5, -2, 1.5, 1, 0,  0, -2, 1, 5, 2, 0,   0, -2, 5, -1, -2, 0,
                                               0, 2, 1, -2, -1, 0,   0, 1, -2, -1, 2, 0,  0, 1, -1.5, -2, 1.5, 1},
                                              6, 6);
  return matrix;
}
const at::Tensor& abs_g() {
  static const at::Tensor matrix = abs_matrix({1, 0, 0, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6,
                                               16.0 / 15, 8.0 / 15, 4.0 / 15, 1.0 / 30, -1.0 / 15, 2.0 / 15, 0, 0, 1},
                                              6, 3);
  return matrix;
}
const at::Tensor& abs_at() {
  static const at::Tensor matrix =
      abs_matrix({1, 1, 1, 1, 1, 0, 0, 1, -1, 0.5, -2, 0, 0, 1, 1, 0.25, 4, 0, 0, 1, -1, 0.125, -8, 1}, 4, 6);
  return matrix;
}

// E of the bound above for every output of conv(input, weight, bias): [N, out, H - 2, W - 2] float64.
at::Tensor winograd_error_scale(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias) {
  const std::int64_t batch = input.size(0), in_channels = input.size(1), out_channels = weight.size(0);
  const std::int64_t height = input.size(2) - 2, width = input.size(3) - 2;
  const std::int64_t tile_rows = (height + 3) / 4, tile_columns = (width + 3) / 4;
  // Tiles of 6x6 inputs at stride 4, zero beyond the edge (zeros add nothing to E): [N, C, rows, columns, 6, 6].
  const at::Tensor padded = at::constant_pad_nd(
      input.to(at::kDouble).abs(), {0, 4 * tile_columns + 2 - input.size(3), 0, 4 * tile_rows + 2 - input.size(2)});
  const at::Tensor tiles = padded.unfold(2, 6, 4).unfold(3, 6, 4);
  const at::Tensor v = at::matmul(at::matmul(abs_bt(), tiles), abs_bt().t());                          // |B^T||d||B|
  const at::Tensor u = at::matmul(at::matmul(abs_g(), weight.to(at::kDouble).abs()), abs_g().t());  // [out, C, 6, 6]
  // sum over c, as 36 matrix products [out x C] x [C x tiles]
  const std::int64_t tile_count = batch * tile_rows * tile_columns;
  const at::Tensor m = at::bmm(u.permute({2, 3, 0, 1}).reshape({36, out_channels, in_channels}),
                               v.permute({4, 5, 1, 0, 2, 3}).reshape({36, in_channels, tile_count}));
  const at::Tensor m_tiles =
      m.reshape({6, 6, out_channels, batch, tile_rows, tile_columns}).permute({3, 2, 4, 5, 0, 1});
  const at::Tensor y = at::matmul(at::matmul(abs_at(), m_tiles), abs_at().t());  // [N, out, rows, columns, 4, 4]
  const at::Tensor image =
      y.permute({0, 1, 2, 4, 3, 5}).reshape({batch, out_channels, 4 * tile_rows, 4 * tile_columns});
  return image.narrow(2, 0, height).narrow(3, 0, width) + bias.to(at::kDouble).abs().reshape({1, out_channels, 1, 1});
}

// The exact (float64) convolution and the bound's scale E of every output, computed once per input.
struct ExactConvolution {
  at::Tensor output, error_scale;
};
ExactConvolution exact_convolution(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias) {
  return {at::conv2d(input.to(at::kDouble), weight.to(at::kDouble), bias.to(at::kDouble)),
          winograd_error_scale(input, weight, bias)};
}

// How a float32 result compares with the exact convolution: the largest error in units of u E (the bound's scale)
// and relative to the largest exact output (for scale).
struct Agreement {
  double error_in_u_scale = 0;
  double relative_to_largest = 0;
};
Agreement compare_with_exact(const at::Tensor& output, const ExactConvolution& exact) {
  EXPECT_EQ(output.sizes(), exact.output.sizes());
  if (output.sizes() != exact.output.sizes()) return {INFINITY, INFINITY};
  const at::Tensor error = (output.to(at::kDouble) - exact.output).abs();
  return {(error / (exact.error_scale * kUnitRoundoff)).max().item<double>(),
          error.max().item<double>() / exact.output.abs().max().item<double>()};
}

// The bound in units of u E for C input channels: gamma_(C + 22) / u.
double bound_in_u_scale(std::int64_t in_channels) { return gamma(in_channels + 22) / kUnitRoundoff; }

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
    // The tests choose the width and the products themselves (at_each_kernel), whatever the caller's environment
    // says.
    unset_switches();
  }
  void TearDown() override { unset_switches(); }
  static void unset_switches() {
    unsetenv("DEPTHSTYLE_WINOGRAD_AVX512");
    unsetenv("DEPTHSTYLE_WINOGRAD_PRODUCTS");
  }

  // Runs `body` with 8-tile groups (AVX2) and, where the CPU has AVX-512F, again with 16-tile groups, each run's
  // failures naming its width. An AVX2-only CPU says so in the output.
  template <typename Body>
  void at_each_vector_width(const Body& body) {
    setenv("DEPTHSTYLE_WINOGRAD_AVX512", "0", 1);
    {
      SCOPED_TRACE("8-tile groups (AVX2)");
      body();
    }
    unsetenv("DEPTHSTYLE_WINOGRAD_AVX512");
    if (!WinogradConv3x3::uses_avx512()) {
      std::printf("this CPU lacks AVX-512F: 16-tile groups not run\n");
      return;
    }
    SCOPED_TRACE("16-tile groups (AVX-512)");
    body();
  }

  // Runs `body` at each vector width with the transform-domain products by register tiles and again by sgemm,
  // whatever the conv's channels would choose (WinogradConv3x3::uses_register_tiles).
  template <typename Body>
  void at_each_kernel(const Body& body) {
    for (const char* products : {"tiles", "sgemm"}) {
      SCOPED_TRACE(concat("products by ", products));
      setenv("DEPTHSTYLE_WINOGRAD_PRODUCTS", products, 1);
      at_each_vector_width(body);
    }
    unsetenv("DEPTHSTYLE_WINOGRAD_PRODUCTS");
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
    const std::int64_t height = 39, width = 47;
    const at::Tensor input = at::randn({1, in_channels, height, width}).relu_();
    const ExactConvolution exact = exact_convolution(input, conv.weight, conv.bias);
    at_each_kernel([&] {
      const Agreement winograd_agreement = compare_with_exact(winograd.forward(input), exact);
      const Agreement direct_agreement = compare_with_exact(at::conv2d(input, conv.weight, conv.bias), exact);
      const double bound = bound_in_u_scale(in_channels);
      std::printf("%ld -> %ld, %ldx%ld input: Winograd error %.3g u E (bound %.0f u E), %.3g of the largest output; "
                  "direct float32 conv %.3g of it\n", in_channels, out_channels, height, width,
                  winograd_agreement.error_in_u_scale, bound, winograd_agreement.relative_to_largest,
                  direct_agreement.relative_to_largest);
      EXPECT_LE(winograd_agreement.error_in_u_scale, bound)
          << in_channels << " -> " << out_channels << " at " << height << "x" << width << " on " << cpu_;
    });
  }
}

// Every output size from 1x1 to 40x40 in one dimension (the other small), and widths up to 100, so every way a tile,
// an 8-tile group and a 16-tile group (with a row's last 1-8 tiles in an 8-tile group) can overhang the edge is met;
// signed inputs and few channels.
TEST_F(WinogradConvTest, MatchesTheExactConvolutionAtEveryEdgeOverhang) {
  const Conv conv = random_conv(5, 6);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  at_each_kernel([&] {
    double largest = 0;
    for (std::int64_t side = 3; side <= 102; ++side) {
      for (const auto& [height, width] : {std::pair{side, std::int64_t{5}}, std::pair{std::int64_t{4}, side}}) {
        if (height > 42) continue;
        const at::Tensor input = at::randn({1, 5, height, width});
        const ExactConvolution exact = exact_convolution(input, conv.weight, conv.bias);
        const double error = compare_with_exact(winograd.forward(input), exact).error_in_u_scale;
        largest = std::max(largest, error);
        EXPECT_LE(error, bound_in_u_scale(5)) << height << "x" << width << " on " << cpu_;
      }
    }
    std::printf("largest error %.3g u E (bound %.0f u E)\n", largest, bound_in_u_scale(5));
  });
}

// Zero padding read in place (the depth networks' nn.Conv2d(padding=1) convs, nets/folded_conv.h): every output size
// from 1x1 to 40x40 in one dimension, so the padding meets every tile and group overhang at both ends, and a 2x2
// input padded to 4x4; padding 1 and 2, against the exact convolution of the zero-padded input, within the bound.
TEST_F(WinogradConvTest, ReadsZeroPaddingWithoutACopy) {
  const Conv conv = random_conv(5, 6);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  const auto error_of = [&](const at::Tensor& input, std::int64_t padding) {
    const at::Tensor padded = at::constant_pad_nd(input, {padding, padding, padding, padding});
    return compare_with_exact(winograd.forward(input, padding), exact_convolution(padded, conv.weight, conv.bias))
        .error_in_u_scale;
  };
  at_each_kernel([&] {
    for (const std::int64_t padding : {1, 2}) {
      for (std::int64_t side = 1; side <= 100; ++side) {
        for (const auto& [height, width] : {std::pair{side, std::int64_t{3}}, std::pair{std::int64_t{2}, side}}) {
          if (height > 40) continue;
          EXPECT_LE(error_of(at::randn({1, 5, height, width}), padding), bound_in_u_scale(5))
              << height << "x" << width << " padding " << padding << " on " << cpu_;
        }
      }
    }
    // A stripe view, as LayerStack passes: the padding is around the view, not around its parent.
    const at::Tensor whole = at::randn({1, 5, 20, 44});
    EXPECT_LE(error_of(whole.narrow(2, 4, 9).narrow(3, 2, 37), 1), bound_in_u_scale(5)) << cpu_;
  });
}

// The ReLUs and the residual applied in the transforms (FusedOps) give what the separate ATen ops give, bit for bit:
// the same float32 operations in the same order. Sizes whose edges cut tiles, 8- and 16-tile groups (the residual's
// edge copies), padding 0-2, signed inputs; NaN and -0.0 go through the ReLUs as ATen's do.
TEST_F(WinogradConvTest, FusedReluAndResidualEqualTheSeparateOpsBitForBit) {
  const Conv conv = random_conv(7, 9);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  at_each_kernel([&] {
    for (const std::int64_t padding : {0, 1, 2}) {
      for (const auto& [height, width] : {std::pair<std::int64_t, std::int64_t>{5, 7}, {13, 37}, {9, 70}, {30, 101}}) {
        SCOPED_TRACE(concat(height, "x", width, " padding ", padding, " on ", cpu_));
        at::Tensor input = at::randn({1, 7, height, width});
        input.view(-1)[3] = NAN;
        input.view(-1)[5] = -0.0f;
        const at::Tensor plain = winograd.forward(input, padding);
        const at::Tensor residual = at::randn(plain.sizes());
        // The input's NaN reaches some outputs, which compare unequal to themselves: equal where they are, and
        // equal elsewhere.
        const auto same = [](const at::Tensor& fused, const at::Tensor& separate) {
          return at::equal(fused.isnan(), separate.isnan()) &&
                 at::equal(at::nan_to_num(fused, 7.0), at::nan_to_num(separate, 7.0));
        };
        EXPECT_TRUE(same(winograd.forward(input, padding, {true, {}, false}),
                         winograd.forward(at::relu(input), padding)));
        EXPECT_TRUE(same(winograd.forward(input, padding, {false, residual, false}), plain + residual));
        EXPECT_TRUE(same(winograd.forward(input, padding, {true, residual, true}),
                         winograd.forward(at::relu(input), padding).add_(residual).relu_()));
      }
    }
  });
}

// The register tiles sum each output's products in the order of the input channels at either vector width, so 8- and
// 16-tile groups give the same values, bit for bit: output rows that split into uneven tiles (29 = 6 6 6 6 5; 32 =
// 6 6 5 5 5 5; 7 = 4 3), rows of 10, 25 and 33 tiles (widths 40, 100 and 130; the last row's group of 33 is an 8-tile
// one), so that blocks end in fewer than 4 vectors of 16 columns and in 8 columns.
TEST_F(WinogradConvTest, RegisterTilesGiveTheSameValuesAtEitherVectorWidth) {
  if (!WinogradConv3x3::uses_avx512()) {
    std::printf("this CPU lacks AVX-512F: one vector width only, nothing to compare\n");
    return;
  }
  setenv("DEPTHSTYLE_WINOGRAD_PRODUCTS", "tiles", 1);
  for (const auto& [in_channels, out_channels] : {std::pair<std::int64_t, std::int64_t>{32, 29}, {64, 32}, {5, 7}}) {
    const Conv conv = random_conv(in_channels, out_channels);
    const WinogradConv3x3 winograd(conv.weight, conv.bias);
    for (const std::int64_t width : {40, 100, 130}) {
      SCOPED_TRACE(concat(in_channels, " -> ", out_channels, " at 21x", width, " on ", cpu_));
      const at::Tensor input = at::randn({1, in_channels, 21, width});
      setenv("DEPTHSTYLE_WINOGRAD_AVX512", "0", 1);
      const at::Tensor eight = winograd.forward(input, 1);
      unsetenv("DEPTHSTYLE_WINOGRAD_AVX512");
      EXPECT_TRUE(at::equal(winograd.forward(input, 1), eight));
    }
  }
}

// Register tiles where the input or the output channels are at most 64, sgemm where both are more, unless
// DEPTHSTYLE_WINOGRAD_PRODUCTS says otherwise; a value it does not know is an error that names it.
TEST_F(WinogradConvTest, RegisterTilesRunForFewInputOrOutputChannelsUnlessSwitched) {
  EXPECT_TRUE(WinogradConv3x3::uses_register_tiles(1, 1));
  EXPECT_TRUE(WinogradConv3x3::uses_register_tiles(64, 512));
  EXPECT_TRUE(WinogradConv3x3::uses_register_tiles(384, 64));
  EXPECT_FALSE(WinogradConv3x3::uses_register_tiles(65, 65));
  EXPECT_FALSE(WinogradConv3x3::uses_register_tiles(512, 256));
  setenv("DEPTHSTYLE_WINOGRAD_PRODUCTS", "tiles", 1);
  EXPECT_TRUE(WinogradConv3x3::uses_register_tiles(512, 256));
  setenv("DEPTHSTYLE_WINOGRAD_PRODUCTS", "sgemm", 1);
  EXPECT_FALSE(WinogradConv3x3::uses_register_tiles(32, 32));
  setenv("DEPTHSTYLE_WINOGRAD_PRODUCTS", "blas", 1);
  const Conv conv = random_conv(4, 4);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  EXPECT_THROW(
      {
        try {
          winograd.forward(at::randn({1, 4, 8, 8}));
        } catch (const Error& error) {
          EXPECT_STREQ(error.what(), "DEPTHSTYLE_WINOGRAD_PRODUCTS='blas': expected tiles or sgemm");
          throw;
        }
      },
      Error);
}

TEST_F(WinogradConvTest, SixteenTileGroupsRunWhereTheCpuHasAvx512UnlessSwitchedOff) {
  EXPECT_EQ(WinogradConv3x3::uses_avx512(), __builtin_cpu_supports("avx512f") != 0) << cpu_;
  setenv("DEPTHSTYLE_WINOGRAD_AVX512", "0", 1);
  EXPECT_FALSE(WinogradConv3x3::uses_avx512());
}

// LayerStack passes row stripes (views with the parent's strides): the same values as a contiguous copy, bit for bit.
// A batch gives each image's values (its tiles share matrix products with the other image's, which may sum in
// another order: each within the bound of the exact result, so within twice the bound of each other).
TEST_F(WinogradConvTest, StripeViewsAndBatchesGiveTheSameValues) {
  const Conv conv = random_conv(16, 24);
  const WinogradConv3x3 winograd(conv.weight, conv.bias);
  const at::Tensor whole = at::randn({2, 16, 30, 50});
  const at::Tensor stripe = whole.narrow(2, 7, 12).narrow(3, 3, 41);
  ASSERT_FALSE(stripe.is_contiguous());
  at_each_kernel([&] {
    EXPECT_TRUE(at::equal(winograd.forward(stripe), winograd.forward(stripe.contiguous())));
    const at::Tensor batch = winograd.forward(whole);
    EXPECT_EQ(batch.sizes(), (std::vector<std::int64_t>{2, 24, 28, 48}));
    EXPECT_TRUE(batch.is_contiguous());
    const ExactConvolution exact = exact_convolution(whole, conv.weight, conv.bias);
    for (std::int64_t image = 0; image < 2; ++image) {
      const at::Tensor alone = winograd.forward(whole.narrow(0, image, 1));
      const at::Tensor difference = (batch.narrow(0, image, 1) - alone).to(at::kDouble).abs();
      EXPECT_LE((difference / (exact.error_scale.narrow(0, image, 1) * kUnitRoundoff)).max().item<double>(),
                2 * bound_in_u_scale(16))
          << image << " on " << cpu_;
    }
    EXPECT_LE(compare_with_exact(batch, exact).error_in_u_scale, bound_in_u_scale(16)) << cpu_;
  });
}

}  // namespace
}  // namespace depthstyle
