#include "nets/vision_transformer.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"

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
  const std::int64_t columns_per_call = linear_columns_per_call(shape.tokens);
  norm1_ = LayerNorm(tensor(".norm1.weight"), tensor(".norm1.bias"), shape.norm_eps);
  attention_ = MultiHeadSelfAttention(tensor(".attn.qkv.weight"), tensor(".attn.qkv.bias"),
                                      tensor(".attn.proj.weight"), tensor(".attn.proj.bias"), shape.heads, gamma1,
                                      columns_per_call);
  norm2_ = LayerNorm(tensor(".norm2.weight"), tensor(".norm2.bias"), shape.norm_eps);
  fc1_ = Linear(tensor(".mlp.fc1.weight"), tensor(".mlp.fc1.bias"), Linear::Activation::kGelu, at::Tensor(),
                columns_per_call);
  fc2_ = Linear(tensor(".mlp.fc2.weight"), tensor(".mlp.fc2.bias"), Linear::Activation::kNone, gamma2,
                columns_per_call);
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

void ReassembleResize::append_layout(WeightLayout& layout, const std::string& prefix, int level,
                                     std::int64_t channels) {
  if (level < 2) {  // ConvTranspose2d: weight [in, out, k, k]
    const std::int64_t kernel = 4 >> level;
    layout.tensors.push_back({prefix + ".weight", at::kFloat, {channels, channels, kernel, kernel}});
    layout.tensors.push_back({prefix + ".bias", at::kFloat, {channels}});
  } else if (level == 3) {
    append_conv_layout(layout, prefix, channels, channels, 3, 1, true);
  }
}

std::int64_t ReassembleResize::level_side(int level, std::int64_t side) {
  return level == 3 ? (side + 1) / 2 : side * (4 >> level);
}

ReassembleResize::ReassembleResize(const NamedTensors& weights, const std::array<std::string, kLevels>& prefixes,
                                   int first_level) {
  for (int level = first_level; level < 2; ++level) {
    upsamples_[level] = PatchUpsample(checked_tensor(weights, prefixes[level] + ".weight"),
                                      checked_tensor(weights, prefixes[level] + ".bias"));
  }
  downsample_ = folded_conv_from(weights, prefixes[3], {2, 1, 1});
}

at::Tensor ReassembleResize::operator()(int level, const at::Tensor& tokens, std::int64_t rows,
                                        std::int64_t columns) const {
  if (level < 2) return upsamples_[level](tokens, rows, columns);
  const at::Tensor map = map_from_tokens(tokens, rows, columns);
  return level == 3 ? downsample_(map) : map;
}

double ReassembleResize::flops(int level, std::int64_t rows, std::int64_t columns) const {
  if (level < 2) return upsamples_[level].flops(rows * columns);
  if (level == 3) return downsample_.flops(level_side(3, rows), level_side(3, columns));
  return 0;
}


PatchEmbedding::PatchEmbedding(const NamedTensors& weights, const std::string& prefix, std::int64_t patch,
                               std::int64_t grid, PositionResize resize)
    : projection_(folded_conv_from(weights, prefix + "patch_embed.proj", {patch, 0, 1})),
      patch_(patch),
      grid_(grid),
      resize_(resize) {
  const at::Tensor class_token = checked_tensor(weights, prefix + "cls_token");
  const std::int64_t dim = class_token.size(2);
  class_token_ = class_token.reshape({dim}).contiguous();
  if (resize == PositionResize::kNone) return;
  const at::Tensor position = checked_tensor(weights, prefix + "pos_embed");
  const at::Tensor rows = position.reshape({grid * grid + 1, dim});
  class_position_ = rows[0].contiguous();
  position_grid_ = map_from_tokens(rows.slice(0, 1), grid, grid);
}

at::Tensor PatchEmbedding::operator()(const at::Tensor& image) const {
  const std::int64_t rows = image.size(2) / patch_, columns = image.size(3) / patch_;
  at::Tensor tokens = at::cat({class_token_.unsqueeze(0), tokens_from_map(projection_(image.contiguous()))}, 0);
  if (resize_ != PositionResize::kNone) tokens.add_(position_embedding(rows, columns));
  return tokens;
}

at::Tensor PatchEmbedding::position_embedding(std::int64_t rows, std::int64_t columns) const {
  DEPTHSTYLE_ASSERT(resize_ != PositionResize::kNone);
  std::lock_guard<std::mutex> lock(cache_->mutex);
  const auto found = cache_->by_grid.find({rows, columns});
  if (found != cache_->by_grid.end()) return found->second;
  at::Tensor grid = position_grid_;
  if (resize_ == PositionResize::kMidasBilinear) {
    // Without scale factors at::upsample_bilinear2d derives the sampling from the sizes, as F.interpolate(size=).
    grid = at::upsample_bilinear2d(position_grid_, {rows, columns}, /*align_corners=*/false);
  } else if (!(rows == grid_ && columns == grid_)) {
    // dinov2.py: scale_factor = (rows + 0.1) / sqrt(N) with sqrt(N) = math.sqrt(grid * grid) = grid exactly;
    // F.interpolate makes floor(grid * scale) rows and hands the scale itself to the kernel.
    constexpr double kInterpolateOffset = 0.1;  // DINOv2's interpolate_offset
    const double side = static_cast<double>(grid_);
    const double row_scale = (static_cast<double>(rows) + kInterpolateOffset) / side;
    const double column_scale = (static_cast<double>(columns) + kInterpolateOffset) / side;
    const auto out_rows = static_cast<std::int64_t>(std::floor(side * row_scale));
    const auto out_columns = static_cast<std::int64_t>(std::floor(side * column_scale));
    DEPTHSTYLE_ASSERT(out_rows == rows && out_columns == columns);
    grid = at::upsample_bicubic2d(position_grid_, {out_rows, out_columns}, /*align_corners=*/false, row_scale,
                                  column_scale);
  }
  at::Tensor embedding = at::cat({class_position_.unsqueeze(0), tokens_from_map(grid)}, 0).contiguous();
  cache_->by_grid.emplace(std::make_pair(rows, columns), embedding);
  return embedding;
}

}  // namespace depthstyle
