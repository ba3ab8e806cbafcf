#include "nets/winograd_conv.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <immintrin.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "nets/vector_kernels.h"

namespace depthstyle {
namespace {

// F(4x4, 3x3) with the interpolation points 0, 1, -1, 1/2, -2 and infinity: with these instead of Lavin & Gray's
// 0, 1, -1, 2, -2 the largest error on VGG's layer shapes is ~3x smaller (3.5e-6 vs 1.2e-5 of the largest output
// value; Barabasz et al., "Error analysis and improving the accuracy of Winograd convolution", 2020):
//
//   B^T = [ 1 -3/2  -2  3/2   1   0 ]   G = [    1      0      0  ]   A^T = [ 1  1  1   1    1  0 ]
//         [ 0  -2    1    5   2   0 ]       [  1/6    1/6    1/6  ]         [ 0  1 -1  1/2  -2  0 ]
//         [ 0  -2    5   -1  -2   0 ]       [  1/6   -1/6    1/6  ]         [ 0  1  1  1/4   4  0 ]
//         [ 0   2    1   -2  -1   0 ]       [ 16/15  8/15   4/15  ]         [ 0  1 -1  1/8  -8  1 ]
//         [ 0   1   -2   -1   2   0 ]       [ 1/30  -1/15   2/15  ]
//         [ 0   1  -3/2  -2  3/2  1 ]       [    0      0      1  ]
//
// B^T and A^T have entries exact in float32; they are written out as sums below. G is applied once per weight, in
// double.
constexpr int kTile = 4;        // output rows and columns per tile
constexpr int kInputTile = 6;   // input rows and columns a tile reads
constexpr int kPositions = 36;  // transform-domain values per tile and channel
constexpr int kGroup = 8;       // tiles side by side in one AVX2 vector
constexpr double kG[kInputTile][3] = {{1, 0, 0},
                                       {1.0 / 6, 1.0 / 6, 1.0 / 6},
                                       {1.0 / 6, -1.0 / 6, 1.0 / 6},
                                       {16.0 / 15, 8.0 / 15, 4.0 / 15},
                                       {1.0 / 30, -1.0 / 15, 2.0 / 15},
                                       {0, 0, 1}};

// A group is kGroup horizontally adjacent tiles of one tile row: 32 output columns from 36 input columns. In the
// transform domain its 8 tiles are the 8 lanes of a vector, in the order the in-register (de)interleaving below
// produces: [t0 t4 t2 t6 | t1 t5 t3 t7]. The order only has to be the same on the way in and out.

// d[j] = row[4 t + j] for the group's 8 tiles t and j = 0..5: two 4-way deinterleaves of 32 floats (the second
// shifted by one tile for j = 4, 5), by unpacking within 128-bit lanes only.
DEPTHSTYLE_AVX2 inline void load_input_row(const float* row, __m256 d[kInputTile]) {
  const __m256 a0 = _mm256_loadu_ps(row), a1 = _mm256_loadu_ps(row + 8);
  const __m256 a2 = _mm256_loadu_ps(row + 16), a3 = _mm256_loadu_ps(row + 24);
  const __m256 b0 = _mm256_unpacklo_ps(a0, a1), b1 = _mm256_unpackhi_ps(a0, a1);
  const __m256 b2 = _mm256_unpacklo_ps(a2, a3), b3 = _mm256_unpackhi_ps(a2, a3);
  d[0] = _mm256_unpacklo_ps(b0, b2);
  d[1] = _mm256_unpackhi_ps(b0, b2);
  d[2] = _mm256_unpacklo_ps(b1, b3);
  d[3] = _mm256_unpackhi_ps(b1, b3);
  const __m256 s0 = _mm256_loadu_ps(row + 4), s1 = _mm256_loadu_ps(row + 12);
  const __m256 s2 = _mm256_loadu_ps(row + 20), s3 = _mm256_loadu_ps(row + 28);
  const __m256 c0 = _mm256_unpacklo_ps(s0, s1), c2 = _mm256_unpacklo_ps(s2, s3);
  d[4] = _mm256_unpacklo_ps(c0, c2);
  d[5] = _mm256_unpackhi_ps(c0, c2);
}

// The inverse of load_input_row's ordering for 4 values per tile: row[4 t + j] = y[j] for the 8 tiles t.
DEPTHSTYLE_AVX2 inline void store_output_row(const __m256 y[kTile], float* row) {
  const __m256 b0 = _mm256_unpacklo_ps(y[0], y[2]), b1 = _mm256_unpackhi_ps(y[0], y[2]);
  const __m256 b2 = _mm256_unpacklo_ps(y[1], y[3]), b3 = _mm256_unpackhi_ps(y[1], y[3]);
  _mm256_storeu_ps(row, _mm256_unpacklo_ps(b0, b2));
  _mm256_storeu_ps(row + 16, _mm256_unpackhi_ps(b0, b2));
  _mm256_storeu_ps(row + 8, _mm256_unpacklo_ps(b1, b3));
  _mm256_storeu_ps(row + 24, _mm256_unpackhi_ps(b1, b3));
}

// out = B^T x (6 values).
DEPTHSTYLE_AVX2 inline void apply_bt(const __m256 x[kInputTile], __m256 out[kInputTile]) {
  const __m256 two = _mm256_set1_ps(2), five = _mm256_set1_ps(5), three_halves = _mm256_set1_ps(1.5f);
  const __m256 a = _mm256_sub_ps(x[1], x[3]), b = _mm256_sub_ps(x[4], x[2]);
  out[0] = _mm256_fnmadd_ps(three_halves, a, _mm256_fnmadd_ps(two, x[2], _mm256_add_ps(x[0], x[4])));
  out[1] = _mm256_fmadd_ps(two, _mm256_sub_ps(x[4], x[1]), _mm256_fmadd_ps(five, x[3], x[2]));
  out[2] = _mm256_fnmadd_ps(two, _mm256_add_ps(x[1], x[4]), _mm256_fmsub_ps(five, x[2], x[3]));
  out[3] = _mm256_fmsub_ps(two, a, b);
  out[4] = _mm256_fmadd_ps(two, b, a);
  out[5] = _mm256_fmadd_ps(three_halves, b, _mm256_fnmadd_ps(two, x[3], _mm256_add_ps(x[1], x[5])));
}

// out = A^T x (6 values -> 4).
DEPTHSTYLE_AVX2 inline void apply_at(const __m256 x[kInputTile], __m256 out[kTile]) {
  const __m256 sum12 = _mm256_add_ps(x[1], x[2]), difference12 = _mm256_sub_ps(x[1], x[2]);
  out[0] = _mm256_add_ps(_mm256_add_ps(x[0], sum12), _mm256_add_ps(x[3], x[4]));
  out[1] = _mm256_fmadd_ps(_mm256_set1_ps(0.5f), x[3], _mm256_fnmadd_ps(_mm256_set1_ps(2), x[4], difference12));
  out[2] = _mm256_fmadd_ps(_mm256_set1_ps(0.25f), x[3], _mm256_fmadd_ps(_mm256_set1_ps(4), x[4], sum12));
  out[3] = _mm256_add_ps(
      _mm256_fmadd_ps(_mm256_set1_ps(0.125f), x[3], _mm256_fnmadd_ps(_mm256_set1_ps(8), x[4], difference12)), x[5]);
}

// V = B^T d B of one channel of a group; rows[i] points at the group's first input column in input row i.
// Position p = 6 a + b goes to v[p * position_stride], 8 floats.
DEPTHSTYLE_AVX2 void transform_input_group(const float* const rows[kInputTile], float* v,
                                            std::ptrdiff_t position_stride) {
  __m256 rows_transformed[kInputTile][kInputTile];  // [i][b] = (d B)[i][b]
  for (int i = 0; i < kInputTile; ++i) {
    __m256 d[kInputTile];
    load_input_row(rows[i], d);
    apply_bt(d, rows_transformed[i]);
  }
  for (int b = 0; b < kInputTile; ++b) {
    __m256 column[kInputTile], out[kInputTile];
    for (int i = 0; i < kInputTile; ++i) column[i] = rows_transformed[i][b];
    apply_bt(column, out);
    for (int a = 0; a < kInputTile; ++a) _mm256_storeu_ps(v + (kInputTile * a + b) * position_stride, out[a]);
  }
}

// Y = A^T M A + bias of one output channel of a group; rows[i] receives output row i's 32 values.
DEPTHSTYLE_AVX2 void transform_output_group(const float* m, std::ptrdiff_t position_stride, float bias,
                                             float* const rows[kTile]) {
  __m256 columns_transformed[kTile][kInputTile];  // [i][b] = (A^T M)[i][b]
  for (int b = 0; b < kInputTile; ++b) {
    __m256 column[kInputTile], out[kTile];
    for (int a = 0; a < kInputTile; ++a) column[a] = _mm256_loadu_ps(m + (kInputTile * a + b) * position_stride);
    apply_at(column, out);
    for (int i = 0; i < kTile; ++i) columns_transformed[i][b] = out[i];
  }
  const __m256 bias_vector = _mm256_set1_ps(bias);
  for (int i = 0; i < kTile; ++i) {
    __m256 y[kTile];
    apply_at(columns_transformed[i], y);
    for (int j = 0; j < kTile; ++j) y[j] = _mm256_add_ps(y[j], bias_vector);
    store_output_row(y, rows[i]);
  }
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Where the groups are: for each image of the batch, tile rows of groups.
struct Geometry {
  std::int64_t batch, in_channels, out_channels;
  std::int64_t in_height, in_width, height, width;
  std::int64_t padding;  // zeros on every side, read as such (never copied into a padded tensor)
  std::int64_t tile_rows, groups_per_row;
  std::int64_t groups() const { return batch * tile_rows * groups_per_row; }
};

// This thread's scratch memory for a block's transformed input and products, at least `floats` long, kept between
// calls: a zero-filled vector per call cost a memset of up to 2 MiB per block (1.3% of monodepth2's forward pass).
float* thread_scratch(std::size_t floats) {
  thread_local std::unique_ptr<float[]> scratch;
  thread_local std::size_t capacity = 0;
  if (capacity < floats) {
    scratch.reset(new float[floats]);  // uninitialised: the transforms and products write every value they read
    capacity = floats;
  }
  return scratch.get();
}

// Groups per block: enough tiles that each of the 36 matrix products is efficient and the transformed weights are
// reused, few enough that the block's transformed input and output stay in cache; and a multiple of the thread count
// of blocks of equal size, so that the threads finish together.
std::int64_t groups_per_block(const Geometry& geometry) {
  static const std::int64_t budget_bytes = [] {
    const char* value = std::getenv("DEPTHSTYLE_WINOGRAD_BLOCK_KIB");
    return (value ? std::atoll(value) : 2048) * 1024;
  }();
  const std::int64_t group_bytes =
      kPositions * kGroup * (geometry.in_channels + geometry.out_channels) * static_cast<std::int64_t>(sizeof(float));
  const std::int64_t threads = at::get_num_threads();
  const std::int64_t fitting_groups = std::max<std::int64_t>(1, budget_bytes / group_bytes);
  const std::int64_t blocks = threads * ceil_div(ceil_div(geometry.groups(), fitting_groups), threads);
  return ceil_div(geometry.groups(), blocks);
}

class BlockRunner {
 public:
  BlockRunner(const Geometry& geometry, const at::Tensor& input, const float* weight, const float* bias,
              float* output, std::int64_t block_groups)
      : g_(geometry), weight_(weight), bias_(bias), output_(output), block_groups_(block_groups),
        input_(input.data_ptr<float>()), batch_stride_(input.stride(0)), channel_stride_(input.stride(1)),
        row_stride_(input.stride(2)),
        v_(thread_scratch(static_cast<std::size_t>(kPositions * (g_.in_channels + g_.out_channels) * kGroup *
                                                   block_groups))),
        m_(v_ + kPositions * g_.in_channels * kGroup * block_groups) {}

  void run(std::int64_t first_group, std::int64_t group_count) {
    const std::int64_t columns = kGroup * group_count;
    for (std::int64_t group = 0; group < group_count; ++group) transform_input(first_group + group, group, columns);
    for (int position = 0; position < kPositions; ++position) {
      const dnnl_status_t status = dnnl_sgemm(
          'N', 'N', g_.out_channels, columns, g_.in_channels, 1.0f,
          weight_ + position * g_.out_channels * g_.in_channels, g_.in_channels,
          v_ + position * g_.in_channels * columns, columns, 0.0f,
          m_ + position * g_.out_channels * columns, columns);
      DEPTHSTYLE_ASSERT(status == dnnl_success);
    }
    for (std::int64_t group = 0; group < group_count; ++group) transform_output(first_group + group, group, columns);
  }

 private:
  struct GroupPlace {
    std::int64_t image, tile_row, group_column;
  };
  GroupPlace place(std::int64_t group) const {
    const std::int64_t per_image = g_.tile_rows * g_.groups_per_row;
    return {group / per_image, (group % per_image) / g_.groups_per_row, group % g_.groups_per_row};
  }

  void transform_input(std::int64_t group, std::int64_t slot, std::int64_t columns) {
    const GroupPlace at = place(group);
    // The group's first input row and column, in the unpadded input (negative inside the zero padding).
    const std::int64_t y0 = kTile * at.tile_row - g_.padding, x0 = kTile * kGroup * at.group_column - g_.padding;
    const std::int64_t span = kTile * kGroup + 4;  // the tiles read 34 columns, the loads cover 36
    const bool inside = y0 >= 0 && x0 >= 0 && y0 + kInputTile <= g_.in_height && x0 + span <= g_.in_width;
    const float* image = input_ + at.image * batch_stride_;
    float* v = v_ + kGroup * slot;
    const std::ptrdiff_t position_stride = g_.in_channels * columns;
    // Beyond the input (the padding, or past the last row or column): zeros. Past the end they only reach outputs
    // beyond the output (discarded).
    const std::int64_t first_column = std::max<std::int64_t>(0, x0);
    const std::int64_t end_column = std::min(g_.in_width, x0 + span);
    for (std::int64_t channel = 0; channel < g_.in_channels; ++channel) {
      const float* plane = image + channel * channel_stride_;
      const float* rows[kInputTile];
      if (inside) {
        for (int i = 0; i < kInputTile; ++i) rows[i] = plane + (y0 + i) * row_stride_ + x0;
      } else {
        std::fill(std::begin(edge_), std::end(edge_), 0.0f);
        for (int i = 0; i < kInputTile; ++i) {
          rows[i] = edge_ + i * kEdgeWidth;
          if (y0 + i < 0 || y0 + i >= g_.in_height || end_column <= first_column) continue;
          std::memcpy(edge_ + i * kEdgeWidth + (first_column - x0), plane + (y0 + i) * row_stride_ + first_column,
                      sizeof(float) * static_cast<std::size_t>(end_column - first_column));
        }
      }
      transform_input_group(rows, v + channel * columns, position_stride);
    }
  }

  void transform_output(std::int64_t group, std::int64_t slot, std::int64_t columns) {
    const GroupPlace at = place(group);
    const std::int64_t y0 = kTile * at.tile_row, x0 = kTile * kGroup * at.group_column;
    const bool inside = y0 + kTile <= g_.height && x0 + kTile * kGroup <= g_.width;
    const std::int64_t valid_rows = std::min<std::int64_t>(kTile, g_.height - y0);
    const std::int64_t valid_columns = std::min<std::int64_t>(kTile * kGroup, g_.width - x0);
    const float* m = m_ + kGroup * slot;
    const std::ptrdiff_t position_stride = g_.out_channels * columns;
    const std::int64_t plane_size = g_.height * g_.width;
    float* image = output_ + at.image * g_.out_channels * plane_size;
    for (std::int64_t channel = 0; channel < g_.out_channels; ++channel) {
      float* plane = image + channel * plane_size + y0 * g_.width + x0;
      float* rows[kTile];
      for (int i = 0; i < kTile; ++i) rows[i] = inside ? plane + i * g_.width : edge_ + i * kEdgeWidth;
      transform_output_group(m + channel * columns, position_stride, bias_[channel], rows);
      if (!inside) {
        for (std::int64_t i = 0; i < valid_rows; ++i) {
          std::memcpy(plane + i * g_.width, edge_ + i * kEdgeWidth,
                      sizeof(float) * static_cast<std::size_t>(valid_columns));
        }
      }
    }
  }

  static constexpr int kEdgeWidth = kTile * kGroup + 8;  // 40 >= the 36 columns a group's loads touch
  const Geometry& g_;
  const float* weight_;
  const float* bias_;
  float* output_;
  std::int64_t block_groups_;
  const float* input_;
  std::int64_t batch_stride_, channel_stride_, row_stride_;
  float* v_;  // [36][in][columns]: the block's transformed input (thread_scratch)
  float* m_;  // [36][out][columns]: its products with the transformed weights
  float edge_[kInputTile * kEdgeWidth] = {};
};

}  // namespace

bool WinogradConv3x3::available() {
  const char* switch_value = std::getenv("DEPTHSTYLE_WINOGRAD");
  return cpu_has_avx2_fma() && !(switch_value && std::string_view(switch_value) == "0");
}

WinogradConv3x3::WinogradConv3x3(const at::Tensor& weight, const at::Tensor& bias)
    : in_channels_(weight.size(1)), out_channels_(weight.size(0)) {
  DEPTHSTYLE_ASSERT(weight.dim() == 4 && weight.size(2) == 3 && weight.size(3) == 3);
  DEPTHSTYLE_ASSERT(bias.dim() == 1 && bias.size(0) == out_channels_);
  const at::Tensor g = weight.to(at::kDouble).contiguous();
  const double* g_data = g.data_ptr<double>();
  transformed_weight_ = at::empty({kPositions, out_channels_, in_channels_}, at::kFloat);
  float* u = transformed_weight_.data_ptr<float>();
  const std::int64_t pair_count = out_channels_ * in_channels_;
  for (std::int64_t pair = 0; pair < pair_count; ++pair) {
    const double* kernel = g_data + 9 * pair;
    double left[kInputTile][3];  // G g
    for (int a = 0; a < kInputTile; ++a) {
      for (int s = 0; s < 3; ++s) {
        left[a][s] = kG[a][0] * kernel[s] + kG[a][1] * kernel[3 + s] + kG[a][2] * kernel[6 + s];
      }
    }
    for (int a = 0; a < kInputTile; ++a) {
      for (int b = 0; b < kInputTile; ++b) {
        const double value = left[a][0] * kG[b][0] + left[a][1] * kG[b][1] + left[a][2] * kG[b][2];
        u[(kInputTile * a + b) * pair_count + pair] = static_cast<float>(value);
      }
    }
  }
  bias_ = bias.to(at::kFloat).contiguous();
}

at::Tensor WinogradConv3x3::forward(const at::Tensor& input, std::int64_t padding) const {
  DEPTHSTYLE_ASSERT(cpu_has_avx2_fma());
  DEPTHSTYLE_ASSERT(input.dim() == 4 && input.scalar_type() == at::kFloat && input.size(1) == in_channels_);
  DEPTHSTYLE_ASSERT(padding >= 0 && padding <= 2);
  DEPTHSTYLE_ASSERT(input.stride(3) == 1 && input.size(2) + 2 * padding >= 3 && input.size(3) + 2 * padding >= 3);
  Geometry geometry{input.size(0),
                    in_channels_,
                    out_channels_,
                    input.size(2),
                    input.size(3),
                    input.size(2) + 2 * padding - 2,
                    input.size(3) + 2 * padding - 2,
                    padding,
                    0,
                    0};
  geometry.tile_rows = ceil_div(geometry.height, kTile);
  geometry.groups_per_row = ceil_div(ceil_div(geometry.width, kTile), kGroup);
  at::Tensor output = at::empty({geometry.batch, out_channels_, geometry.height, geometry.width},
                                input.options().memory_format(at::MemoryFormat::Contiguous));
  const std::int64_t block_groups = groups_per_block(geometry);
  const std::int64_t blocks = ceil_div(geometry.groups(), block_groups);
  const float* weight = transformed_weight_.data_ptr<float>();
  const float* bias = bias_.data_ptr<float>();
  float* output_data = output.data_ptr<float>();
  at::parallel_for(0, blocks, 1, [&](std::int64_t begin, std::int64_t end) {
    // Inside the parallel region, oneDNN's sgemm would open a nested OpenMP region per call (measured 5-15x slower
    // with 2 threads); this task's setting ends with the region. Outside one (a single thread), nothing changes.
    if (omp_in_parallel()) omp_set_num_threads(1);
    BlockRunner runner(geometry, input, weight, bias, output_data, block_groups);
    for (std::int64_t block = begin; block < end; ++block) {
      const std::int64_t first = block * block_groups;
      runner.run(first, std::min(block_groups, geometry.groups() - first));
    }
  });
  return output;
}

}  // namespace depthstyle
