// BlockedConv (nets/blocked_conv.h) against ATen's conv2d followed by clamp_(0, 6) and add_, as EfficientNet-Lite's
// blocks run in PyTorch: depthwise and 1x1 convs, TensorFlow's asymmetric 'same' padding at stride 2, an image's three
// channels, a chain of convs whose maps stay blocked, and the residual sum written over the residual's buffer; and
// against relu_ and add_ as a ResNeXt bottleneck runs them, with the ReLU after the sum.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "nets/blocked_conv.h"

namespace depthstyle {
namespace {

// Largest difference relative to the largest value of `expected`: oneDNN's kernels in both, maybe in another order.
double relative_difference(const at::Tensor& actual, const at::Tensor& expected) {
  EXPECT_EQ(actual.sizes(), expected.sizes());
  if (actual.sizes() != expected.sizes()) return INFINITY;
  return (actual - expected).abs().max().item<double>() / expected.abs().max().item<double>();
}

// Float32 sums of up to 144 products in another order than ATen's call: 1.1e-6 measured (AVX-512 machine); kernels
// of other CPUs may block the sums differently.
constexpr double kTolerance = 1e-5;

struct Case {
  std::int64_t in, out, kernel, stride, before, after, groups;
};

at::Tensor reference(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias, const Case& c) {
  const at::Tensor padded = at::constant_pad_nd(input, {c.before, c.after, c.before, c.after});
  return at::conv2d(padded, weight, bias, at::IntArrayRef{c.stride, c.stride}, at::IntArrayRef{0, 0},
                    at::IntArrayRef{1, 1}, c.groups);
}

TEST(BlockedConv, EqualsAtenConvThenClampForEveryKindOfConvInEfficientNetLite) {
  at::manual_seed(3);
  const Case cases[] = {
      {3, 32, 3, 2, 0, 1, 1},      // the stem: an image's channels, 'same' at stride 2
      {32, 32, 3, 1, 1, 1, 32},    // depthwise 3x3
      {144, 144, 5, 2, 1, 2, 144}, // depthwise 5x5 at stride 2
      {24, 144, 1, 1, 0, 0, 1},    // 1x1 expansion
      {144, 40, 1, 1, 0, 0, 1},    // 1x1 projection
  };
  for (const Case& c : cases) {
    const at::Tensor input = at::randn({1, c.in, 40, 24}) * 3;
    const at::Tensor weight = at::randn({c.out, c.in / c.groups, c.kernel, c.kernel}) * 0.3;
    const at::Tensor bias = at::randn({c.out});
    for (const auto activation : {BlockedConv::Activation::kNone, BlockedConv::Activation::kRelu6}) {
      const BlockedConv conv(weight, bias, {c.stride, c.before, c.after, c.groups}, activation);
      at::Tensor expected = reference(input, weight, bias, c);
      if (activation == BlockedConv::Activation::kRelu6) expected.clamp_(0, 6);
      const at::Tensor actual = conv(BlockedMap::from_nchw(input)).to_nchw();
      EXPECT_LE(relative_difference(actual, expected), kTolerance)
          << c.in << " -> " << c.out << " k" << c.kernel << " s" << c.stride << " groups " << c.groups;
    }
  }
}

// Images of many sizes (the depth command on a folder): past the primitive cache's bound it starts again, and every
// size still gets the right values.
TEST(BlockedConv, ManyInputSizesEachGiveAtensValues) {
  at::manual_seed(5);
  const at::Tensor weight = at::randn({16, 1, 5, 5}) * 0.3, bias = at::randn({16});
  const BlockedConv conv(weight, bias, {2, 1, 2, 16}, BlockedConv::Activation::kRelu6);
  for (std::int64_t side = 4; side < 4 + 2 * 40; side += 2) {
    const at::Tensor input = at::randn({1, 16, side, 12});
    const at::Tensor expected = reference(input, weight, bias, {16, 16, 5, 2, 1, 2, 16}).clamp_(0, 6);
    EXPECT_LE(relative_difference(conv(BlockedMap::from_nchw(input)).to_nchw(), expected), kTolerance) << side;
  }
}

TEST(BlockedConv, AChainWithAResidualSumEqualsAtensOps) {
  at::manual_seed(4);
  const at::Tensor input = at::randn({1, 24, 20, 28});
  const at::Tensor expand_weight = at::randn({144, 24, 1, 1}) * 0.2, expand_bias = at::randn({144});
  const at::Tensor depthwise_weight = at::randn({144, 1, 3, 3}) * 0.3, depthwise_bias = at::randn({144});
  const at::Tensor project_weight = at::randn({24, 144, 1, 1}) * 0.1, project_bias = at::randn({24});
  const BlockedConv expand(expand_weight, expand_bias, {1, 0, 0, 1}, BlockedConv::Activation::kRelu6);
  const BlockedConv depthwise(depthwise_weight, depthwise_bias, {1, 1, 1, 144}, BlockedConv::Activation::kRelu6);
  const BlockedConv project(project_weight, project_bias, {1, 0, 0, 1}, BlockedConv::Activation::kNone);

  // x + project(relu6(depthwise(relu6(expand(x))))), as an inverted-residual block.
  at::Tensor expected = at::conv2d(input, expand_weight, expand_bias).clamp_(0, 6);
  expected = at::conv2d(expected, depthwise_weight, depthwise_bias, at::IntArrayRef{1, 1}, at::IntArrayRef{1, 1},
                        at::IntArrayRef{1, 1}, 144)
                 .clamp_(0, 6);
  expected = at::conv2d(expected, project_weight, project_bias).add_(input);

  const BlockedMap chain = project(depthwise(expand(BlockedMap::from_nchw(input))));
  EXPECT_LE(relative_difference(chain.to_nchw() + input, expected), kTolerance);

  const BlockedMap residual = BlockedMap::from_nchw(input.clone());
  const at::Tensor copied = residual.to_nchw();
  const BlockedMap sum = project(depthwise(expand(BlockedMap::from_nchw(input))), residual);
  EXPECT_LE(relative_difference(sum.to_nchw(), expected), kTolerance);
  EXPECT_EQ(sum.channels(), 24);
  EXPECT_EQ(sum.height(), 20);
  EXPECT_EQ(sum.width(), 28);
  EXPECT_TRUE(at::equal(copied, input));

  // The sum is written over the residual's buffer (the map is consumed: its copies see the sum); a tensor that
  // to_nchw gave before is a copy, which keeps the values it had.
  const BlockedMap expanded = expand(BlockedMap::from_nchw(input));
  const at::Tensor expanded_before = expanded.to_nchw();
  const at::Tensor square_weight = at::randn({144, 144, 1, 1}) * 0.1;
  const BlockedConv square(square_weight, at::Tensor(), {1, 0, 0, 1}, BlockedConv::Activation::kNone);
  const BlockedMap other = depthwise(expanded);
  const at::Tensor other_before = other.to_nchw();
  const BlockedMap summed = square(other, expanded);
  EXPECT_LE(relative_difference(summed.to_nchw(), at::conv2d(other_before, square_weight) + expanded_before),
            kTolerance);
  EXPECT_TRUE(at::equal(expanded.to_nchw(), summed.to_nchw()));
  EXPECT_FALSE(at::equal(expanded_before, summed.to_nchw()));
}

// A ResNeXt-101 32x8d bottleneck as torchvision runs it, relu(conv3(relu(conv2(relu(conv1(x))))) + x), with conv2's
// 32 groups of 8 channels (its layer1: maps in blocks of 8 channels around it, 16 elsewhere) and each ReLU and the sum
// fused into the convs, against ATen's ops one by one.
TEST(BlockedConv, ABottleneckWithFusedReluAndSumEqualsAtensOps) {
  at::manual_seed(6);
  const at::Tensor input = at::randn({1, 64, 18, 22});
  const at::Tensor weight1 = at::randn({256, 64, 1, 1}) * 0.1, bias1 = at::randn({256});
  const at::Tensor weight2 = at::randn({256, 8, 3, 3}) * 0.2, bias2 = at::randn({256});
  const at::Tensor weight3 = at::randn({64, 256, 1, 1}) * 0.1, bias3 = at::randn({64});
  const BlockedConv conv1(weight1, bias1, {1, 0, 0, 1}, BlockedConv::Activation::kRelu);
  const BlockedConv conv2(weight2, bias2, {1, 1, 1, 32}, BlockedConv::Activation::kRelu);
  const BlockedConv conv3(weight3, bias3, {1, 0, 0, 1}, BlockedConv::Activation::kRelu);

  const at::Tensor inner = at::conv2d(at::conv2d(input, weight1, bias1).relu_(), weight2, bias2,
                                      at::IntArrayRef{1, 1}, at::IntArrayRef{1, 1}, at::IntArrayRef{1, 1}, 32)
                               .relu_();
  const at::Tensor expected = at::conv2d(inner, weight3, bias3).add_(input).relu_();
  const BlockedMap x = BlockedMap::from_nchw(input.clone());
  const BlockedMap blocked_inner = conv2(conv1(x));
  EXPECT_LE(relative_difference(blocked_inner.to_nchw(), inner), kTolerance);
  const at::Tensor actual = conv3(blocked_inner, x).to_nchw();
  EXPECT_LE(relative_difference(actual, expected), kTolerance);
  // The ReLU comes after the sum: some sums are negative before it, so a ReLU before the sum would differ.
  EXPECT_TRUE(at::equal(actual, actual.clamp_min(0)));
  EXPECT_GT((at::conv2d(inner, weight3, bias3).relu_().add_(input) - expected).abs().max().item<double>(), 0.1);
  EXPECT_DOUBLE_EQ(conv2.flops(18, 22), 2.0 * 18 * 22 * 256 * 8 * 9);
}

}  // namespace
}  // namespace depthstyle
