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

namespace depthstyle {
namespace {

constexpr std::int64_t kHead = kFusedAttentionHeadChannels;
// Queries per work item. A work item's scores are kQueries x N (at N = 1370, 350 KB of the core's 2 MB L2).
constexpr std::int64_t kQueries = 64;
// A register tile row: 64 floats, 4 AVX-512 vectors (a head's 64 channels, or a panel's 64 keys).
constexpr std::int64_t kVectors = 4;
static_assert(kHead == 16 * kVectors, "a tile row is a head's 64 channels");
// Rows per register tile: 6 x 4 accumulators, 4 loaded vectors and a broadcast in AVX-512's 32 registers.
constexpr int kTileRows = 6;
// Keys per pass of the weighted sum: their 64 rows of v (16 KB) stay in L1 while every tile of the block's queries runs
// over them. Measured on a prototype at N = 1370: 32 keys 4.35 ms, 64-128 keys 3.87-3.94 ms, all 1370 at once 4.06.
constexpr std::int64_t kKeysPerPass = 64;

#pragma GCC push_options
#pragma GCC target("avx512f")
// GCC 12's _mm512_max_ps, _mm512_roundscale_ps and _mm512_scalef_ps pass _mm512_undefined_ps() as their unused mask
// source, which -Wmaybe-uninitialized reports at every use (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// exp(s - m) for s <= m, given m log2(e): 2^t with t = s log2(e) - m log2(e) in one rounding (an FMA), split into
// n = round(t) and f = t - n in [-1/2, 1/2]; 2^f by a degree-6 polynomial (fitted for relative error on that range:
// 1.9e-9, ~1.6 ulp evaluated in float32) and 2^n applied by scalef. The rounding of m log2(e) scales every value of a
// row alike, which the softmax's normalisation cancels. t is clamped at -126: a probability that small is 0 beside
// the row's largest, which is 1. 11 operations per vector, against 15 for s - m and Cephes' expf.
inline __m512 exp_below(__m512 s, __m512 m_log2e) {
  const __m512 t = _mm512_max_ps(_mm512_fmsub_ps(s, _mm512_set1_ps(1.44269504088896341f), m_log2e),
                                 _mm512_set1_ps(-126.0f));
  const __m512 n = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 f = _mm512_sub_ps(t, n);
  __m512 p = _mm512_set1_ps(1.5337577497120947e-4f);
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.3399859890341759e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(9.618519805371761e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.550329014658928e-2f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(2.4022646248340607e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(6.931471824645996e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

// The one register tile both products use, Rows x 64 outputs:
//   c[r][0:64] (=, or += when Accumulate) sum over k < depth of a[r * a_row + k * a_step] * b[k * b_row + 0:64]
// then, when `row_scale` is given, each row r times row_scale[r]. a is read by broadcasts, so it may be row-major
// (a_step 1) or transposed (a_row 1); b's rows are 64 contiguous floats.
template <int Rows, bool Accumulate>
inline void tile(const float* a, std::int64_t a_row, std::int64_t a_step, const float* b, std::int64_t b_row,
                 std::int64_t depth, float* c, std::int64_t c_row, const float* row_scale) {
  __m512 sums[Rows][kVectors];
#pragma GCC unroll 6
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) {
      sums[r][v] = Accumulate ? _mm512_loadu_ps(c + r * c_row + 16 * v) : _mm512_setzero_ps();
    }
  }
  for (std::int64_t k = 0; k < depth; ++k) {
    const float* b_k = b + k * b_row;
    const __m512 b0 = _mm512_loadu_ps(b_k), b1 = _mm512_loadu_ps(b_k + 16);
    const __m512 b2 = _mm512_loadu_ps(b_k + 32), b3 = _mm512_loadu_ps(b_k + 48);
    const float* a_k = a + k * a_step;
#pragma GCC unroll 6
    for (int r = 0; r < Rows; ++r) {
      const __m512 a_rk = _mm512_set1_ps(a_k[r * a_row]);
      sums[r][0] = _mm512_fmadd_ps(a_rk, b0, sums[r][0]);
      sums[r][1] = _mm512_fmadd_ps(a_rk, b1, sums[r][1]);
      sums[r][2] = _mm512_fmadd_ps(a_rk, b2, sums[r][2]);
      sums[r][3] = _mm512_fmadd_ps(a_rk, b3, sums[r][3]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < Rows; ++r) {
    const __m512 scale = _mm512_set1_ps(row_scale != nullptr ? row_scale[r] : 1.0f);
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) {
      _mm512_storeu_ps(c + r * c_row + 16 * v, row_scale != nullptr ? _mm512_mul_ps(sums[r][v], scale) : sums[r][v]);
    }
  }
}

// tile for rows = 1 .. kTileRows (the last tile of a block).
template <bool Accumulate>
void tile_of_rows(int rows, const float* a, std::int64_t a_row, std::int64_t a_step, const float* b,
                  std::int64_t b_row, std::int64_t depth, float* c, std::int64_t c_row, const float* row_scale) {
  switch (rows) {
    case 6: return tile<6, Accumulate>(a, a_row, a_step, b, b_row, depth, c, c_row, row_scale);
    case 5: return tile<5, Accumulate>(a, a_row, a_step, b, b_row, depth, c, c_row, row_scale);
    case 4: return tile<4, Accumulate>(a, a_row, a_step, b, b_row, depth, c, c_row, row_scale);
    case 3: return tile<3, Accumulate>(a, a_row, a_step, b, b_row, depth, c, c_row, row_scale);
    case 2: return tile<2, Accumulate>(a, a_row, a_step, b, b_row, depth, c, c_row, row_scale);
    case 1: return tile<1, Accumulate>(a, a_row, a_step, b, b_row, depth, c, c_row, row_scale);
    default: DEPTHSTYLE_ASSERT(false);
  }
}

// The mask of lanes [0, min(count, 16)): a row's last, partial vector.
inline __mmask16 first_lanes(std::int64_t count) {
  return count >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << count) - 1u);
}

// scores[0, tokens) += table[index[0, tokens)]: one query's logit biases (LogitBias), gathered in place.
inline void add_logit_bias(float* scores, std::int64_t tokens, const float* table, const std::int32_t* index) {
  for (std::int64_t key = 0; key < tokens; key += 16) {
    const __mmask16 lanes = first_lanes(tokens - key);
    const __m512i rows = _mm512_maskz_loadu_epi32(lanes, index + key);
    const __m512 bias = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, rows, table, 4);
    _mm512_mask_storeu_ps(scores + key, lanes, _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, scores + key), bias));
  }
}

// One query's scores [0, tokens) become exp(s - their max), in place; returns 1 / their sum. The max runs in four
// independent chains (one vmaxps chain waits 4 cycles per vector: that was a fifth of the softmax's time).
inline float softmax_row(float* scores, std::int64_t tokens) {
  const __m512 lowest = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __m512 largest[4] = {lowest, lowest, lowest, lowest};
  std::int64_t key = 0;
  for (; key + 64 <= tokens; key += 64) {
    for (int chain = 0; chain < 4; ++chain) {
      largest[chain] = _mm512_max_ps(largest[chain], _mm512_loadu_ps(scores + key + 16 * chain));
    }
  }
  for (; key < tokens; key += 16) {
    const __mmask16 lanes = first_lanes(tokens - key);
    largest[0] = _mm512_mask_max_ps(largest[0], lanes, largest[0], _mm512_maskz_loadu_ps(lanes, scores + key));
  }
  const float row_max = _mm512_reduce_max_ps(
      _mm512_max_ps(_mm512_max_ps(largest[0], largest[1]), _mm512_max_ps(largest[2], largest[3])));
  const __m512 shift = _mm512_set1_ps(row_max * 1.44269504088896341f);
  __m512 sum = _mm512_setzero_ps();
  for (key = 0; key + 16 <= tokens; key += 16) {
    const __m512 probability = exp_below(_mm512_loadu_ps(scores + key), shift);
    _mm512_storeu_ps(scores + key, probability);
    sum = _mm512_add_ps(sum, probability);
  }
  if (key < tokens) {
    const __mmask16 lanes = first_lanes(tokens - key);
    const __m512 probability = exp_below(_mm512_maskz_loadu_ps(lanes, scores + key), shift);
    _mm512_mask_storeu_ps(scores + key, lanes, probability);
    sum = _mm512_mask_add_ps(sum, lanes, sum, probability);
  }
  return 1.0f / _mm512_reduce_add_ps(sum);
}

// One work item: head `head`'s outputs for queries [first, first + count), count <= 64, into out's rows.
//   queries [64][64]: the block's queries, zero past `count`
//   scores [64][padded tokens] = queries K^T, from this head's keys packed as 64 x 64 panels [key panel][channel][key]
//   (+ the logit bias), then each row's softmax, then out rows = (1 / sums) P V over V's rows in passes of
//   kKeysPerPass keys, V being this head's values packed [tokens][64].
void attend_queries(const float* qkv, const float* key_panels, const float* values, std::int64_t tokens,
                    std::int64_t channels, std::int64_t head, std::int64_t first, std::int64_t count,
                    const LogitBias* bias, float* scratch, float* out) {
  const std::int64_t panels = (tokens + kHead - 1) / kHead, padded = panels * kHead;
  float* queries = scratch;
  float* scores = queries + kQueries * kHead;
  alignas(64) float inverse_sums[kQueries];
  for (std::int64_t i = 0; i < kQueries; ++i) {
    float* row = queries + i * kHead;
    if (i < count) std::copy_n(qkv + (first + i) * 3 * channels + head * kHead, kHead, row);
    else std::fill(row, row + kHead, 0.0f);
  }
  for (std::int64_t panel = 0; panel < panels; ++panel) {
    for (std::int64_t i = 0; i < count; i += kTileRows) {
      const int rows = static_cast<int>(std::min<std::int64_t>(kTileRows, count - i));
      tile_of_rows<false>(rows, queries + i * kHead, kHead, 1, key_panels + panel * kHead * kHead, kHead, kHead,
                          scores + i * padded + panel * kHead, padded, nullptr);
    }
  }
  for (std::int64_t i = 0; i < count; ++i) {
    float* row = scores + i * padded;
    if (bias != nullptr) {
      add_logit_bias(row, tokens, bias->table.data_ptr<float>() + head * bias->table.size(1),
                     bias->index.data_ptr<std::int32_t>() + (first + i) * tokens);
    }
    inverse_sums[i] = softmax_row(row, tokens);
  }
  float* out_rows = out + first * channels + head * kHead;
  for (std::int64_t key = 0; key < tokens; key += kKeysPerPass) {
    const std::int64_t keys_now = std::min(kKeysPerPass, tokens - key);
    const bool first_pass = key == 0, last_pass = key + kKeysPerPass >= tokens;
    for (std::int64_t i = 0; i < count; i += kTileRows) {
      const int rows = static_cast<int>(std::min<std::int64_t>(kTileRows, count - i));
      (first_pass ? tile_of_rows<false> : tile_of_rows<true>)(rows, scores + i * padded + key, padded, 1,
                                                              values + key * kHead, kHead, keys_now,
                                                              out_rows + i * channels, channels,
                                                              last_pass ? inverse_sums + i : nullptr);
    }
  }
}

#pragma GCC diagnostic pop
#pragma GCC pop_options

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
  static const bool avx512 = __builtin_cpu_supports("avx512f") && onednn::has_avx512_kernels();
  const char* switch_value = std::getenv("DEPTHSTYLE_FUSED_ATTENTION");
  return avx512 && head_channels == kHead && !(switch_value && std::string_view(switch_value) == "0");
}

void fused_attention(const at::Tensor& qkv, std::int64_t heads, at::Tensor& out, const LogitBias* bias) {
  DEPTHSTYLE_ASSERT(fused_attention_available(kHead));
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
  at::parallel_for(0, heads * blocks, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> scratch(kQueries * kHead + kQueries * padded);
    for (std::int64_t item = begin; item < end; ++item) {
      const std::int64_t head = item / blocks, first = item % blocks * kQueries;
      attend_queries(source, key_data + head * padded * kHead, value_data + head * tokens * kHead, tokens, channels,
                     head, first, std::min(kQueries, tokens - first), bias, scratch.data(), out_data);
    }
  });
}

}  // namespace depthstyle
