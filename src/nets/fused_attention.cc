#include "nets/fused_attention.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "nets/onednn_runtime.h"
#include "nets/vector_kernels.h"

namespace depthstyle {
namespace {

constexpr std::int64_t kHead = kFusedAttentionHeadChannels;
// Queries per work item. A work item's scores are kQueries x N (at N = 1370, 350 KB of the core's 2 MB L2).
constexpr std::int64_t kQueries = 64;
// Rows per register tile (nets/register_tile.inc): the most that fit the registers.
constexpr int kTileRows = 6;
// Keys per pass of the weighted sum: their 64 rows of v (16 KB) stay in L1 while every tile of the block's queries runs
// over them. Measured on a prototype at N = 1370: 32 keys 4.35 ms, 64-128 keys 3.87-3.94 ms, all 1370 at once 4.06.
constexpr std::int64_t kKeysPerPass = 64;

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#include "nets/simd_avx2.inc"
using Mask = __m256i;
inline Vec round_nearest(Vec v) { return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
// p 2^n for integral n in [-126, 127]: 2^n built in the exponent bits.
inline Vec times_power_of_two(Vec p, Vec n) {
  const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}
inline Mask first_lanes(std::int64_t count) {
  const int lanes = static_cast<int>(std::min<std::int64_t>(count, kLanes));
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline Vec load_first(Mask mask, const float* p) { return _mm256_maskload_ps(p, mask); }
inline Vec load_first_or(Mask mask, const float* p, Vec fill) {
  return _mm256_blendv_ps(fill, _mm256_maskload_ps(p, mask), _mm256_castsi256_ps(mask));
}
inline void store_first(Mask mask, float* p, Vec v) { _mm256_maskstore_ps(p, mask, v); }
inline Vec add_first(Vec sum, Mask mask, Vec x) {
  return _mm256_add_ps(sum, _mm256_and_ps(x, _mm256_castsi256_ps(mask)));
}
inline Vec gather_first(Mask mask, const float* table, const std::int32_t* index) {
  const __m256i rows = _mm256_maskload_epi32(index, mask);
  return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), table, rows, _mm256_castsi256_ps(mask), 4);
}
inline float reduce_max(Vec v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  return _mm_cvtss_f32(_mm_max_ss(m, _mm_shuffle_ps(m, m, 1)));
}
inline float reduce_add(Vec v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}
#include "nets/fused_attention_kernel.inc"
}  // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
// GCC 12's _mm512_max_ps, _mm512_roundscale_ps and _mm512_scalef_ps pass _mm512_undefined_ps() as their unused mask
// source, which -Wmaybe-uninitialized reports at every use (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
namespace avx512 {
#include "nets/simd_avx512.inc"
using Mask = __mmask16;
inline Vec round_nearest(Vec v) { return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline Vec times_power_of_two(Vec p, Vec n) { return _mm512_scalef_ps(p, n); }
inline Mask first_lanes(std::int64_t count) {
  return count >= kLanes ? static_cast<Mask>(0xFFFF) : static_cast<Mask>((1u << count) - 1u);
}
inline Vec load_first(Mask mask, const float* p) { return _mm512_maskz_loadu_ps(mask, p); }
inline Vec load_first_or(Mask mask, const float* p, Vec fill) { return _mm512_mask_loadu_ps(fill, mask, p); }
inline void store_first(Mask mask, float* p, Vec v) { _mm512_mask_storeu_ps(p, mask, v); }
inline Vec add_first(Vec sum, Mask mask, Vec x) { return _mm512_mask_add_ps(sum, mask, sum, x); }
inline Vec gather_first(Mask mask, const float* table, const std::int32_t* index) {
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, _mm512_maskz_loadu_epi32(mask, index), table, 4);
}
inline float reduce_max(Vec v) { return _mm512_reduce_max_ps(v); }
inline float reduce_add(Vec v) { return _mm512_reduce_add_ps(v); }
#include "nets/fused_attention_kernel.inc"
}  // namespace avx512
#pragma GCC diagnostic pop
#pragma GCC pop_options

enum class AttentionKernels { kNone, kAvx2, kAvx512 };

// Which kernels run here (see fused_attention_available).
AttentionKernels attention_kernels() {
  static const bool avx512 = onednn::has_avx512_kernels();  // the CPU has AVX-512 and oneDNN is not held below it
  static const bool avx2 = cpu_has_avx2_fma();
  const char* switch_value = std::getenv("DEPTHSTYLE_FUSED_ATTENTION");
  const std::string_view chosen = switch_value != nullptr ? switch_value : "";
  if (chosen == "0") return AttentionKernels::kNone;
  if (avx512 && chosen != "avx2") return AttentionKernels::kAvx512;
  return avx2 ? AttentionKernels::kAvx2 : AttentionKernels::kNone;
}

}  // namespace

void check_logit_bias(const LogitBias& bias, std::int64_t heads, std::int64_t tokens) {
  DEPTHSTYLE_ASSERT(bias.table.dim() == 2 && bias.table.size(0) == heads && bias.table.is_contiguous() &&
                    bias.table.scalar_type() == at::kFloat);
  DEPTHSTYLE_ASSERT(bias.index.dim() == 2 && bias.index.size(0) == tokens && bias.index.size(1) == tokens &&
                    bias.index.is_contiguous() && bias.index.scalar_type() == at::kInt);
}

at::Tensor gather_logit_bias(const LogitBias& bias) {
  const std::int64_t heads = bias.table.size(0), entries = bias.table.size(1), tokens = bias.index.size(0);
  check_logit_bias(bias, heads, tokens);
  // A plain parallel loop: ATen's index_select took 27 ms for DPT-BEiT-L 512's [16, 1025, 1025] against 9 ms here.
  at::Tensor out = at::empty({heads, tokens, tokens}, bias.table.options());
  const float* table = bias.table.data_ptr<float>();
  const std::int32_t* index = bias.index.data_ptr<std::int32_t>();
  float* out_data = out.data_ptr<float>();
  at::parallel_for(0, heads * tokens, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const float* head_table = table + row / tokens * entries;
      const std::int32_t* row_index = index + row % tokens * tokens;
      float* out_row = out_data + row * tokens;
      for (std::int64_t key = 0; key < tokens; ++key) out_row[key] = head_table[row_index[key]];
    }
  });
  return out;
}

bool fused_attention_available(std::int64_t head_channels) {
  return head_channels == kHead && attention_kernels() != AttentionKernels::kNone;
}

bool fused_attention_uses_avx512() { return attention_kernels() == AttentionKernels::kAvx512; }

void fused_attention(const at::Tensor& qkv, std::int64_t heads, at::Tensor& out, const LogitBias* bias) {
  const AttentionKernels kernels = attention_kernels();
  DEPTHSTYLE_ASSERT(kernels != AttentionKernels::kNone);
  const std::int64_t tokens = qkv.size(0), channels = heads * kHead;
  DEPTHSTYLE_ASSERT(qkv.dim() == 2 && qkv.size(1) == 3 * channels && qkv.is_contiguous() &&
                    qkv.scalar_type() == at::kFloat);
  DEPTHSTYLE_ASSERT(out.dim() == 2 && out.size(0) == tokens && out.size(1) == channels && out.is_contiguous() &&
                    out.scalar_type() == at::kFloat);
  if (bias != nullptr) check_logit_bias(*bias, heads, tokens);
  // Each head's keys as 64 x 64 panels [key / 64][channel][key % 64] and its values as dense [tokens][64]: a panel is
  // one tile's 16 KB of b, and a value row is 256 contiguous bytes instead of one every 3C floats (in the prototype at
  // N = 1370 the dense rows took the weighted sum from 4.8 to 4.1 ms; packing costs ~0.1 ms). The last panel's keys
  // past N are zeros: their scores are computed and never read, and zeros keep them finite and normal.
  const std::int64_t panels = (tokens + kHead - 1) / kHead, padded = panels * kHead;
  at::Tensor key_panels = at::empty({heads, padded, kHead}, qkv.options());
  at::Tensor values = at::empty({heads, tokens, kHead}, qkv.options());
  const float* source = qkv.data_ptr<float>();
  float* key_data = key_panels.data_ptr<float>();
  float* value_data = values.data_ptr<float>();
  at::parallel_for(0, heads, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t head = begin; head < end; ++head) {
      float* head_keys = key_data + head * padded * kHead;
      for (std::int64_t token = 0; token < tokens; ++token) {
        const float* row = source + token * 3 * channels + head * kHead;
        float* panel = head_keys + token / kHead * kHead * kHead + token % kHead;
        for (std::int64_t c = 0; c < kHead; ++c) panel[c * kHead] = row[channels + c];
        std::copy_n(row + 2 * channels, kHead, value_data + (head * tokens + token) * kHead);
      }
      float* last_panel = head_keys + (panels - 1) * kHead * kHead;
      for (std::int64_t c = 0; c < kHead; ++c) {
        std::fill(last_panel + c * kHead + (tokens - (panels - 1) * kHead), last_panel + (c + 1) * kHead, 0.0f);
      }
    }
  });
  const std::int64_t blocks = (tokens + kQueries - 1) / kQueries;
  float* out_data = out.data_ptr<float>();
  const auto attend = kernels == AttentionKernels::kAvx512 ? avx512::attend_queries : avx2::attend_queries;
  at::parallel_for(0, heads * blocks, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> scratch(kQueries * kHead + kQueries * padded);
    for (std::int64_t item = begin; item < end; ++item) {
      const std::int64_t head = item / blocks, first = item % blocks * kQueries;
      attend(source, key_data + head * padded * kHead, value_data + head * tokens * kHead, tokens, channels, head,
             first, std::min(kQueries, tokens - first), bias, scratch.data(), out_data);
    }
  });
}

}  // namespace depthstyle
