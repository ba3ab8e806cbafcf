#include "nets/vision_transformer.h"

#include <ATen/ATen.h>

#include "nets/folded_conv.h"

namespace depthstyle {

void append_transformer_block_layout(WeightLayout& layout, const std::string& prefix,
                                     const TransformerBlockShape& shape) {
  const std::int64_t dim = shape.dim;
  append_layer_norm_layout(layout, prefix + ".norm1", dim);
  append_linear_layout(layout, prefix + ".attn.qkv", 3 * dim, dim);
  append_linear_layout(layout, prefix + ".attn.proj", dim, dim);
  if (shape.layer_scale) layout.tensors.push_back({prefix + ".ls1.gamma", at::kFloat, {dim}});
  append_layer_norm_layout(layout, prefix + ".norm2", dim);
  append_linear_layout(layout, prefix + ".mlp.fc1", 4 * dim, dim);
  append_linear_layout(layout, prefix + ".mlp.fc2", dim, 4 * dim);
  if (shape.layer_scale) layout.tensors.push_back({prefix + ".ls2.gamma", at::kFloat, {dim}});
}

TransformerBlock::TransformerBlock(const NamedTensors& weights, const std::string& prefix,
                                   const TransformerBlockShape& shape) {
  const auto tensor = [&](const std::string& name) { return checked_tensor(weights, prefix + name); };
  const at::Tensor gamma1 = shape.layer_scale ? tensor(".ls1.gamma") : at::Tensor();
  const at::Tensor gamma2 = shape.layer_scale ? tensor(".ls2.gamma") : at::Tensor();
  norm1_ = LayerNorm(tensor(".norm1.weight"), tensor(".norm1.bias"), shape.norm_eps);
  attention_ = MultiHeadSelfAttention(tensor(".attn.qkv.weight"), tensor(".attn.qkv.bias"),
                                      tensor(".attn.proj.weight"), tensor(".attn.proj.bias"), shape.heads, gamma1);
  norm2_ = LayerNorm(tensor(".norm2.weight"), tensor(".norm2.bias"), shape.norm_eps);
  fc1_ = Linear(tensor(".mlp.fc1.weight"), tensor(".mlp.fc1.bias"), Linear::Activation::kGelu);
  fc2_ = Linear(tensor(".mlp.fc2.weight"), tensor(".mlp.fc2.bias"), Linear::Activation::kNone, gamma2);
}

void TransformerBlock::apply(at::Tensor& tokens) const {
  attention_.accumulate(norm1_(tokens), tokens);
  fc2_.accumulate(fc1_(norm2_(tokens)), tokens);
}

double TransformerBlock::flops(std::int64_t tokens) const {
  return attention_.flops(tokens) + fc1_.flops(tokens) + fc2_.flops(tokens);
}

at::Tensor map_from_tokens(const at::Tensor& tokens, std::int64_t rows, std::int64_t columns) {
  return tokens.t().reshape({1, tokens.size(1), rows, columns}).contiguous();
}

at::Tensor tokens_from_map(const at::Tensor& map) {
  return map.reshape({map.size(1), map.size(2) * map.size(3)}).t().contiguous();
}

PatchUpsample::PatchUpsample(const at::Tensor& weight, const at::Tensor& bias)
    // ConvTranspose2d's weight [in, out, k, k] -> a Linear's [out k k, in]; its bias repeated over each k x k block.
    : linear_(weight.reshape({weight.size(0), weight.size(1) * weight.size(2) * weight.size(3)}).t(),
              bias.repeat_interleave(weight.size(2) * weight.size(3))),
      out_channels_(weight.size(1)),
      factor_(weight.size(2)) {}

at::Tensor PatchUpsample::operator()(const at::Tensor& tokens, std::int64_t rows, std::int64_t columns) const {
  const std::int64_t k = factor_;
  // [rows columns, out k k] -> [out, rows, k, columns, k] -> 1 x out x (rows k) x (columns k)
  return linear_(tokens)
      .view({rows, columns, out_channels_, k, k})
      .permute({2, 0, 3, 1, 4})
      .reshape({1, out_channels_, rows * k, columns * k});
}

}  // namespace depthstyle
