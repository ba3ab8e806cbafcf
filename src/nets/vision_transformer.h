// One pre-norm transformer block as DINOv2 (dinov2_layers/block.py) and timm's VisionTransformer write it, on the
// oneDNN layers of nets/transformer_layers.h:
//   x = x + ls1(attn(norm1(x)))
//   x = x + ls2(mlp(norm2(x)))          mlp = fc2(GELU(fc1(.))), hidden width 4 x dim
// ls1 / ls2 are LayerScale (x * gamma, DINOv2 with init_values set) or absent (timm's ViT: nn.Identity). Each
// residual branch ends in a Linear that adds its output, gamma folded in, into the stream in place.
//
// Keys under the block's prefix ("pretrained.blocks.3"), in state_dict order:
//   norm1.weight/bias [dim]; attn.qkv.weight [3 dim, dim], .bias [3 dim]; attn.proj.weight [dim, dim], .bias [dim];
//   ls1.gamma [dim]; norm2.weight/bias [dim]; mlp.fc1.weight [4 dim, dim], .bias; mlp.fc2.weight [dim, 4 dim], .bias;
//   ls2.gamma [dim]     (ls*.gamma only with LayerScale)
// Tokens: [tokens, dim] float32 contiguous (see nets/transformer_layers.h).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "nets/transformer_layers.h"
#include "nets/weight_layout.h"

namespace depthstyle {

struct TransformerBlockShape {
  std::int64_t dim = 0;
  std::int64_t heads = 0;
  bool layer_scale = false;
  double norm_eps = 1e-6;  // DINOv2 and timm's ViT: nn.LayerNorm(eps=1e-6)
};

void append_transformer_block_layout(WeightLayout& layout, const std::string& prefix,
                                     const TransformerBlockShape& shape);

class TransformerBlock {
 public:
  TransformerBlock() = default;
  // `weights` must have passed a layout check with the entries above under `prefix`.
  TransformerBlock(const NamedTensors& weights, const std::string& prefix, const TransformerBlockShape& shape);

  // The block applied to the residual stream `tokens` [tokens, dim], in place.
  void apply(at::Tensor& tokens) const;
  double flops(std::int64_t tokens) const;

 private:
  LayerNorm norm1_, norm2_;
  MultiHeadSelfAttention attention_;  // ls1 folded into its projection
  Linear fc1_;                        // with the GELU
  Linear fc2_;                        // ls2 folded in
};

// A [rows columns, channels] token matrix (row-major over the patch grid: its rows, then its columns) as a
// 1 x channels x rows x columns map, and back; both contiguous.
at::Tensor map_from_tokens(const at::Tensor& tokens, std::int64_t rows, std::int64_t columns);
at::Tensor tokens_from_map(const at::Tensor& map);

// nn.ConvTranspose2d with kernel = stride = `factor` and no overlap, as the DPT heads' reassemble uses it on a patch
// grid: one Linear from each token's channels to its out x factor x factor output values, then the blocks laid out.
class PatchUpsample {
 public:
  PatchUpsample() = default;
  // `weight` [in, out, factor, factor] and `bias` [out] as nn.ConvTranspose2d stores them.
  PatchUpsample(const at::Tensor& weight, const at::Tensor& bias);
  // tokens [rows columns, in] -> 1 x out x (rows factor) x (columns factor).
  at::Tensor operator()(const at::Tensor& tokens, std::int64_t rows, std::int64_t columns) const;
  // Multiply-adds x 2 for `tokens` tokens.
  double flops(std::int64_t tokens) const { return linear_.flops(tokens); }

 private:
  Linear linear_;
  std::int64_t out_channels_ = 0;
  std::int64_t factor_ = 1;
};

}  // namespace depthstyle
