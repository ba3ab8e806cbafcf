#include "nets/transformer_layers.h"

#include <ATen/ATen.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "nets/fused_attention.h"
#include "nets/onednn_runtime.h"

namespace depthstyle {
namespace {

using dnnl::memory;
using Dims = memory::dims;

using onednn::cpu_engine;
using onednn::execute;

// A float32 tensor's data as oneDNN memory of `desc` (no copy); `offset` in elements.
memory wrap(const memory::desc& desc, const at::Tensor& tensor, std::int64_t offset = 0) {
  return memory(desc, cpu_engine(), tensor.data_ptr<float>() + offset);
}

memory::desc plain_desc(const Dims& dims) {
  return memory::desc(dims, memory::data_type::f32, dims.size() == 2 ? memory::format_tag::ab : memory::format_tag::abc);
}

// The row count the weight's blocked layout is first chosen for (oneDNN's choice depends on the inner dimensions
// and the ISA, not on the rows; a primitive for another row count that asks for another layout gets its own copy).
constexpr std::int64_t kReferenceRows = 1024;

void check_2d_input(const at::Tensor& input, std::int64_t columns) {
  DEPTHSTYLE_ASSERT(input.dim() == 2 && input.size(1) == columns && input.scalar_type() == at::kFloat &&
                    input.is_contiguous());
}

}  // namespace

// --- Linear ---

namespace {

// One slice of the layer's output columns [first, first + count): one matmul call, with its own reordered weight.
struct ColumnSlice {
  std::int64_t first = 0, count = 0;
};

std::vector<ColumnSlice> column_slices(std::int64_t out_features, std::int64_t columns_per_call) {
  DEPTHSTYLE_ASSERT(columns_per_call > 0);
  std::vector<ColumnSlice> slices;
  for (std::int64_t first = 0; first < out_features; first += slices.back().count) {
    slices.push_back({first, std::min(columns_per_call, out_features - first)});
  }
  return slices;
}

}  // namespace

std::int64_t linear_columns_per_call() {
  return onednn::has_avx512_kernels() ? kLinearColumnsPerCall : std::numeric_limits<std::int64_t>::max();
}

std::int64_t linear_columns_per_call(std::int64_t rows) {
  return rows < kLinearOneCallFromRows ? linear_columns_per_call() : std::numeric_limits<std::int64_t>::max();
}

struct Linear::Prepared {
  Linear::Activation activation = Linear::Activation::kNone;
  std::int64_t in_features = 0, out_features = 0;
  std::vector<ColumnSlice> slices;
  std::vector<memory> weights;  // per slice: [in, count] in the layout of the slice's first primitive
  at::Tensor bias;              // [out] float32, scaled; undefined = no bias
  struct Primitive {
    std::vector<dnnl::matmul> matmuls;  // per slice
    std::vector<memory> weights;        // per slice; empty memory where the primitive takes `weights` as it is
  };
  std::mutex mutex;
  std::map<std::pair<std::int64_t, bool>, Primitive> primitives;  // (rows, accumulate)

  // [rows, in] x [in, count] -> the slice's columns of [rows, out] (row stride out).
  dnnl::matmul::primitive_desc describe(std::int64_t rows, const ColumnSlice& slice, bool accumulate) const {
    const memory::desc bias_desc = bias.defined() ? plain_desc({1, slice.count}) : memory::desc();
    const dnnl::matmul::desc desc(plain_desc({rows, in_features}),
                                  memory::desc({in_features, slice.count}, memory::data_type::f32,
                                               memory::format_tag::any),
                                  bias_desc, output_desc(rows, slice));
    dnnl::post_ops post_ops;
    if (activation == Linear::Activation::kGelu) {
      post_ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
    }
    if (accumulate) post_ops.append_sum(1.0f);
    dnnl::primitive_attr attributes;
    attributes.set_post_ops(post_ops);
    return dnnl::matmul::primitive_desc(desc, attributes, cpu_engine());
  }

  memory::desc output_desc(std::int64_t rows, const ColumnSlice& slice) const {
    return memory::desc({rows, slice.count}, memory::data_type::f32, Dims{out_features, 1});
  }

  const Primitive& primitive(std::int64_t rows, bool accumulate) {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = primitives.find({rows, accumulate});
    if (found != primitives.end()) return found->second;
    Primitive made;
    for (std::size_t i = 0; i < slices.size(); ++i) {
      const dnnl::matmul::primitive_desc descriptor = describe(rows, slices[i], accumulate);
      made.matmuls.emplace_back(descriptor);
      made.weights.emplace_back();
      if (descriptor.weights_desc() != weights[i].get_desc()) {
        made.weights[i] = memory(descriptor.weights_desc(), cpu_engine());
        onednn::reorder(weights[i], made.weights[i]);
      }
    }
    return primitives.emplace(std::make_pair(rows, accumulate), std::move(made)).first->second;
  }
};

Linear::Linear(const at::Tensor& weight, const at::Tensor& bias, Activation activation,
               const at::Tensor& output_scale, std::int64_t columns_per_call)
    : prepared_(std::make_unique<Prepared>()) {
  DEPTHSTYLE_ASSERT(weight.dim() == 2 && weight.scalar_type() == at::kFloat);
  out_features_ = weight.size(0);
  in_features_ = weight.size(1);
  DEPTHSTYLE_ASSERT(!bias.defined() || bias.numel() == out_features_);
  DEPTHSTYLE_ASSERT(!output_scale.defined() || output_scale.numel() == out_features_);
  prepared_->activation = activation;
  prepared_->in_features = in_features_;
  prepared_->out_features = out_features_;
  prepared_->slices = column_slices(out_features_, columns_per_call);
  at::Tensor scaled_weight = weight;
  if (output_scale.defined()) {
    // Scale in double and round once (as nets/folded_conv.h folds BatchNorm).
    const at::Tensor scale = output_scale.to(at::kDouble).reshape({-1});
    scaled_weight = (weight.to(at::kDouble) * scale.view({-1, 1})).to(at::kFloat);
    if (bias.defined()) prepared_->bias = (bias.to(at::kDouble).reshape({-1}) * scale).to(at::kFloat).contiguous();
  } else if (bias.defined()) {
    prepared_->bias = bias.to(at::kFloat).reshape({-1}).contiguous();
  }
  // PyTorch's [out, in] row-major is oneDNN's [in, out] with the "ba" tag: a slice of output columns is the rows
  // [first, first + count) of PyTorch's weight, read in place and reordered once.
  const at::Tensor source = scaled_weight.contiguous();
  for (const ColumnSlice& slice : prepared_->slices) {
    const memory plain(memory::desc({in_features_, slice.count}, memory::data_type::f32, memory::format_tag::ba),
                       cpu_engine(), source.data_ptr<float>() + slice.first * in_features_);
    const dnnl::matmul::primitive_desc reference = prepared_->describe(kReferenceRows, slice, false);
    prepared_->weights.emplace_back(reference.weights_desc(), cpu_engine());
    onednn::reorder(plain, prepared_->weights.back());
  }
}

Linear::Linear() = default;
Linear::~Linear() = default;
Linear::Linear(Linear&&) noexcept = default;
Linear& Linear::operator=(Linear&&) noexcept = default;

void Linear::run(const at::Tensor& input, at::Tensor& output, bool accumulate) const {
  DEPTHSTYLE_ASSERT(prepared_ != nullptr);
  check_2d_input(input, in_features_);
  const std::int64_t rows = input.size(0);
  DEPTHSTYLE_ASSERT(output.dim() == 2 && output.size(0) == rows && output.size(1) == out_features_ &&
                    output.is_contiguous());
  const Prepared::Primitive& primitive = prepared_->primitive(rows, accumulate);
  const memory source = wrap(plain_desc({rows, in_features_}), input);
  for (std::size_t i = 0; i < prepared_->slices.size(); ++i) {
    const ColumnSlice& slice = prepared_->slices[i];
    std::unordered_map<int, memory> arguments = {
        {DNNL_ARG_SRC, source},
        {DNNL_ARG_WEIGHTS, primitive.weights[i] ? primitive.weights[i] : prepared_->weights[i]},
        {DNNL_ARG_DST, wrap(prepared_->output_desc(rows, slice), output, slice.first)}};
    if (prepared_->bias.defined()) {
      arguments.emplace(DNNL_ARG_BIAS, wrap(plain_desc({1, slice.count}), prepared_->bias, slice.first));
    }
    execute(primitive.matmuls[i], arguments);
  }
}

at::Tensor Linear::operator()(const at::Tensor& input) const {
  at::Tensor output = at::empty({input.size(0), out_features_}, input.options());
  run(input, output, false);
  return output;
}

void Linear::accumulate(const at::Tensor& input, at::Tensor& residual) const { run(input, residual, true); }

// --- LayerNorm ---

struct LayerNorm::Prepared {
  at::Tensor scale, shift;  // [channels] float32
  double eps = 1e-5;
  std::mutex mutex;
  std::map<std::int64_t, dnnl::layer_normalization_forward> primitives;  // by rows

  const dnnl::layer_normalization_forward& primitive(std::int64_t rows, std::int64_t channels) {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = primitives.find(rows);
    if (found != primitives.end()) return found->second;
    const dnnl::layer_normalization_forward::desc desc(
        dnnl::prop_kind::forward_inference, plain_desc({rows, channels}), static_cast<float>(eps),
        dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift);
    return primitives
        .emplace(rows, dnnl::layer_normalization_forward(
                           dnnl::layer_normalization_forward::primitive_desc(desc, cpu_engine())))
        .first->second;
  }
};

LayerNorm::LayerNorm(const at::Tensor& weight, const at::Tensor& bias, double eps)
    : prepared_(std::make_unique<Prepared>()), channels_(weight.numel()) {
  DEPTHSTYLE_ASSERT(bias.numel() == channels_);
  prepared_->scale = weight.to(at::kFloat).contiguous();
  prepared_->shift = bias.to(at::kFloat).contiguous();
  prepared_->eps = eps;
}

LayerNorm::LayerNorm() = default;
LayerNorm::~LayerNorm() = default;
LayerNorm::LayerNorm(LayerNorm&&) noexcept = default;
LayerNorm& LayerNorm::operator=(LayerNorm&&) noexcept = default;

at::Tensor LayerNorm::operator()(const at::Tensor& input) const {
  DEPTHSTYLE_ASSERT(prepared_ != nullptr);
  check_2d_input(input, channels_);
  const std::int64_t rows = input.size(0);
  at::Tensor output = at::empty_like(input);
  const memory::desc desc = plain_desc({rows, channels_});
  const memory::desc vector_desc({channels_}, memory::data_type::f32, memory::format_tag::a);
  execute(prepared_->primitive(rows, channels_),
          {{DNNL_ARG_SRC, wrap(desc, input)},
           {DNNL_ARG_DST, wrap(desc, output)},
           {DNNL_ARG_SCALE, wrap(vector_desc, prepared_->scale)},
           {DNNL_ARG_SHIFT, wrap(vector_desc, prepared_->shift)}});
  return output;
}

// --- MultiHeadSelfAttention ---

// Where fused_attention_available(d), the heads come from fused_attention (nets/fused_attention.h). Otherwise, per
// token count N, with H heads of d channels, C = H d, reading q, k, v in place from qkv's output [N, 3C]:
//   scores [H, N, N] = q [H, N, d] (strides d, 3C, 1) x k^T [H, d, N] (strides d, 1, 3C)   (q already scaled)
//                      (+ the logit bias: the product's sum post-op adds what the scores buffer holds)
//   softmax over the last axis, in place
//   heads [H, N, d] (strides d, C, 1: written as [N, C]) = scores x v [H, N, d] (strides d, 3C, 1)
struct MultiHeadSelfAttention::Products {
  struct ForTokens {
    dnnl::matmul scores;
    dnnl::matmul biased_scores;  // scores += q k^T
    dnnl::softmax_forward softmax;
    dnnl::matmul weighted_sum;
    memory::desc query, key_transposed, value, scores_desc, heads;
  };
  std::mutex mutex;
  std::map<std::int64_t, ForTokens> by_tokens;

  const ForTokens& get(std::int64_t tokens, std::int64_t heads, std::int64_t channels) {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = by_tokens.find(tokens);
    if (found != by_tokens.end()) return found->second;
    const std::int64_t d = channels / heads, row = 3 * channels;
    const memory::data_type f32 = memory::data_type::f32;
    ForTokens made;
    made.query = memory::desc({heads, tokens, d}, f32, Dims{d, row, 1});
    made.key_transposed = memory::desc({heads, d, tokens}, f32, Dims{d, 1, row});
    made.value = memory::desc({heads, tokens, d}, f32, Dims{d, row, 1});
    made.scores_desc = plain_desc({heads, tokens, tokens});
    made.heads = memory::desc({heads, tokens, d}, f32, Dims{d, channels, 1});
    const dnnl::matmul::desc scores_desc(made.query, made.key_transposed, made.scores_desc);
    made.scores = dnnl::matmul(dnnl::matmul::primitive_desc(scores_desc, cpu_engine()));
    dnnl::post_ops add_to_bias;
    add_to_bias.append_sum(1.0f);
    dnnl::primitive_attr biased;
    biased.set_post_ops(add_to_bias);
    made.biased_scores = dnnl::matmul(dnnl::matmul::primitive_desc(scores_desc, biased, cpu_engine()));
    made.softmax = dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
        dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, made.scores_desc, 2), cpu_engine()));
    made.weighted_sum = dnnl::matmul(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(made.scores_desc, made.value, made.heads), cpu_engine()));
    return by_tokens.emplace(tokens, std::move(made)).first->second;
  }
};

namespace {

// qkv's output scale: 1/sqrt(d) on the query columns (the reference's q * self.scale), 1 on the keys and values.
// For d = 64, as in every ViT here, the scale 1/8 is a power of two and folding it changes no bit.
at::Tensor query_scale(std::int64_t channels, std::int64_t heads) {
  at::Tensor scale = at::ones({3 * channels}, at::kDouble);
  scale.slice(0, 0, channels).fill_(1.0 / std::sqrt(static_cast<double>(channels / heads)));
  return scale;
}

}  // namespace

MultiHeadSelfAttention::MultiHeadSelfAttention(const at::Tensor& qkv_weight, const at::Tensor& qkv_bias,
                                               const at::Tensor& proj_weight, const at::Tensor& proj_bias,
                                               std::int64_t heads, const at::Tensor& proj_scale,
                                               std::int64_t columns_per_call)
    : heads_(heads), channels_(proj_weight.size(0)), products_(std::make_unique<Products>()) {
  DEPTHSTYLE_ASSERT(heads > 0 && channels_ % heads == 0 && qkv_weight.size(0) == 3 * channels_);
  qkv_ = Linear(qkv_weight, qkv_bias, Linear::Activation::kNone, query_scale(channels_, heads), columns_per_call);
  proj_ = Linear(proj_weight, proj_bias, Linear::Activation::kNone, proj_scale, columns_per_call);
}

MultiHeadSelfAttention::MultiHeadSelfAttention() = default;
MultiHeadSelfAttention::~MultiHeadSelfAttention() = default;
MultiHeadSelfAttention::MultiHeadSelfAttention(MultiHeadSelfAttention&&) noexcept = default;
MultiHeadSelfAttention& MultiHeadSelfAttention::operator=(MultiHeadSelfAttention&&) noexcept = default;

at::Tensor MultiHeadSelfAttention::attend(const at::Tensor& input, const LogitBias* bias) const {
  DEPTHSTYLE_ASSERT(products_ != nullptr);
  check_2d_input(input, channels_);
  const std::int64_t tokens = input.size(0);
  if (bias != nullptr) check_logit_bias(*bias, heads_, tokens);
  const at::Tensor qkv = qkv_(input);
  at::Tensor heads = at::empty({tokens, channels_}, input.options());
  if (fused_attention_available(channels_ / heads_)) {
    fused_attention(qkv, heads_, heads, bias);
    return heads;
  }
  const Products::ForTokens& products = products_->get(tokens, heads_, channels_);
  // With a bias the scores buffer starts as the bias, and the product accumulates into it.
  at::Tensor scores = bias != nullptr ? gather_logit_bias(*bias) : at::empty({heads_, tokens, tokens}, input.options());
  const memory scores_memory = wrap(products.scores_desc, scores);
  execute(bias != nullptr ? products.biased_scores : products.scores,
          {{DNNL_ARG_SRC, wrap(products.query, qkv)},
           {DNNL_ARG_WEIGHTS, wrap(products.key_transposed, qkv, channels_)},
           {DNNL_ARG_DST, scores_memory}});
  execute(products.softmax, {{DNNL_ARG_SRC, scores_memory}, {DNNL_ARG_DST, scores_memory}});
  execute(products.weighted_sum, {{DNNL_ARG_SRC, scores_memory},
                                  {DNNL_ARG_WEIGHTS, wrap(products.value, qkv, 2 * channels_)},
                                  {DNNL_ARG_DST, wrap(products.heads, heads)}});
  return heads;
}

at::Tensor MultiHeadSelfAttention::operator()(const at::Tensor& input) const { return proj_(attend(input, nullptr)); }

void MultiHeadSelfAttention::accumulate(const at::Tensor& input, at::Tensor& residual) const {
  proj_.accumulate(attend(input, nullptr), residual);
}

void MultiHeadSelfAttention::accumulate(const at::Tensor& input, at::Tensor& residual, const LogitBias& bias) const {
  proj_.accumulate(attend(input, &bias), residual);
}

double MultiHeadSelfAttention::flops(std::int64_t tokens) const {
  // Two products of 2 N^2 C multiply-adds x 2 each, besides the projections.
  return qkv_.flops(tokens) + proj_.flops(tokens) + 4.0 * static_cast<double>(tokens) * tokens * channels_;
}

void append_linear_layout(WeightLayout& layout, const std::string& prefix, std::int64_t out_features,
                          std::int64_t in_features, bool with_bias) {
  layout.tensors.push_back({prefix + ".weight", at::kFloat, {out_features, in_features}});
  if (with_bias) layout.tensors.push_back({prefix + ".bias", at::kFloat, {out_features}});
}

void append_layer_norm_layout(WeightLayout& layout, const std::string& prefix, std::int64_t channels) {
  layout.tensors.push_back({prefix + ".weight", at::kFloat, {channels}});
  layout.tensors.push_back({prefix + ".bias", at::kFloat, {channels}});
}

}  // namespace depthstyle
