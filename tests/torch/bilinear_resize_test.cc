// bilinear_resize (nets/vector_kernels.h) against at::upsample_bilinear2d, which it replaces in the MiDaS, DPT and
// Depth Anything decoders: every output BIT-FOR-BIT equal (compared as int32 bit patterns, so -0, infinities and NaN
// count too), on the decoders' shapes and on the edge cases of the column blocks (widths below and around 8, single
// rows and columns, downsampling, which gathers), with and without align_corners and scale factors.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "nets/vector_kernels.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

struct ResizeCase {
  std::vector<std::int64_t> input_shape;  // N, C, H, W
  std::int64_t out_height, out_width;
  bool align_corners;
  c10::optional<double> scale;  // the scale_factor of F.interpolate, both axes; none: sizes only
};

std::ostream& operator<<(std::ostream& out, const ResizeCase& c) {
  out << at::IntArrayRef(c.input_shape) << " -> " << c.out_height << "x" << c.out_width
      << " align_corners=" << c.align_corners;
  if (c.scale) out << " scale=" << *c.scale;
  return out;
}

// Positions where the bit patterns differ, with the first few named; empty when equal.
std::string bit_differences(const at::Tensor& ours, const at::Tensor& aten) {
  if (ours.sizes() != aten.sizes()) return "shape differs";
  const at::Tensor differs = ours.view(at::kInt).ne(aten.view(at::kInt)).flatten();
  const std::int64_t count = differs.sum().item<std::int64_t>();
  if (count == 0) return "";
  std::string text = std::to_string(count) + " of " + std::to_string(differs.numel()) + " outputs differ, e.g.";
  const at::Tensor positions = differs.nonzero().flatten();
  for (std::int64_t k = 0; k < std::min<std::int64_t>(3, count); ++k) {
    const std::int64_t i = positions[k].item<std::int64_t>();
    char values[80];
    std::snprintf(values, sizeof values, " [%ld] %.9g vs %.9g", static_cast<long>(i), ours.flatten()[i].item<float>(),
                  aten.flatten()[i].item<float>());
    text += values;
  }
  return text;
}

class BilinearResizeTest : public ::testing::TestWithParam<ResizeCase> {};

TEST_P(BilinearResizeTest, EqualsATenBitForBit) {
  const ResizeCase& c = GetParam();
  ASSERT_TRUE(cpu_has_avx2_fma()) << "bilinear_resize's kernel needs AVX2/FMA; " << testing::cpu_features();
  at::manual_seed(7);
  const at::Tensor input = at::randn(c.input_shape);
  ASSERT_TRUE(bilinear_resize_is_native(input, c.out_height, c.out_width))
      << "our kernel is not taken: is ATEN_CPU_CAPABILITY=default set? " << testing::cpu_features();
  const at::Tensor ours = bilinear_resize(input, c.out_height, c.out_width, c.align_corners, c.scale, c.scale);
  const at::Tensor aten =
      at::upsample_bilinear2d(input, {c.out_height, c.out_width}, c.align_corners, c.scale, c.scale);
  EXPECT_EQ(bit_differences(ours, aten), "") << testing::cpu_features();
}

const ResizeCase kCases[] = {
    // MiDaS v2's head (x2, align_corners False, scale_factor 2) and last fusion block (align_corners True).
    {{1, 128, 192, 192}, 384, 384, false, 2.0},
    {{1, 256, 96, 96}, 192, 192, true, 2.0},
    {{1, 256, 48, 48}, 96, 96, true, 2.0},
    {{2, 3, 12, 10}, 24, 20, false, 2.0},
    {{2, 3, 12, 10}, 24, 20, true, 2.0},
    // DPT and Depth Anything: sizes only, align_corners True.
    {{1, 4, 24, 24}, 48, 48, true, c10::nullopt},
    {{1, 4, 12, 18}, 24, 36, true, c10::nullopt},
    {{1, 2, 37, 37}, 74, 74, true, c10::nullopt},
    {{1, 2, 74, 74}, 518, 518, true, c10::nullopt},
    // Non-integer ratios up and down, both conventions.
    {{2, 3, 13, 17}, 40, 23, false, c10::nullopt},
    {{2, 3, 13, 17}, 40, 23, true, c10::nullopt},
    {{1, 3, 30, 31}, 47, 53, true, c10::nullopt},
    {{1, 3, 40, 45}, 13, 17, false, c10::nullopt},
    {{1, 3, 40, 45}, 13, 17, true, c10::nullopt},
    {{1, 2, 16, 64}, 9, 19, false, c10::nullopt},
    // A scale factor that is not out / in (F.interpolate(scale_factor=1.5) of 9 makes 13).
    {{1, 2, 9, 9}, 13, 13, false, 1.5},
    // Widths that are not multiples of 8, narrower than a vector, one row, one column, equal sizes.
    {{1, 2, 5, 1}, 10, 1, false, 2.0},
    {{1, 2, 5, 1}, 10, 2, true, c10::nullopt},
    {{1, 2, 5, 3}, 10, 7, true, c10::nullopt},
    {{1, 2, 5, 7}, 10, 9, false, c10::nullopt},
    {{1, 2, 5, 9}, 10, 33, false, c10::nullopt},
    {{1, 2, 5, 33}, 10, 66, true, 2.0},
    {{1, 2, 5, 33}, 10, 1, true, c10::nullopt},
    {{1, 3, 1, 20}, 1, 45, false, c10::nullopt},
    {{1, 3, 1, 20}, 3, 45, true, c10::nullopt},
    {{1, 3, 20, 1}, 45, 1, false, c10::nullopt},
    {{1, 3, 11, 13}, 11, 13, false, c10::nullopt},
    {{2, 3, 11, 13}, 11, 29, true, c10::nullopt},
};

INSTANTIATE_TEST_SUITE_P(Shapes, BilinearResizeTest, ::testing::ValuesIn(kCases));

// -0, infinities and NaN take ATen's path through the arithmetic (e.g. inf * 0 = NaN beside an infinity): the same
// fma and product in the same order give the same bits.
TEST(BilinearResize, NonFiniteAndSignedZeroValuesMatchATen) {
  ASSERT_TRUE(cpu_has_avx2_fma()) << testing::cpu_features();
  at::manual_seed(3);
  at::Tensor input = at::randn({1, 2, 9, 21});
  const float inf = std::numeric_limits<float>::infinity();
  input[0][0][2][3] = inf;
  input[0][0][5][20] = -inf;
  input[0][1][0][0] = std::numeric_limits<float>::quiet_NaN();
  input[0][1][4].fill_(-0.0f);
  input[0][1][8][10] = -0.0f;
  ASSERT_TRUE(bilinear_resize_is_native(input, 18, 42))
      << "our kernel is not taken: is ATEN_CPU_CAPABILITY=default set? " << testing::cpu_features();
  for (const bool align_corners : {false, true}) {
    for (const auto& size : std::vector<std::vector<std::int64_t>>{{18, 42}, {9, 21}, {5, 11}}) {
      const c10::optional<double> scale = size[0] == 18 ? c10::optional<double>(2.0) : c10::nullopt;
      const at::Tensor ours = bilinear_resize(input, size[0], size[1], align_corners, scale, scale);
      const at::Tensor aten = at::upsample_bilinear2d(input, size, align_corners, scale, scale);
      EXPECT_EQ(bit_differences(ours, aten), "")
          << size[0] << "x" << size[1] << " align_corners=" << align_corners << "; " << testing::cpu_features();
    }
  }
}

// A map our kernel does not take (non-contiguous, float64, requiring grad) goes to ATen: same result, the predicate
// says so, and autograd sees the op.
TEST(BilinearResize, OtherMapsFallBackToATen) {
  at::manual_seed(5);
  const at::Tensor transposed = at::randn({1, 3, 20, 12}).transpose(2, 3);
  ASSERT_FALSE(transposed.is_contiguous());
  EXPECT_FALSE(bilinear_resize_is_native(transposed, 24, 40));
  EXPECT_TRUE(at::equal(bilinear_resize(transposed, 24, 40, true),
                        at::upsample_bilinear2d(transposed, {24, 40}, true)));
  const at::Tensor doubles = at::randn({1, 2, 6, 6}, at::kDouble);
  EXPECT_FALSE(bilinear_resize_is_native(doubles, 12, 12));
  EXPECT_TRUE(at::equal(bilinear_resize(doubles, 12, 12, false, 2.0, 2.0),
                        at::upsample_bilinear2d(doubles, {12, 12}, false, 2.0, 2.0)));
  const at::Tensor with_grad = at::randn({1, 2, 6, 6}).requires_grad_();
  EXPECT_FALSE(bilinear_resize_is_native(with_grad, 12, 12));
  EXPECT_TRUE(bilinear_resize(with_grad, 12, 12, true).requires_grad());
  EXPECT_TRUE(bilinear_resize_is_native(transposed.contiguous(), 24, 40));
}

}  // namespace
}  // namespace depthstyle
