#include "nets/beit.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "core/error.h"
#include "nets/folded_conv.h"

namespace depthstyle {
namespace {

constexpr double kNormEps = 1e-6;  // timm's Beit: partial(nn.LayerNorm, eps=1e-6)
constexpr std::int64_t kClassRows = 3;  // the table's last rows: class -> patch, patch -> class, class -> class

std::int64_t table_rows(std::int64_t grid) { return (2 * grid - 1) * (2 * grid - 1) + kClassRows; }

void append_block_layout(WeightLayout& layout, const std::string& prefix, const BeitShape& shape) {
  const std::int64_t dim = shape.dim, tokens = shape.training_grid * shape.training_grid + 1;
  layout.tensors.push_back({prefix + ".gamma_1", at::kFloat, {dim}});
  layout.tensors.push_back({prefix + ".gamma_2", at::kFloat, {dim}});
  append_layer_norm_layout(layout, prefix + ".norm1", dim);
  layout.tensors.push_back({prefix + ".attn.q_bias", at::kFloat, {dim}});
  layout.tensors.push_back({prefix + ".attn.v_bias", at::kFloat, {dim}});
  layout.tensors.push_back(
      {prefix + ".attn.relative_position_bias_table", at::kFloat, {table_rows(shape.training_grid), shape.heads}});
  layout.tensors.push_back({prefix + ".attn.relative_position_index", at::kLong, {tokens, tokens}});
  append_linear_layout(layout, prefix + ".attn.qkv", 3 * dim, dim, /*with_bias=*/false);
  append_linear_layout(layout, prefix + ".attn.proj", dim, dim);
  append_layer_norm_layout(layout, prefix + ".norm2", dim);
  append_linear_layout(layout, prefix + ".mlp.fc1", 4 * dim, dim);
  append_linear_layout(layout, prefix + ".mlp.fc2", dim, 4 * dim);
}

std::string block_prefix(const std::string& prefix, int index) { return prefix + "blocks." + std::to_string(index); }

}  // namespace

void append_beit_layout(WeightLayout& layout, const std::string& prefix, const BeitShape& shape) {
  layout.tensors.push_back({prefix + "cls_token", at::kFloat, {1, 1, shape.dim}});
  append_conv_layout(layout, prefix + "patch_embed.proj", shape.dim, 3, shape.patch, 1, true);
  for (int block = 0; block < shape.depth; ++block) append_block_layout(layout, block_prefix(prefix, block), shape);
  append_layer_norm_layout(layout, prefix + "fc_norm", shape.dim);
  append_linear_layout(layout, prefix + "head", shape.classes, shape.dim);
}

at::Tensor relative_position_index(std::int64_t rows, std::int64_t columns) {
  const at::TensorOptions as_long = at::TensorOptions().dtype(at::kLong);
  const at::Tensor ys = at::arange(rows, as_long).repeat_interleave(columns);  // row-major positions
  const at::Tensor xs = at::arange(columns, as_long).repeat({rows});
  const at::Tensor dy = ys.unsqueeze(1) - ys.unsqueeze(0) + (rows - 1);
  const at::Tensor dx = xs.unsqueeze(1) - xs.unsqueeze(0) + (columns - 1);
  const std::int64_t patches = rows * columns, distances = (2 * rows - 1) * (2 * columns - 1);
  at::Tensor index = at::empty({patches + 1, patches + 1}, as_long);
  index.slice(0, 1).slice(1, 1).copy_(dy * (2 * columns - 1) + dx);
  index[0].fill_(distances);
  index.select(1, 0).fill_(distances + 1);
  index[0][0].fill_(distances + 2);
  return index;
}

BeitBlock::BeitBlock(const NamedTensors& weights, const std::string& prefix, const BeitShape& shape) {
  const auto tensor = [&](const std::string& name) { return checked_tensor(weights, prefix + name); };
  const at::Tensor q_bias = tensor(".attn.q_bias");
  const at::Tensor qkv_bias = at::cat({q_bias, at::zeros_like(q_bias), tensor(".attn.v_bias")});
  norm1_ = LayerNorm(tensor(".norm1.weight"), tensor(".norm1.bias"), kNormEps);
  attention_ = MultiHeadSelfAttention(tensor(".attn.qkv.weight"), qkv_bias, tensor(".attn.proj.weight"),
                                      tensor(".attn.proj.bias"), shape.heads, tensor(".gamma_1"));
  norm2_ = LayerNorm(tensor(".norm2.weight"), tensor(".norm2.bias"), kNormEps);
  fc1_ = Linear(tensor(".mlp.fc1.weight"), tensor(".mlp.fc1.bias"), Linear::Activation::kGelu);
  fc2_ = Linear(tensor(".mlp.fc2.weight"), tensor(".mlp.fc2.bias"), Linear::Activation::kNone, tensor(".gamma_2"));
  const at::Tensor table = tensor(".attn.relative_position_bias_table");
  const std::int64_t side = 2 * shape.training_grid - 1, offsets = side * side;
  // MiDaS reshapes the offset rows to (1, old_width, old_height, heads); the training grid is square.
  offset_table_ = table.slice(0, 0, offsets).reshape({1, side, side, shape.heads}).permute({0, 3, 1, 2}).contiguous();
  class_rows_ = table.slice(0, offsets).contiguous();
}

at::Tensor BeitBlock::relative_position_table(std::int64_t rows, std::int64_t columns) const {
  const std::int64_t height = 2 * rows - 1, width = 2 * columns - 1;
  // Without scale factors at::upsample_bilinear2d places the samples by the sizes, as F.interpolate(size=).
  const at::Tensor resized = at::upsample_bilinear2d(offset_table_, {height, width}, /*align_corners=*/false);
  const at::Tensor offsets = resized.permute({0, 2, 3, 1}).reshape({height * width, offset_table_.size(1)});
  return at::cat({offsets, class_rows_}, 0);
}

LogitBias BeitBlock::relative_position_logits(std::int64_t rows, std::int64_t columns, const at::Tensor& index) const {
  // The table transposed, [heads, rows of the table]: each head's biases contiguous.
  return LogitBias{relative_position_table(rows, columns).t().contiguous(), index};
}

void BeitBlock::apply(at::Tensor& tokens, std::int64_t rows, std::int64_t columns, const at::Tensor& index) const {
  attention_.accumulate(norm1_(tokens), tokens, relative_position_logits(rows, columns, index));
  fc2_.accumulate(fc1_(norm2_(tokens)), tokens);
}

double BeitBlock::flops(std::int64_t tokens) const {
  return attention_.flops(tokens) + fc1_.flops(tokens) + fc2_.flops(tokens);
}

BeitBackbone::BeitBackbone(const NamedTensors& weights, const std::string& prefix, const BeitShape& shape)
    : shape_(shape), embedding_(weights, prefix, shape.patch, shape.training_grid, PositionResize::kNone) {
  for (int block = 0; block < shape.depth; ++block) blocks_.emplace_back(weights, block_prefix(prefix, block), shape);
}

at::Tensor BeitBackbone::index(std::int64_t rows, std::int64_t columns) const {
  std::lock_guard<std::mutex> lock(indices_->mutex);
  const auto found = indices_->by_grid.find({rows, columns});
  if (found != indices_->by_grid.end()) return found->second;
  // int32, as LogitBias takes it (the largest entry is the table's last row, 3 + (2 rows - 1)(2 columns - 1)).
  return indices_->by_grid.emplace(std::make_pair(rows, columns), relative_position_index(rows, columns).to(at::kInt))
      .first->second;
}

std::vector<at::Tensor> BeitBackbone::hooked_tokens(const at::Tensor& image, const std::vector<int>& hooks) const {
  const std::int64_t rows = image.size(2) / shape_.patch, columns = image.size(3) / shape_.patch;
  const at::Tensor grid_index = index(rows, columns);
  at::Tensor tokens = embedding_(image);
  std::vector<at::Tensor> hooked;
  for (std::size_t block = 0; block < blocks_.size() && hooked.size() < hooks.size(); ++block) {
    blocks_[block].apply(tokens, rows, columns, grid_index);  // in place: the hooked outputs are copied
    if (static_cast<int>(block) == hooks[hooked.size()]) hooked.push_back(tokens.clone());
  }
  return hooked;
}

double BeitBackbone::flops(std::int64_t rows, std::int64_t columns, int last_block) const {
  double total = embedding_.flops(rows, columns);
  for (int block = 0; block <= last_block; ++block) total += blocks_[block].flops(rows * columns + 1);
  return total;
}

}  // namespace depthstyle
