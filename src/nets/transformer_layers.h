// The layers of a vision transformer prepared once for CPU inference and run by oneDNN (the system's libdnnl, the
// library LibTorch runs its convolutions with): nn.Linear (optionally followed by nn.GELU, or added into a residual
// stream through a LayerScale), nn.LayerNorm, and multi-head self-attention as DINOv2 and timm write it.
//
// Why not at::linear / at::matmul / at::bmm: Debian's LibTorch sends float32 matrix products to the reference BLAS,
// ~3 GFLOP/s on one core; oneDNN's matmul primitive runs the same products with its JIT kernels (AVX2 / AVX-512 /
// AMX as the CPU has them). Each layer reorders its weight once into the blocked layout oneDNN picks (per slice of
// output columns, see kLinearColumnsPerCall), and keeps one primitive per row count (token count), built on first use.
//
// Layouts: every activation is a 2-D float32 tensor [tokens, channels], row-major and contiguous (a batch of one
// image: the reference code's B x N x C with B = 1). Weights come in PyTorch's layouts: nn.Linear's weight
// [out, in] and bias [out], nn.LayerNorm's weight and bias [channels].
//
// Numerics: float32 throughout; results equal PyTorch eager up to summation order and the places where a
// multiplication is folded into a weight (LayerScale's gamma, attention's 1/sqrt(head_dim)), which round once instead
// of twice: ~1e-7 relative per layer. nn.GELU is the exact erf form; oneDNN evaluates erf with its own polynomial,
// within a few float32 ulps.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "nets/fused_attention.h"
#include "nets/weight_layout.h"

namespace depthstyle {

// oneDNN 2.6's matmul blocks a wide layer's work poorly at a few hundred rows with its AVX-512 kernels: 577 tokens x
// 1024 -> 4096 channels ran at 305 GFLOP/s in one call and 411 in calls of 512 output columns, with the weights coming
// from memory as they do in a 24-block network; with its AVX2 kernels (DNNL_MAX_CPU_ISA=AVX2) slices were 0.95-1.02x
// (bench/linear_bench.cc; docs/performance.md#depth-networks). So where oneDNN runs AVX-512 kernels a layer makes one
// call per slice of kLinearColumnsPerCall output columns, each slice with its own reordered weight, unless its network
// runs at kLinearOneCallFromRows tokens or more; elsewhere one call.
// 384 rather than 512: 1-11% faster on all 13 layer shapes of the ViTs here (24 layers each, alternating), most at
// Depth Anything's 1370 tokens (384 -> 1152: 3.03 -> 2.86 ms; 768 -> 2304: 12.3 -> 11.8 ms).
constexpr std::int64_t kLinearColumnsPerCall = 384;
// From this many rows on, slices gain nothing: at Depth Anything's 1370 tokens (518 px) they were 0.99-1.02x of one
// call with Intel's AVX-512 kernels, and 0.87-0.90x for fc1 + GELU (384 -> 1536; qkv 0.96-0.99x, fc2 1.00x) on an AMD
// EPYC with AVX-512 (2026-12-07): oneDNN runs the slices, whose outputs are strided, with its gemm kernel, which applies
// the GELU in a pass of its own, and the whole layer with brgemm, which applies it in the kernel (bench/linear_bench).
// Below it, at DPT's 577 tokens, slices were 1.32-1.45x (Intel) and 1.02-1.23x (AMD); at DPT-BEiT-L 512's 1025,
// 1.06x and 0.97-1.02x.
constexpr std::int64_t kLinearOneCallFromRows = 1200;
// kLinearColumnsPerCall where oneDNN's effective ISA has AVX-512, otherwise a count above any layer's width (one call).
std::int64_t linear_columns_per_call();
// The same for a layer whose network runs it on `rows` rows (its preset's token count): one call from
// kLinearOneCallFromRows rows on.
std::int64_t linear_columns_per_call(std::int64_t rows);

class Linear {
 public:
  enum class Activation { kNone, kGelu };  // applied to the layer's output (kGelu: nn.GELU(), erf form)

  Linear();
  // `weight` [out, in], `bias` [out] or undefined, float32 (shapes checked by the caller's weight layout; a mismatch
  // here aborts). `output_scale` [out] or undefined multiplies each output channel (bias included): LayerScale's
  // gamma, or attention's query scale, folded into the weight. `columns_per_call`: see kLinearColumnsPerCall (other
  // values for tests and benchmarks).
  Linear(const at::Tensor& weight, const at::Tensor& bias, Activation activation = Activation::kNone,
         const at::Tensor& output_scale = at::Tensor(), std::int64_t columns_per_call = linear_columns_per_call());
  ~Linear();
  Linear(Linear&&) noexcept;
  Linear& operator=(Linear&&) noexcept;

  // [rows, in] -> [rows, out] (a new tensor).
  at::Tensor operator()(const at::Tensor& input) const;
  // residual += layer(input), in place: residual [rows, out] contiguous float32 (the transformer's residual stream;
  // with output_scale = LayerScale's gamma this is x = x + ls(linear(y))).
  void accumulate(const at::Tensor& input, at::Tensor& residual) const;

  std::int64_t in_features() const { return in_features_; }
  std::int64_t out_features() const { return out_features_; }
  // Multiply-adds x 2 for `rows` rows.
  double flops(std::int64_t rows) const { return 2.0 * rows * in_features_ * out_features_; }

 private:
  struct Prepared;  // oneDNN objects (transformer_layers.cc)
  std::unique_ptr<Prepared> prepared_;
  std::int64_t in_features_ = 0;
  std::int64_t out_features_ = 0;

  void run(const at::Tensor& input, at::Tensor& output, bool accumulate) const;
};

// nn.LayerNorm(channels, eps) over the last dimension, elementwise affine.
class LayerNorm {
 public:
  LayerNorm();
  LayerNorm(const at::Tensor& weight, const at::Tensor& bias, double eps);
  ~LayerNorm();
  LayerNorm(LayerNorm&&) noexcept;
  LayerNorm& operator=(LayerNorm&&) noexcept;

  // [rows, channels] -> [rows, channels] (a new tensor).
  at::Tensor operator()(const at::Tensor& input) const;

 private:
  struct Prepared;
  std::unique_ptr<Prepared> prepared_;
  std::int64_t channels_ = 0;
};

// DINOv2's Attention / timm's Attention: qkv = Linear(C, 3C); per head h of `heads` (head_dim d = C / heads)
// softmax(q_h k_h^T / sqrt(d)) v_h; the heads concatenated in order and projected by Linear(C, C).
// qkv's output columns are [q | k | v], each [head 0 | head 1 | ...] (the reference's reshape(B, N, 3, heads, d)).
// BEiT's attention adds a bias to the logits before the softmax: softmax(q_h k_h^T / sqrt(d) + bias_h) v_h.
class MultiHeadSelfAttention {
 public:
  MultiHeadSelfAttention();
  // `proj_scale` [C] or undefined: LayerScale's gamma folded into proj (see Linear).
  // `columns_per_call`: qkv's and proj's (see Linear).
  MultiHeadSelfAttention(const at::Tensor& qkv_weight, const at::Tensor& qkv_bias, const at::Tensor& proj_weight,
                         const at::Tensor& proj_bias, std::int64_t heads,
                         const at::Tensor& proj_scale = at::Tensor(),
                         std::int64_t columns_per_call = linear_columns_per_call());
  ~MultiHeadSelfAttention();
  MultiHeadSelfAttention(MultiHeadSelfAttention&&) noexcept;
  MultiHeadSelfAttention& operator=(MultiHeadSelfAttention&&) noexcept;

  // [tokens, C] -> [tokens, C].
  at::Tensor operator()(const at::Tensor& input) const;
  // residual += attention(input) (with the folded LayerScale), in place.
  void accumulate(const at::Tensor& input, at::Tensor& residual) const;
  // The same with `bias` added to each head's logits (nets/fused_attention.h: a table and an index, e.g. BEiT's
  // relative position bias).
  void accumulate(const at::Tensor& input, at::Tensor& residual, const LogitBias& bias) const;

  double flops(std::int64_t tokens) const;

 private:
  struct Products;  // the batched q k^T and attention x v primitives and the softmax, per token count
  Linear qkv_;
  Linear proj_;
  std::int64_t heads_ = 0;
  std::int64_t channels_ = 0;
  std::unique_ptr<Products> products_;

  // The heads' outputs, concatenated: [tokens, C]. `bias` as accumulate's, or null.
  at::Tensor attend(const at::Tensor& input, const LogitBias* bias) const;
};

// The entries of an nn.Linear under `prefix` ("<prefix>.weight" [out, in], "<prefix>.bias" [out] when `with_bias`)
// and of an nn.LayerNorm ("<prefix>.weight", "<prefix>.bias", each [channels]), in state_dict order.
void append_linear_layout(WeightLayout& layout, const std::string& prefix, std::int64_t out_features,
                          std::int64_t in_features, bool with_bias = true);
void append_layer_norm_layout(WeightLayout& layout, const std::string& prefix, std::int64_t channels);

}  // namespace depthstyle
