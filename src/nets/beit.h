// BEiT (Bao et al. 2022) as timm 0.6.12's beit.py builds it and MiDaS v3.1 runs it (midas/backbones/beit.py), the
// encoder of DPT-BEiT-L 512 (nets/dpt.h): timm's beit_large_patch16_512, dim 1024, 24 blocks, 16 heads, patch 16,
// trained at 512 x 512 (a 32 x 32 patch grid), no absolute position embedding, a relative position bias in every
// block, LayerScale. The oneDNN layers of nets/transformer_layers.h.
//
// Keys under `prefix` ("pretrained.model."), in state_dict order:
//   cls_token [1, 1, dim]; patch_embed.proj.weight [dim, 3, 16, 16], .bias [dim]
//   blocks.<i>.gamma_1, .gamma_2 [dim]                      LayerScale of the two residual branches
//   blocks.<i>.norm1.weight/bias [dim]                       LayerNorm eps 1e-6
//   blocks.<i>.attn.q_bias, .v_bias [dim]                    qkv's bias is [q_bias | 0 | v_bias] (no key bias)
//   blocks.<i>.attn.relative_position_bias_table [(2 g - 1)^2 + 3, heads]   g = 32, the training grid
//   blocks.<i>.attn.relative_position_index int64 [g g + 1, g g + 1]        read, unused: MiDaS builds the index of
//                                                                             each input's grid itself
//   blocks.<i>.attn.qkv.weight [3 dim, dim] (no bias); .attn.proj.weight [dim, dim], .bias [dim]
//   blocks.<i>.norm2.*; .mlp.fc1 [4 dim, dim] + bias, GELU; .mlp.fc2 [dim, 4 dim] + bias
//   fc_norm.weight/bias [dim], head.weight [1000, dim], .bias: the classifier (global_pool 'avg'): read, unused
//
// Forward (MiDaS' beit_forward_features, block_forward, attention_forward), input 1x3xHxW, H = 16 rows, W = 16 columns:
//   tokens = [cls_token; patch_embed(x) as rows x columns, row-major]      ((1 + rows columns) x dim)
//   per block: x = x + gamma_1 * attn(norm1(x)); x = x + gamma_2 * mlp(norm2(x))
//   attn: softmax(q k^T / sqrt(d) + bias) v per head, bias = the table resized to the grid, gathered by the grid's
//   relative position index (see relative_position_table / relative_position_logits).
// The hooked blocks' outputs are taken as they are (forward hooks; the final norm is an Identity anyway).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "nets/transformer_layers.h"
#include "nets/vision_transformer.h"
#include "nets/weight_layout.h"

namespace depthstyle {

struct BeitShape {
  std::int64_t dim = 1024;
  std::int64_t depth = 24;
  std::int64_t heads = 16;
  std::int64_t patch = 16;
  std::int64_t training_grid = 32;  // img_size / patch: the relative position tables' grid
  std::int64_t classes = 1000;      // the ImageNet head kept in the file
};

// Every key above under `prefix` (ending in "."), in state_dict order.
void append_beit_layout(WeightLayout& layout, const std::string& prefix, const BeitShape& shape);

// One block with its own relative position bias table.
class BeitBlock {
 public:
  BeitBlock() = default;
  BeitBlock(const NamedTensors& weights, const std::string& prefix, const BeitShape& shape);

  // The block applied to the residual stream `tokens` [1 + rows columns, dim], in place; `index` is
  // BeitBackbone::index(rows, columns).
  void apply(at::Tensor& tokens, std::int64_t rows, std::int64_t columns, const at::Tensor& index) const;
  // MiDaS' _get_rel_pos_bias for a grid of rows x columns patches: the table's (2 g - 1) x (2 g - 1) patch-offset rows
  // as a map per head (row = vertical offset + g - 1), resized to (2 rows - 1) x (2 columns - 1) with
  // F.interpolate(size=, mode="bilinear", align_corners=False) (the identity on the training grid), then the three
  // class-token rows unchanged: [(2 rows - 1)(2 columns - 1) + 3, heads].
  at::Tensor relative_position_table(std::int64_t rows, std::int64_t columns) const;
  // The bias added to the logits as a table and an index: the table above transposed, [heads, rows of the table], and
  // `index` (BeitBackbone::index, int32).
  // gather_logit_bias writes it out as [heads, 1 + rows columns, 1 + rows columns].
  LogitBias relative_position_logits(std::int64_t rows, std::int64_t columns, const at::Tensor& index) const;
  double flops(std::int64_t tokens) const;

 private:
  LayerNorm norm1_, norm2_;
  MultiHeadSelfAttention attention_;  // gamma_1 folded into its projection
  Linear fc1_;                        // with the GELU
  Linear fc2_;                        // gamma_2 folded in
  at::Tensor offset_table_;           // [1, heads, 2 g - 1, 2 g - 1]: the patch-offset rows as maps
  at::Tensor class_rows_;             // [3, heads]: class token -> patch, patch -> class token, class -> class
};

// timm's gen_relative_position_index for a rows x columns grid, [1 + rows columns, 1 + rows columns] int64: for
// patch tokens i, j (1 + their row-major positions) the table row (dy + rows - 1) (2 columns - 1) + dx + columns - 1
// of the offset (dy, dx) = position_i - position_j; row 0 (the class token's logits) D = (2 rows - 1)(2 columns - 1),
// column 0 D + 1, the corner D + 2.
at::Tensor relative_position_index(std::int64_t rows, std::int64_t columns);

class BeitBackbone {
 public:
  // `weights` must have passed a layout check with append_beit_layout's entries under `prefix`.
  BeitBackbone(const NamedTensors& weights, const std::string& prefix, const BeitShape& shape);

  // image 1x3xHxW float32 (H, W multiples of the patch; checked by the caller) -> the outputs of the blocks `hooks`
  // (ascending), each [1 + rows columns, dim], class token first. Blocks past the last hook do not run.
  std::vector<at::Tensor> hooked_tokens(const at::Tensor& image, const std::vector<int>& hooks) const;
  const BeitBlock& block(int index) const { return blocks_[static_cast<std::size_t>(index)]; }
  // relative_position_index(rows, columns) as int32, computed once per grid (shared by the blocks).
  at::Tensor index(std::int64_t rows, std::int64_t columns) const;
  // Multiply-adds x 2 on a rows x columns grid, up to and including block `last_block`.
  double flops(std::int64_t rows, std::int64_t columns, int last_block) const;

 private:
  struct IndexCache {
    std::mutex mutex;
    std::map<std::pair<std::int64_t, std::int64_t>, at::Tensor> by_grid;  // by (rows, columns)
  };

  BeitShape shape_;
  PatchEmbedding embedding_;  // patch_embed.proj and cls_token; no position embedding
  std::vector<BeitBlock> blocks_;
  std::unique_ptr<IndexCache> indices_ = std::make_unique<IndexCache>();
};

}  // namespace depthstyle
