// Multi-head softmax attention in one pass per block of 64 queries, so that a block's scores stay in the core's L2
// cache: AVX-512 and AVX2 kernels for the ViTs' head size of 64 channels (DINOv2, ViT-B/L, BEiT-L), written once
// (nets/fused_attention_kernel.inc).
//
// Why: MultiHeadSelfAttention otherwise runs oneDNN's batched q k^T, an in-place softmax and the weighted sum of v
// over all [heads, N, N] scores: at Depth Anything's 1370 tokens that is 45 MB per block, written by the first
// product, read and written by the softmax and read by the second, out of L3. Here each work item (a head and 64
// queries) computes its 64 x N scores (350 KB at N = 1370), adds the logit bias if any (gathered from its table:
// BEiT's [16, 1025, 1025] bias is never written out), takes their softmax and its 64 x 64 outputs, in cache
// (bench/attention_bench: docs/performance.md#depth-networks).
//
// Layouts (float32, row-major):
//   qkv [N, 3C]: q | k | v, each [head 0 | head 1 | ...] of 64 channels (timm's and DINOv2's qkv Linear output), the
//                queries already scaled by 1/sqrt(64) (MultiHeadSelfAttention folds the scale into qkv's weight).
//   out [N, C]:  the heads' outputs side by side (what the reference's transpose(1, 2).reshape(B, N, C) gives).
// Each output is softmax(q_h k_h^T)_i . v_h summed in another order than oneDNN's and PyTorch's: within a few float32
// roundings of theirs (~2e-6 of the largest output, tests/torch/fused_attention_test.cc).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace depthstyle {

// The channels per head the kernel is written for.
inline constexpr std::int64_t kFusedAttentionHeadChannels = 64;

// A logit bias given as a table and an index (BEiT's relative position bias, nets/beit.h): head h's bias on query i's
// logit for key j is table[h][index[i][j]]. table: [heads, entries] float32 contiguous; index: [N, N] int32
// contiguous, query-major, every entry in [0, entries) (the kernel gathers without checking each entry).
struct LogitBias {
  at::Tensor table;
  at::Tensor index;
};

// Throws (DEPTHSTYLE_ASSERT) unless `bias` has the layouts above for `heads` and `tokens`.
void check_logit_bias(const LogitBias& bias, std::int64_t heads, std::int64_t tokens);

// The bias written out: [heads, N, N] float32 contiguous, bias[h][i][j] = table[h][index[i][j]] (the form oneDNN's
// path adds to its scores).
at::Tensor gather_logit_bias(const LogitBias& bias);

// Whether fused_attention runs here for heads of `head_channels`: 64 channels, a CPU with AVX2 and FMA, and the
// environment variable DEPTHSTYLE_FUSED_ATTENTION not "0" (which benchmarks and tests set to run oneDNN's path).
bool fused_attention_available(std::int64_t head_channels);
// Whether it runs its AVX-512 kernels: the CPU has AVX-512, oneDNN is not held below it (onednn::has_avx512_kernels: a
// run held to AVX2 takes what an AVX2 machine takes) and DEPTHSTYLE_FUSED_ATTENTION is not "avx2" (tests and
// benchmarks set it to run the AVX2 kernels on an AVX-512 CPU). Otherwise its AVX2 kernels.
bool fused_attention_uses_avx512();

// out = the heads' attention outputs for qkv (layouts above): qkv [N, 3 C] contiguous, out [N, C] contiguous, C =
// heads x 64, both float32; with `bias`, softmax(q_h k_h^T + bias_h) v_h, the bias gathered per block of queries
// straight from its table (never written out). Call only where fused_attention_available(64).
void fused_attention(const at::Tensor& qkv, std::int64_t heads, at::Tensor& out, const LogitBias* bias = nullptr);

}  // namespace depthstyle
