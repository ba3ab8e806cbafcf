// The oneDNN transformer layers (nets/transformer_layers.h, nets/vision_transformer.h) against PyTorch eager:
// nn.Linear, nn.LayerNorm, DINOv2's Attention and Mlp and a whole block with LayerScale, on random weights and 77
// tokens of 384 channels written by tests/fixtures/depth/make_depth_anything_fixtures.py (layer_arrays); the attention
// with a logit bias (BEiT's) against the same formula in float64.
//
// Bound: 1e-5 of the output's largest value. Each output sums 384 (or 1536) float32 products in an order that
// oneDNN picks per CPU (AVX2, AVX-512 or AMX kernels), so the rounding error is up to ~K u |w||x| with u = 2^-24:
// 1536 x 6e-8 ~ 1e-4 in the worst case, but it grows like sqrt(K) u for random signs (~2.4e-6 of the sum's
// magnitude), and the magnitudes of these sums are within a small factor of the output's largest value. Measured
// here (AVX-512): printed by each test.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <limits>

#include "nets/folded_conv.h"
#include "nets/onednn_runtime.h"
#include "nets/transformer_layers.h"
#include "nets/vision_transformer.h"
#include "native_depth_fixtures.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::fixture_array;
using testing::relative_max_difference;

constexpr double kTolerance = 1e-5;

fs::path fixture_dir() { return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "depth_anything"; }
at::Tensor array(const std::string& name) { return fixture_array(fixture_dir(), name); }

void expect_close(const at::Tensor& actual, const std::string& expected_name) {
  const double difference = relative_max_difference(actual, array(expected_name));
  EXPECT_LE(difference, kTolerance) << expected_name << " on " << testing::cpu_features();
  std::cout << expected_name << ": max |oneDNN - PyTorch| / max |PyTorch| = " << difference << " ("
            << testing::cpu_features() << ")\n";
}

NamedTensors block_weights() {
  NamedTensors weights;
  for (const char* name : {"norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight",
                           "attn.proj.bias", "ls1.gamma", "norm2.weight", "norm2.bias", "mlp.fc1.weight",
                           "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias", "ls2.gamma"}) {
    std::string file = std::string("block_") + name;
    std::replace(file.begin(), file.end(), '.', '_');
    weights.emplace_back(std::string("block.") + name, array(file));
  }
  return weights;
}

const TransformerBlockShape kShape{384, 6, true, 1e-6};

TEST(TransformerLayers, LinearMatchesNnLinear) {
  const Linear linear(array("linear_weight"), array("linear_bias"));
  EXPECT_EQ(linear.in_features(), 384);
  EXPECT_EQ(linear.out_features(), 1152);
  expect_close(linear(array("layer_input")), "linear_output");
  // Another row count builds its own primitive and gives the same rows.
  const at::Tensor first_rows = linear(array("layer_input").slice(0, 0, 5).contiguous());
  EXPECT_LE(relative_max_difference(first_rows, array("linear_output").slice(0, 0, 5)), kTolerance);
}

TEST(TransformerLayers, LinearAccumulatesIntoTheResidualWithItsScale) {
  const at::Tensor weight = array("linear_weight").slice(0, 0, 384), bias = array("linear_bias").slice(0, 0, 384);
  const at::Tensor scale = at::linspace(0.1, 2.0, 384);
  const Linear linear(weight, bias, Linear::Activation::kNone, scale);
  const at::Tensor input = array("layer_input");
  at::Tensor residual = input.clone();
  linear.accumulate(input, residual);
  const at::Tensor expected = input + (array("linear_output").slice(1, 0, 384) * scale);
  EXPECT_LE(relative_max_difference(residual, expected), kTolerance);
}

TEST(TransformerLayers, EverySliceOfOutputColumnsGetsItsWeightsBiasAndScale) {
  // 1152 columns in one call, in kLinearColumnsPerCall's 3 x 384, in 512 + 512 + 128 and in 11 x 100 + 52: each
  // slice writes its own columns of the [rows, out] output (row stride out) with its own rows of the weight, bias and
  // scale.
  const at::Tensor weight = array("linear_weight"), bias = array("linear_bias");
  const at::Tensor scale = at::linspace(0.1, 2.0, 1152);
  const at::Tensor input = array("layer_input");
  const at::Tensor residual_before = at::randn({input.size(0), 1152});
  const at::Tensor expected = residual_before + array("linear_output") * scale;
  for (const std::int64_t columns_per_call :
       {std::int64_t{1152}, kLinearColumnsPerCall, std::int64_t{512}, std::int64_t{100}}) {
    const Linear linear(weight, bias, Linear::Activation::kNone, scale, columns_per_call);
    at::Tensor residual = residual_before.clone();
    linear.accumulate(input, residual);
    EXPECT_LE(relative_max_difference(residual, expected), kTolerance) << columns_per_call << " columns per call";
    const at::Tensor first_rows = linear(input.slice(0, 0, 5).contiguous());
    EXPECT_LE(relative_max_difference(first_rows, array("linear_output").slice(0, 0, 5) * scale), kTolerance)
        << columns_per_call << " columns per call, 5 rows";
  }
}

TEST(TransformerLayers, LayersRunInSlicesOnlyBelowTheRowCountWhereSlicesPay) {
  // Slices where oneDNN runs AVX-512 kernels (where DNNL_MAX_CPU_ISA holds it to AVX2, or the CPU lacks AVX-512: one
  // call) and the network's token count is below kLinearOneCallFromRows: DPT's 577 tokens in slices, Depth
  // Anything's 1370 in one call.
  const std::int64_t one_call = std::numeric_limits<std::int64_t>::max();
  const std::int64_t sliced = onednn::has_avx512_kernels() ? kLinearColumnsPerCall : one_call;
  EXPECT_EQ(linear_columns_per_call(), sliced);
  EXPECT_EQ(linear_columns_per_call(0), sliced);
  EXPECT_EQ(linear_columns_per_call(577), sliced);
  EXPECT_EQ(linear_columns_per_call(kLinearOneCallFromRows - 1), sliced);
  EXPECT_EQ(linear_columns_per_call(kLinearOneCallFromRows), one_call);
  EXPECT_EQ(linear_columns_per_call(1370), one_call);
}

TEST(TransformerLayers, LayerNormMatchesNnLayerNorm) {
  const NamedTensors weights = block_weights();
  const LayerNorm norm(checked_tensor(weights, "block.norm1.weight"), checked_tensor(weights, "block.norm1.bias"), 1e-6);
  expect_close(norm(array("layer_input")), "norm_output");
}

TEST(TransformerLayers, AttentionMatchesTheReferenceAttention) {
  const NamedTensors weights = block_weights();
  const MultiHeadSelfAttention attention(checked_tensor(weights, "block.attn.qkv.weight"),
                                         checked_tensor(weights, "block.attn.qkv.bias"),
                                         checked_tensor(weights, "block.attn.proj.weight"),
                                         checked_tensor(weights, "block.attn.proj.bias"), 6);
  expect_close(attention(array("layer_input")), "attention_output");
}

// BEiT's attention (nets/beit.h): a [heads, tokens, tokens] bias added to the logits before the softmax, given as a
// table and an index (LogitBias). A zero bias gives the fixture's attention; a varying one (in [-2, 2], as large as the
// logits here; table = the values, index = their positions) the same formula evaluated in float64 by ATen from the
// same weights: softmax(q k^T / sqrt(d) + bias) v per head, then proj. Both paths: the fused kernel where it runs,
// and oneDNN's (DEPTHSTYLE_FUSED_ATTENTION=0).
TEST(TransformerLayers, AttentionAddsALogitBiasBeforeTheSoftmax) {
  const NamedTensors weights = block_weights();
  const at::Tensor qkv_weight = checked_tensor(weights, "block.attn.qkv.weight");
  const at::Tensor qkv_bias = checked_tensor(weights, "block.attn.qkv.bias");
  const at::Tensor proj_weight = checked_tensor(weights, "block.attn.proj.weight");
  const at::Tensor proj_bias = checked_tensor(weights, "block.attn.proj.bias");
  const MultiHeadSelfAttention attention(qkv_weight, qkv_bias, proj_weight, proj_bias, 6);
  const at::Tensor input = array("layer_input");
  const std::int64_t tokens = input.size(0);
  const at::Tensor bias = 2.0 * at::sin(0.37 * at::arange(6 * tokens * tokens, at::kFloat)).view({6, tokens, tokens});
  const LogitBias as_table{bias.view({6, tokens * tokens}),
                           at::arange(tokens * tokens, at::kInt).view({tokens, tokens})};
  EXPECT_TRUE(at::equal(gather_logit_bias(as_table), bias));
  const auto as_double = [](const at::Tensor& tensor) { return tensor.to(at::kDouble); };
  const at::Tensor qkv = at::linear(as_double(input), as_double(qkv_weight), as_double(qkv_bias))
                             .view({tokens, 3, 6, 64})
                             .permute({1, 2, 0, 3});  // [q / k / v, heads, tokens, 64]
  const at::Tensor logits = at::matmul(qkv[0], qkv[1].transpose(1, 2)) / 8.0 + as_double(bias);
  const at::Tensor heads = at::matmul(at::softmax(logits, -1), qkv[2]).permute({1, 0, 2}).reshape({tokens, 384});
  const at::Tensor expected = at::linear(heads, as_double(proj_weight), as_double(proj_bias));
  for (const bool fused : {true, false}) {
    if (fused) unsetenv("DEPTHSTYLE_FUSED_ATTENTION");
    else setenv("DEPTHSTYLE_FUSED_ATTENTION", "0", 1);
    const char* path = fused_attention_available(64) ? "fused" : "oneDNN";
    if (fused && !fused_attention_available(64)) std::cout << "fused attention not available here: oneDNN twice\n";
    at::Tensor unbiased = at::zeros_like(input);
    attention.accumulate(input, unbiased, LogitBias{at::zeros({6, 1}), at::zeros({tokens, tokens}, at::kInt)});
    expect_close(unbiased, "attention_output");
    at::Tensor output = at::zeros_like(input);
    attention.accumulate(input, output, as_table);
    const double difference = relative_max_difference(as_double(output), expected);
    EXPECT_LE(difference, kTolerance) << path << " on " << testing::cpu_features();
    std::cout << "attention with a logit bias (" << path << "): max |native - float64| / max |float64| = " << difference
              << "\n";
  }
  unsetenv("DEPTHSTYLE_FUSED_ATTENTION");
}

TEST(TransformerLayers, GeluMlpMatchesTheReferenceMlp) {
  const NamedTensors weights = block_weights();
  const Linear fc1(checked_tensor(weights, "block.mlp.fc1.weight"), checked_tensor(weights, "block.mlp.fc1.bias"),
                   Linear::Activation::kGelu);
  const Linear fc2(checked_tensor(weights, "block.mlp.fc2.weight"), checked_tensor(weights, "block.mlp.fc2.bias"));
  expect_close(fc2(fc1(array("layer_input"))), "mlp_output");
}

TEST(TransformerLayers, BlockWithLayerScaleMatchesTheReferenceBlock) {
  const NamedTensors weights = block_weights();
  WeightLayout layout{"one DINOv2 block", {}};
  append_transformer_block_layout(layout, "block", kShape);
  EXPECT_TRUE(layout_differences(layout, weights).empty());
  const TransformerBlock block(weights, "block", kShape);
  at::Tensor tokens = array("layer_input").clone();
  block.apply(tokens);
  expect_close(tokens, "block_output");
}

}  // namespace
}  // namespace depthstyle
