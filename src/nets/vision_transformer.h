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

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "nets/folded_conv.h"
#include "nets/transformer_layers.h"
#include "nets/weight_layout.h"

namespace depthstyle {

struct TransformerBlockShape {
  std::int64_t dim = 0;
  std::int64_t heads = 0;
  bool layer_scale = false;
  double norm_eps = 1e-6;  // DINOv2 and timm's ViT: nn.LayerNorm(eps=1e-6)
  // The token count the network runs at with its preset's input (class token included); it picks how the linear
  // layers call oneDNN (linear_columns_per_call(rows), nets/transformer_layers.h). 0: a few hundred.
  std::int64_t tokens = 0;
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

// How a ViT's position embeddings, trained on a square grid of `grid` x `grid` patches, reach another patch grid.
enum class PositionResize {
  // DINOv2's interpolate_pos_encoding (Depth Anything V1 and V2): the file's own on its square grid; otherwise
  // F.interpolate(scale_factor=((rows + 0.1) / grid, (columns + 0.1) / grid), mode="bicubic", antialias=False,
  // align_corners=False). The scale factor, not the output size, places the samples: output pixel y reads source
  // (y + 0.5) / scale - 0.5, and the output has floor(grid x scale) = rows rows.
  kDinov2Bicubic,
  // MiDaS' _resize_pos_embed (DPT, midas/backbones/vit.py): F.interpolate(size=(rows, columns), mode="bilinear",
  // align_corners=False), the sampling derived from the sizes (source = (y + 0.5) grid / rows - 0.5), even on the
  // file's own grid (where it is the identity).
  kMidasBilinear,
  // No absolute position embedding (BEiT: use_abs_pos_emb False, no pos_embed key; each block adds a relative
  // position bias to its attention logits instead, nets/beit.h).
  kNone,
};

// The start of a ViT: patch_embed.proj (a conv with kernel = stride = patch), the class token prepended, the position
// embedding added (unless PositionResize::kNone). Keys under `prefix` ("pretrained." for Depth Anything,
// "pretrained.model." for DPT), checked by the network's layout: cls_token [1, 1, dim], pos_embed [1, 1 + grid grid,
// dim] (not with kNone), patch_embed.proj.weight
// [dim, C, patch, patch] and .bias [dim]. C = 3 (pixels) for a plain ViT; DPT-Hybrid projects the ResNet's 1/16 map
// with patch = 1 (its tokens are that map's pixels).
class PatchEmbedding {
 public:
  PatchEmbedding() = default;
  PatchEmbedding(const NamedTensors& weights, const std::string& prefix, std::int64_t patch, std::int64_t grid,
                 PositionResize resize);

  // image 1xCxHxW float32 (H, W multiples of the patch; checked by the caller) -> the residual stream
  // [1 + rows columns, dim]: the class token, then the patches row by row, each with its position embedding added.
  at::Tensor operator()(const at::Tensor& image) const;
  // The position embedding added for a grid of `rows` x `columns` patches, (1 + rows columns) x dim; computed once
  // per grid. Not with PositionResize::kNone.
  at::Tensor position_embedding(std::int64_t rows, std::int64_t columns) const;
  // Multiply-adds x 2 of the patch projection on a rows x columns grid.
  double flops(std::int64_t rows, std::int64_t columns) const { return projection_.flops(rows, columns); }

 private:
  struct PositionCache {
    std::mutex mutex;
    std::map<std::pair<std::int64_t, std::int64_t>, at::Tensor> by_grid;  // by (rows, columns)
  };

  FoldedConv projection_;
  at::Tensor class_token_;     // [dim]
  at::Tensor class_position_;  // [dim]
  at::Tensor position_grid_;   // [1, dim, grid, grid], the file's patch embeddings as a map
  std::int64_t patch_ = 1;
  std::int64_t grid_ = 0;
  PositionResize resize_ = PositionResize::kDinov2Bicubic;
  std::unique_ptr<PositionCache> cache_ = std::make_unique<PositionCache>();
};

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

// The per-level resize that ends the DPT heads' reassemble (DPT's act_postprocess<N>.4, Depth Anything's
// resize_layers.<N>), after each head's own projection of the tokens to the level's channels: level 0 a
// ConvTranspose2d 4x4 stride 4, level 1 a ConvTranspose2d 2x2 stride 2, level 2 the map as is (nn.Identity, no keys),
// level 3 a conv 3x3 stride 2 pad 1. The four levels' maps are at 4x, 2x, 1x and 1/2 (rounded up) the patch grid.
class ReassembleResize {
 public:
  static constexpr int kLevels = 4;

  // The level's keys under `prefix` ("pretrained.act_postprocess1.4"): ConvTranspose2d weight [channels, channels,
  // k, k] and bias [channels] (levels 0 and 1), nothing (level 2), a conv with bias (level 3).
  static void append_layout(WeightLayout& layout, const std::string& prefix, int level, std::int64_t channels);
  // Rows (or columns) of a level's map for a patch grid of `side` rows (or columns).
  static std::int64_t level_side(int level, std::int64_t side);

  ReassembleResize() = default;
  // `prefixes[level]`: the module of each level, as in append_layout; levels below `first_level` are not read (the
  // DPT-Hybrid's levels 0 and 1 come from its ResNet).
  ReassembleResize(const NamedTensors& weights, const std::array<std::string, kLevels>& prefixes, int first_level);

  // The level's projected tokens [rows columns, channels] -> 1 x channels x level_side(rows) x level_side(columns).
  at::Tensor operator()(int level, const at::Tensor& tokens, std::int64_t rows, std::int64_t columns) const;
  // Multiply-adds x 2 of the level's resize on a rows x columns patch grid.
  double flops(int level, std::int64_t rows, std::int64_t columns) const;

 private:
  std::array<PatchUpsample, 2> upsamples_;  // levels 0 and 1
  FoldedConv downsample_;                   // level 3
};

}  // namespace depthstyle
