#include "nets/vector_kernels.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr int kLanes = 8;

// exp(x) for x <= 0 (the ELU branch; larger x are not passed): Cephes' expf. x = n ln2 + r with |r| <= ln2 / 2, ln2
// split in two so that n ln2 is exact enough; exp(r) by its degree-6 polynomial; 2^n put into the exponent bits. x is
// clamped at ln(smallest normal float), where exp(x) - 1 is -1 in float32 anyway.
DEPTHSTYLE_AVX2 inline __m256 exp_nonpositive(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.33654f));
  const __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

DEPTHSTYLE_AVX2 inline __m256 elu(__m256 x) {
  const __m256 negative_branch = _mm256_sub_ps(exp_nonpositive(_mm256_min_ps(x, _mm256_setzero_ps())),
                                               _mm256_set1_ps(1.0f));
  // x itself where x > 0 or x is NaN (which ELU passes through, as ATen's does).
  return _mm256_blendv_ps(negative_branch, x, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_NLE_UQ));
}

// out[factor * i + j] = (apply_elu ? ELU : identity)(v[i]) for the 8 lanes i and j < factor.
DEPTHSTYLE_AVX2 inline void store_transformed(__m256 v, int factor, bool apply_elu, float* out) {
  if (apply_elu) v = elu(v);
  if (factor == 1) {
    _mm256_storeu_ps(out, v);
    return;
  }
  const __m256 low = _mm256_unpacklo_ps(v, v), high = _mm256_unpackhi_ps(v, v);  // [0 0 1 1 | 4 4 5 5], [2 2 3 3 | ..]
  _mm256_storeu_ps(out, _mm256_permute2f128_ps(low, high, 0x20));
  _mm256_storeu_ps(out + kLanes, _mm256_permute2f128_ps(low, high, 0x31));
}

// destination[factor * i + j] = (apply_elu ? ELU : identity)(source[i]) for i < count, j < factor.
DEPTHSTYLE_AVX2 void transform_row(const float* source, std::int64_t count, int factor, bool apply_elu,
                                   float* destination) {
  std::int64_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    store_transformed(_mm256_loadu_ps(source + i), factor, apply_elu, destination + factor * i);
  }
  if (i == count) return;
  // The last < 8 values through the same arithmetic, by way of a zero-filled vector.
  float in[kLanes] = {}, out[2 * kLanes];
  std::memcpy(in, source + i, sizeof(float) * static_cast<std::size_t>(count - i));
  store_transformed(_mm256_loadu_ps(in), factor, apply_elu, out);
  std::memcpy(destination + factor * i, out, sizeof(float) * static_cast<std::size_t>(factor * (count - i)));
}

DEPTHSTYLE_AVX2 void write_plane(const float* source, std::int64_t height, std::int64_t width, int factor,
                                 bool apply_elu, float* padded) {
  const std::int64_t out_height = factor * height, out_width = factor * width, stride = out_width + 2;
  const std::size_t row_bytes = sizeof(float) * static_cast<std::size_t>(stride);
  for (std::int64_t y = 0; y < height; ++y) {
    float* row = padded + (1 + factor * y) * stride;
    transform_row(source + y * width, width, factor, apply_elu, row + 1);
    row[0] = row[2];
    row[out_width + 1] = row[out_width - 1];
    if (factor == 2) std::memcpy(row + stride, row, row_bytes);
  }
  std::memcpy(padded, padded + 2 * stride, row_bytes);
  std::memcpy(padded + (out_height + 1) * stride, padded + (out_height - 1) * stride, row_bytes);
}

// Where single_output_conv reads: one image's C x H x W input, its zero padding and the kernel.
struct SingleOutputGeometry {
  const float* input;
  std::int64_t channels, height, width, padding;
  const float* weight;  // C x k x k
  float bias;
};

// Output (y, x) with the same arithmetic as the vector path: each channel's k x k products summed with fused
// multiply-adds (row, column order) into a partial sum, the partials added to the bias in channel order. Two levels
// keep the rounding error near (k^2 + C) ulp instead of k^2 C for one running sum (256 x 9 products: 1.7e-6 of the
// largest output against PyTorch in one running sum). Taps in the zero padding are skipped (they would add 0).
template <int kKernel>
float single_output_at(const SingleOutputGeometry& g, std::int64_t y, std::int64_t x) {
  float sum = g.bias;
  for (std::int64_t c = 0; c < g.channels; ++c) {
    float partial = 0;
    for (int ky = 0; ky < kKernel; ++ky) {
      const std::int64_t row = y - g.padding + ky;
      if (row < 0 || row >= g.height) continue;
      for (int kx = 0; kx < kKernel; ++kx) {
        const std::int64_t column = x - g.padding + kx;
        if (column < 0 || column >= g.width) continue;
        partial = std::fma(g.weight[(c * kKernel + ky) * kKernel + kx],
                           g.input[(c * g.height + row) * g.width + column], partial);
      }
    }
    sum += partial;
  }
  return sum;
}

// One output row: the columns whose taps all lie inside the input in blocks of 32 (four vectors of sums), the others
// (the padding's, and a remainder of fewer than 32) one by one.
template <int kKernel>
DEPTHSTYLE_AVX2 void single_output_row(const SingleOutputGeometry& g, std::int64_t y, float* output,
                                       std::int64_t out_width) {
  constexpr int kBlock = 4 * kLanes;
  std::int64_t x = 0;
  for (; x < std::min(g.padding, out_width); ++x) output[x] = single_output_at<kKernel>(g, y, x);
  for (; x + kBlock - 1 - g.padding + kKernel - 1 < g.width && x + kBlock <= out_width; x += kBlock) {
    __m256 sum[4];
    for (__m256& s : sum) s = _mm256_set1_ps(g.bias);
    for (std::int64_t c = 0; c < g.channels; ++c) {
      __m256 partial[4];
      for (__m256& p : partial) p = _mm256_setzero_ps();
      for (int ky = 0; ky < kKernel; ++ky) {
        const std::int64_t input_row = y - g.padding + ky;
        if (input_row < 0 || input_row >= g.height) continue;
        const float* row = g.input + (c * g.height + input_row) * g.width + x - g.padding;
        const float* taps = g.weight + (c * kKernel + ky) * kKernel;
        for (int kx = 0; kx < kKernel; ++kx) {
          const __m256 w = _mm256_broadcast_ss(taps + kx);
          for (int v = 0; v < 4; ++v) {
            partial[v] = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + kx + v * kLanes), partial[v]);
          }
        }
      }
      for (int v = 0; v < 4; ++v) sum[v] = _mm256_add_ps(sum[v], partial[v]);
    }
    for (int v = 0; v < 4; ++v) _mm256_storeu_ps(output + x + v * kLanes, sum[v]);
  }
  for (; x < out_width; ++x) output[x] = single_output_at<kKernel>(g, y, x);
}

// One axis of a bilinear resize as ATen 1.13 samples it (ATen/native/UpSample.h): for each output index o the two
// source indices (index1 = index0 + 1 but at the last source index) and their float weights.
struct LinearAxis {
  std::vector<std::int32_t> index0, index1;
  std::vector<float> weight0, weight1;
};

// area_pixel_compute_scale<float>: the ratio is a float. compute_source_index_and_lambda then places the source
// position in double (at::acc_type<float, CPU>): ratio * o with align_corners, else max(0, ratio * (o + 0.5) - 0.5),
// both products exact in double; the weights are rounded to float from there. Equal sizes copy (weights 1 and 0).
LinearAxis linear_axis(std::int64_t in_size, std::int64_t out_size, bool align_corners, c10::optional<double> scale) {
  float ratio = 0;
  if (align_corners) {
    if (out_size > 1) ratio = static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1);
  } else {
    ratio = scale.has_value() && *scale > 0 ? static_cast<float>(1.0 / *scale)
                                            : static_cast<float>(in_size) / static_cast<float>(out_size);
  }
  LinearAxis axis;
  for (std::int64_t o = 0; o < out_size; ++o) {
    std::int64_t index0 = o, index1 = o;
    float weight1 = 0;
    if (in_size != out_size) {
      double position = align_corners ? static_cast<double>(ratio) * static_cast<double>(o)
                                      : static_cast<double>(ratio) * (static_cast<double>(o) + 0.5) - 0.5;
      if (!align_corners && position < 0) position = 0;
      index0 = static_cast<std::int64_t>(position);
      index1 = index0 + (index0 < in_size - 1 ? 1 : 0);
      weight1 = static_cast<float>(position - static_cast<double>(index0));
    }
    axis.index0.push_back(static_cast<std::int32_t>(index0));
    axis.index1.push_back(static_cast<std::int32_t>(index1));
    axis.weight1.push_back(weight1);
    axis.weight0.push_back(1.0f - weight1);
  }
  return axis;
}

// The width pass of a resize, per block of 8 output columns: where all the block's samples lie in 8 consecutive
// source columns (any upsampling, ratio < 8/7 or so, but near narrow rows), one load and two permutes give them;
// elsewhere (downsampling, rows narrower than 8) two gathers. lane0/lane1 hold the sample's source column minus the
// block's window start (0 for gathered blocks: the source columns themselves).
struct ColumnPlan {
  LinearAxis axis;
  std::vector<std::int32_t> window_start;  // per full block; -1: gather
  std::vector<std::int32_t> lane0, lane1;  // per output column of the full blocks

  std::int64_t out_width() const { return static_cast<std::int64_t>(axis.index0.size()); }
};

ColumnPlan column_plan(std::int64_t in_width, std::int64_t out_width, bool align_corners,
                       c10::optional<double> scale) {
  ColumnPlan plan{linear_axis(in_width, out_width, align_corners, scale), {}, {}, {}};
  const LinearAxis& axis = plan.axis;
  for (std::int64_t block = 0; block + kLanes <= out_width; block += kLanes) {
    const auto first = axis.index0.begin() + block, last = axis.index1.begin() + block;
    const std::int32_t low = *std::min_element(first, first + kLanes);
    const std::int32_t high = *std::max_element(last, last + kLanes);
    std::int32_t start = -1;
    if (in_width >= kLanes && high - low < kLanes) start = std::min(low, static_cast<std::int32_t>(in_width - kLanes));
    plan.window_start.push_back(start);
    for (std::int64_t o = block; o < block + kLanes; ++o) {
      plan.lane0.push_back(axis.index0[o] - std::max(start, 0));
      plan.lane1.push_back(axis.index1[o] - std::max(start, 0));
    }
  }
  return plan;
}

// row[o] = fma(source[index0[o]], weight0[o], source[index1[o]] * weight1[o]) for every output column o.
DEPTHSTYLE_AVX2 void resize_row(const float* source, const ColumnPlan& plan, float* row) {
  const LinearAxis& axis = plan.axis;
  std::int64_t o = 0;
  for (std::size_t block = 0; block < plan.window_start.size(); ++block, o += kLanes) {
    const __m256i lane0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(plan.lane0.data() + o));
    const __m256i lane1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(plan.lane1.data() + o));
    __m256 near, far;
    if (plan.window_start[block] >= 0) {
      const __m256 window = _mm256_loadu_ps(source + plan.window_start[block]);
      near = _mm256_permutevar8x32_ps(window, lane0);
      far = _mm256_permutevar8x32_ps(window, lane1);
    } else {
      near = _mm256_i32gather_ps(source, lane0, sizeof(float));
      far = _mm256_i32gather_ps(source, lane1, sizeof(float));
    }
    const __m256 far_part = _mm256_mul_ps(far, _mm256_loadu_ps(axis.weight1.data() + o));
    _mm256_storeu_ps(row + o, _mm256_fmadd_ps(near, _mm256_loadu_ps(axis.weight0.data() + o), far_part));
  }
  // std::fma and a separate product: nothing left for the compiler to contract.
  for (; o < plan.out_width(); ++o) {
    row[o] = std::fma(source[axis.index0[o]], axis.weight0[o], source[axis.index1[o]] * axis.weight1[o]);
  }
}

// out[o] = fma(top[o], top_weight, bottom[o] * bottom_weight) for o < width.
DEPTHSTYLE_AVX2 void blend_rows(const float* top, float top_weight, const float* bottom, float bottom_weight,
                                std::int64_t width, float* out) {
  const __m256 top_weights = _mm256_set1_ps(top_weight), bottom_weights = _mm256_set1_ps(bottom_weight);
  std::int64_t o = 0;
  for (; o + kLanes <= width; o += kLanes) {
    const __m256 bottom_part = _mm256_mul_ps(_mm256_loadu_ps(bottom + o), bottom_weights);
    _mm256_storeu_ps(out + o, _mm256_fmadd_ps(_mm256_loadu_ps(top + o), top_weights, bottom_part));
  }
  for (; o < width; ++o) out[o] = std::fma(top[o], top_weight, bottom[o] * bottom_weight);
}

// What one thread of bilinear_resize needs: planes (N x C) of in_height x in_width floats in, out_height x
// plan.out_width() out, both contiguous.
struct ResizeGeometry {
  const float* input;
  float* output;
  std::int64_t in_height, in_width, out_height;
  const LinearAxis& rows;
  const ColumnPlan& columns;
};

// Output rows [begin, end) counted over all planes (plane * out_height + y). Each source row's width pass is kept in
// one of two buffers while consecutive output rows of the plane use it (an x2 upsample makes each one twice).
DEPTHSTYLE_AVX2 void resize_rows(const ResizeGeometry& g, std::int64_t begin, std::int64_t end) {
  const std::int64_t out_width = g.columns.out_width();
  std::vector<float> buffers(static_cast<std::size_t>(2 * out_width));
  std::int64_t held[2] = {-1, -1};  // plane * in_height + source row held by each buffer
  const auto slot_of = [&](std::int64_t source_row, std::int64_t keep) {
    int slot = held[0] == source_row ? 0 : held[1] == source_row ? 1 : -1;
    if (slot < 0) {
      slot = held[0] == keep ? 1 : 0;
      held[slot] = source_row;
      resize_row(g.input + source_row * g.in_width, g.columns, buffers.data() + slot * out_width);
    }
    return buffers.data() + slot * out_width;
  };
  for (std::int64_t row = begin; row < end; ++row) {
    const std::int64_t plane = row / g.out_height, y = row % g.out_height;
    const std::int64_t top = plane * g.in_height + g.rows.index0[y];
    const std::int64_t bottom = plane * g.in_height + g.rows.index1[y];
    const float* top_row = slot_of(top, bottom);
    const float* bottom_row = slot_of(bottom, top);
    blend_rows(top_row, g.rows.weight0[y], bottom_row, g.rows.weight1[y], out_width, g.output + row * out_width);
  }
}

}  // namespace

bool cpu_has_avx2_fma() {
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported;
}

void write_reflection_padded_plane(const float* source, std::int64_t height, std::int64_t width, int factor,
                                   bool apply_elu, float* padded) {
  DEPTHSTYLE_ASSERT(cpu_has_avx2_fma() && (factor == 1 || factor == 2));
  DEPTHSTYLE_ASSERT(factor * height >= 2 && factor * width >= 2);
  write_plane(source, height, width, factor, apply_elu, padded);
}

at::Tensor single_output_conv(const at::Tensor& input, const float* weight, float bias, std::int64_t kernel_size,
                              std::int64_t padding) {
  DEPTHSTYLE_ASSERT(cpu_has_avx2_fma() && (kernel_size == 1 || kernel_size == 3) && padding >= 0 &&
                    padding < kernel_size);
  DEPTHSTYLE_ASSERT(input.dim() == 4 && input.scalar_type() == at::kFloat && input.is_contiguous());
  const std::int64_t batch = input.size(0), channels = input.size(1);
  const std::int64_t height = input.size(2), width = input.size(3);
  const std::int64_t out_height = height + 2 * padding - kernel_size + 1;
  const std::int64_t out_width = width + 2 * padding - kernel_size + 1;
  DEPTHSTYLE_ASSERT(out_height >= 1 && out_width >= 1);
  at::Tensor output = at::empty({batch, 1, out_height, out_width}, input.options());
  const float* in = input.data_ptr<float>();
  float* out = output.data_ptr<float>();
  at::parallel_for(0, batch * out_height, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t image = row / out_height, y = row % out_height;
      const SingleOutputGeometry geometry{in + image * channels * height * width, channels, height, width, padding,
                                          weight, bias};
      if (kernel_size == 3) {
        single_output_row<3>(geometry, y, out + row * out_width, out_width);
      } else {
        single_output_row<1>(geometry, y, out + row * out_width, out_width);
      }
    }
  });
  return output;
}

bool bilinear_resize_is_native(const at::Tensor& input, std::int64_t out_height, std::int64_t out_width) {
  // The fma contraction reproduced is that of ATen's AVX2 kernels; its DEFAULT build (ATEN_CPU_CAPABILITY=default, or
  // a CPU without AVX2) rounds both products, so there it is ATen's kernel or a different result. LibTorch 1.13
  // exports the capability it dispatches to only in its build summary ("CPU capability usage: AVX2", "AVX512" or, for
  // DEFAULT, "NO AVX").
  static const bool aten_runs_avx2_kernels = [] {
    const std::string config = at::show_config();
    return config.find("CPU capability usage: AVX2") != std::string::npos ||
           config.find("CPU capability usage: AVX512") != std::string::npos;
  }();
  return cpu_has_avx2_fma() && aten_runs_avx2_kernels && !input.requires_grad() && input.device().is_cpu() &&
         input.layout() == at::kStrided && input.dim() == 4 && input.scalar_type() == at::kFloat &&
         input.is_contiguous() && input.numel() > 0 && out_height >= 1 && out_width >= 1 &&
         input.size(3) <= std::numeric_limits<std::int32_t>::max() &&
         input.size(2) <= std::numeric_limits<std::int32_t>::max();
}

at::Tensor bilinear_resize(const at::Tensor& input, std::int64_t out_height, std::int64_t out_width,
                           bool align_corners, c10::optional<double> scale_h, c10::optional<double> scale_w) {
  if (!bilinear_resize_is_native(input, out_height, out_width)) {
    return at::upsample_bilinear2d(input, {out_height, out_width}, align_corners, scale_h, scale_w);
  }
  const std::int64_t planes = input.size(0) * input.size(1), in_height = input.size(2), in_width = input.size(3);
  const LinearAxis rows = linear_axis(in_height, out_height, align_corners, scale_h);
  const ColumnPlan columns = column_plan(in_width, out_width, align_corners, scale_w);
  at::Tensor output = at::empty({input.size(0), input.size(1), out_height, out_width}, input.options());
  const ResizeGeometry geometry{input.data_ptr<float>(), output.data_ptr<float>(), in_height, in_width, out_height,
                                rows, columns};
  // ATen's grain (32768 elements) in output rows: small maps stay on one thread.
  const std::int64_t grain = std::max<std::int64_t>(1, at::internal::GRAIN_SIZE / out_width);
  at::parallel_for(0, planes * out_height, grain,
                   [&](std::int64_t begin, std::int64_t end) { resize_rows(geometry, begin, end); });
  return output;
}

}  // namespace depthstyle
