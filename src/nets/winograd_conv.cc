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
constexpr int kMaxLanes = 16;   // tiles side by side in one vector: 8 (AVX2) or 16 (AVX-512)
constexpr double kG[kInputTile][3] = {{1, 0, 0},
                                       {1.0 / 6, 1.0 / 6, 1.0 / 6},
                                       {1.0 / 6, -1.0 / 6, 1.0 / 6},
                                       {16.0 / 15, 8.0 / 15, 4.0 / 15},
                                       {1.0 / 30, -1.0 / 15, 2.0 / 15},
                                       {0, 0, 1}};

// The transforms at two vector widths (winograd_transforms.inc): 8 tiles per group with AVX2, 16 with AVX-512,
// which halves the transforms' instructions (7.5% of MiDaS v2's pass with 8). Each namespace is compiled for its own
// instruction set only; the code around them calls the one the CPU runs (WinogradConv3x3::forward).
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#include "nets/simd_avx2.inc"
#include "nets/winograd_transforms.inc"
}  // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
// GCC 12's _mm512_unpack{lo,hi}_ps pass _mm512_undefined_ps() as their unused mask source, which -Wuninitialized
// (or -Wmaybe-uninitialized, depending on how they are inlined) reports at every use (GCC bug 105593, fixed in
// GCC 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
namespace avx512 {
#include "nets/simd_avx512.inc"
#include "nets/winograd_transforms.inc"
}  // namespace avx512
#pragma GCC diagnostic pop
#pragma GCC pop_options

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Where the groups are: for each image of the batch, tile rows of groups. Every group of a tile row has `lanes`
// tiles (8 or 16) except perhaps the last, which has `last_lanes`: with 16 lanes a row whose last 1-8 tiles would
// leave a 16-tile group mostly empty ends with an 8-tile group, so no row has more padded columns in the matrix
// products than with 8 lanes throughout.
struct Geometry {
  std::int64_t batch, in_channels, out_channels;
  std::int64_t in_height, in_width, height, width;
  std::int64_t padding;  // zeros on every side, read as such (never copied into a padded tensor)
  std::int64_t lanes, last_lanes;
  std::int64_t tile_rows, groups_per_row;
  bool register_tiles;  // the transform-domain products by register tiles, not sgemm (uses_register_tiles)
  bool wide_products;   // those tiles with AVX-512 (uses_avx512)
  std::int64_t groups() const { return batch * tile_rows * groups_per_row; }
  std::int64_t lanes_of(std::int64_t group_column) const {
    return group_column + 1 == groups_per_row ? last_lanes : lanes;
  }
};

// The groups of each tile row of an output `width` wide, at `lanes` tiles per group (see Geometry).
void place_groups(Geometry& geometry, std::int64_t lanes) {
  const std::int64_t tiles = ceil_div(geometry.width, kTile);
  const std::int64_t remainder = tiles % lanes;
  geometry.lanes = lanes;
  geometry.groups_per_row = ceil_div(tiles, lanes);
  geometry.last_lanes = remainder == 0 || remainder > avx2::kLanes ? lanes : avx2::kLanes;
}

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

// Tiles (matrix columns) per block: as many as half the cache budget holds of the block's transformed input and
// products, so that they stay in the core's L2 beside the input rows, output rows and weights streaming through; as
// many as the whole budget holds where half holds fewer than 32 columns. Every block reads the 36 transformed weight
// matrices again, and multiplies each weight with one column per tile: below 32 columns (above ~330 channels in and
// out together with the 2 MiB budget) the products wait on the weights, so such blocks take 64 columns and let their
// data spill from the cache. Measured with 2 threads, one conv alone (ms):
// - budget columns -> 64: 256 -> 256 at 96x96 11.3 -> 9.2, 512 -> 512 at 64x64 36.4-39.6 -> 15.6, 512 -> 256 at
//   64x64 10.4 -> 8.1; forcing 64 where the budget holds 32-56 columns was slower (256 -> 128 at 128x128
//   9.0 -> 10.3, 128 -> 128 at 256x256 18.1-18.9 -> 19.7);
// - whole budget -> half the budget, where half holds 32 columns or more (2026-12-06, medians of 30): 32 -> 32 at
//   518x518 14.6-15.4 -> 10.5-11.4, 128 -> 32 at 384x384 20.1-20.8 -> 16.8-18.0, 96 -> 32 at 320x96 3.3-3.4 ->
//   2.5-2.6, 64 -> 64 at 512x512 29.3-30.1 -> 26.3-26.8, 64 -> 64 at 148x148 2.5-2.6 -> 2.4; a quarter of the budget
//   was no faster than half. Where half holds fewer than 32 columns, taking 64 instead was slower (256 -> 128 at
//   192x192 21.0 -> 24.5).
std::int64_t block_columns(std::int64_t in_channels, std::int64_t out_channels) {
  static const std::int64_t budget_bytes = [] {
    const char* value = std::getenv("DEPTHSTYLE_WINOGRAD_BLOCK_KIB");
    return (value ? std::atoll(value) : 2048) * 1024;
  }();
  constexpr std::int64_t kFewestEfficientColumns = 32, kColumnsBeyondTheBudget = 64;
  const std::int64_t column_bytes =
      kPositions * (in_channels + out_channels) * static_cast<std::int64_t>(sizeof(float));
  const std::int64_t in_half = budget_bytes / 2 / column_bytes;
  if (in_half >= kFewestEfficientColumns) return in_half;
  const std::int64_t in_whole = budget_bytes / column_bytes;
  return in_whole >= kFewestEfficientColumns ? in_whole : kColumnsBeyondTheBudget;
}

// 16 tiles per group only where a block holds at least two such groups: with one, rounding the block to whole groups
// multiplies the blocks, and each reads all 36 transformed weight matrices again (256 -> 256 channels at 96x96 with
// 28-column blocks: 11.7 ms with 8 tiles per group, 15.4 ms with 16; 128 -> 32 at 384x384: 26.6 against 19.4 ms).
std::int64_t lanes_for(std::int64_t in_channels, std::int64_t out_channels) {
  const bool wide = WinogradConv3x3::uses_avx512() && block_columns(in_channels, out_channels) >= 2 * avx512::kLanes;
  return wide ? avx512::kLanes : avx2::kLanes;
}

// Groups per block: as many as block_columns allows (at least one), and a multiple of the thread count of blocks of equal
// size, so that the threads finish together.
std::int64_t groups_per_block(const Geometry& geometry) {
  const std::int64_t threads = at::get_num_threads();
  const std::int64_t fitting_groups =
      std::max<std::int64_t>(1, block_columns(geometry.in_channels, geometry.out_channels) / geometry.lanes);
  const std::int64_t blocks = threads * ceil_div(ceil_div(geometry.groups(), fitting_groups), threads);
  return ceil_div(geometry.groups(), blocks);
}

class BlockRunner {
 public:
  // `residual`: the values added to the output (its layout), null: none; the ReLUs as FusedOps asks.
  BlockRunner(const Geometry& geometry, const at::Tensor& input, const float* weight, const float* bias,
              float* output, const float* residual, bool relu_input, bool relu_output, std::int64_t block_groups)
      : g_(geometry), weight_(weight), bias_(bias), output_(output), residual_(residual), relu_input_(relu_input),
        relu_output_(relu_output), block_groups_(block_groups),
        input_(input.data_ptr<float>()), batch_stride_(input.stride(0)), channel_stride_(input.stride(1)),
        row_stride_(input.stride(2)),
        v_(thread_scratch(static_cast<std::size_t>(kPositions * (g_.in_channels + g_.out_channels) * g_.lanes *
                                                   block_groups))),
        m_(v_ + kPositions * g_.in_channels * g_.lanes * block_groups) {}

  void run(std::int64_t first_group, std::int64_t group_count) {
    // Each group's first column in the block's matrices, and their count.
    std::int64_t columns = 0;
    first_columns_.clear();
    for (std::int64_t group = first_group; group < first_group + group_count; ++group) {
      first_columns_.push_back(columns);
      columns += g_.lanes_of(place(group).group_column);
    }
    for (std::int64_t group = 0; group < group_count; ++group) {
      transform_input(first_group + group, first_columns_[group], columns);
    }
    for (int position = 0; position < kPositions; ++position) {
      const float* u = weight_ + position * g_.out_channels * g_.in_channels;
      const float* v = v_ + position * g_.in_channels * columns;
      float* m = m_ + position * g_.out_channels * columns;
      if (g_.register_tiles) {
        // AVX-512's tiles over whole vectors of 16 columns, AVX2's over the last 8 (a block of 8-tile groups).
        const std::int64_t wide_end = g_.wide_products ? columns - columns % avx512::kLanes : 0;
        if (wide_end > 0) avx512::multiply_transformed(u, v, m, g_.out_channels, g_.in_channels, columns, 0, wide_end);
        if (wide_end < columns) {
          avx2::multiply_transformed(u, v, m, g_.out_channels, g_.in_channels, columns, wide_end, columns);
        }
      } else {
        const dnnl_status_t status = dnnl_sgemm('N', 'N', g_.out_channels, columns, g_.in_channels, 1.0f, u,
                                                g_.in_channels, v, columns, 0.0f, m, columns);
        DEPTHSTYLE_ASSERT(status == dnnl_success);
      }
    }
    for (std::int64_t group = 0; group < group_count; ++group) {
      transform_output(first_group + group, first_columns_[group], columns);
    }
  }

 private:
  struct GroupPlace {
    std::int64_t image, tile_row, group_column;
  };
  GroupPlace place(std::int64_t group) const {
    const std::int64_t per_image = g_.tile_rows * g_.groups_per_row;
    return {group / per_image, (group % per_image) / g_.groups_per_row, group % g_.groups_per_row};
  }

  void transform_input(std::int64_t group, std::int64_t first_column_of_group, std::int64_t columns) {
    const GroupPlace at = place(group);
    const std::int64_t lanes = g_.lanes_of(at.group_column);
    // The group's first input row and column, in the unpadded input (negative inside the zero padding).
    const std::int64_t y0 = kTile * at.tile_row - g_.padding, x0 = kTile * g_.lanes * at.group_column - g_.padding;
    const std::int64_t span = kTile * lanes + 4;  // the tiles read 4 lanes + 2 columns, the loads cover 4 lanes + 4
    const bool inside = y0 >= 0 && x0 >= 0 && y0 + kInputTile <= g_.in_height && x0 + span <= g_.in_width;
    const float* image = input_ + at.image * batch_stride_;
    float* v = v_ + first_column_of_group;
    const auto transform = lanes == avx512::kLanes ? avx512::transform_input_group : avx2::transform_input_group;
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
      transform(rows, v + channel * columns, position_stride, relu_input_);
    }
  }

  void transform_output(std::int64_t group, std::int64_t first_column_of_group, std::int64_t columns) {
    const GroupPlace at = place(group);
    const std::int64_t lanes = g_.lanes_of(at.group_column);
    const std::int64_t y0 = kTile * at.tile_row, x0 = kTile * g_.lanes * at.group_column;
    const bool inside = y0 + kTile <= g_.height && x0 + kTile * lanes <= g_.width;
    const std::int64_t valid_rows = std::min<std::int64_t>(kTile, g_.height - y0);
    const std::int64_t valid_columns = std::min<std::int64_t>(kTile * lanes, g_.width - x0);
    const float* m = m_ + first_column_of_group;
    const auto transform = lanes == avx512::kLanes ? avx512::transform_output_group : avx2::transform_output_group;
    const std::ptrdiff_t position_stride = g_.out_channels * columns;
    const std::int64_t plane_size = g_.height * g_.width;
    const std::int64_t image_offset = at.image * g_.out_channels * plane_size;
    for (std::int64_t channel = 0; channel < g_.out_channels; ++channel) {
      const std::int64_t offset = image_offset + channel * plane_size + y0 * g_.width + x0;
      float* plane = output_ + offset;
      float* rows[kTile];
      for (int i = 0; i < kTile; ++i) rows[i] = inside ? plane + i * g_.width : edge_ + i * kEdgeWidth;
      // The residual's rows beside the output's; at the edge a copy of its valid part (the rest only meets outputs
      // that are discarded).
      const float* residual_rows[kTile];
      if (residual_ != nullptr) {
        const float* residual_plane = residual_ + offset;
        for (std::int64_t i = 0; i < kTile; ++i) {
          residual_rows[i] = inside ? residual_plane + i * g_.width : edge_residual_ + i * kEdgeWidth;
          if (!inside && i < valid_rows) {
            std::memcpy(edge_residual_ + i * kEdgeWidth, residual_plane + i * g_.width,
                        sizeof(float) * static_cast<std::size_t>(valid_columns));
          }
        }
      }
      transform(m + channel * columns, position_stride, bias_[channel], rows,
                residual_ != nullptr ? residual_rows : nullptr, relu_output_);
      if (!inside) {
        for (std::int64_t i = 0; i < valid_rows; ++i) {
          std::memcpy(plane + i * g_.width, edge_ + i * kEdgeWidth,
                      sizeof(float) * static_cast<std::size_t>(valid_columns));
        }
      }
    }
  }

  static constexpr int kEdgeWidth = kTile * kMaxLanes + 8;  // 72 >= the 68 columns a 16-tile group's loads touch
  const Geometry& g_;
  const float* weight_;
  const float* bias_;
  float* output_;
  const float* residual_;
  bool relu_input_, relu_output_;
  std::int64_t block_groups_;
  const float* input_;
  std::int64_t batch_stride_, channel_stride_, row_stride_;
  float* v_;  // [36][in][columns]: the block's transformed input (thread_scratch)
  float* m_;  // [36][out][columns]: its products with the transformed weights
  std::vector<std::int64_t> first_columns_;  // per group of the block being run
  float edge_[kInputTile * kEdgeWidth] = {};
  float edge_residual_[kTile * kEdgeWidth] = {};
};

}  // namespace

bool WinogradConv3x3::available() {
  const char* switch_value = std::getenv("DEPTHSTYLE_WINOGRAD");
  return cpu_has_avx2_fma() && !(switch_value && std::string_view(switch_value) == "0");
}

bool WinogradConv3x3::uses_avx512() {
  static const bool supported = __builtin_cpu_supports("avx512f");
  const char* switch_value = std::getenv("DEPTHSTYLE_WINOGRAD_AVX512");
  return supported && !(switch_value && std::string_view(switch_value) == "0");
}

bool WinogradConv3x3::uses_register_tiles(std::int64_t in_channels, std::int64_t out_channels) {
  const char* switch_value = std::getenv("DEPTHSTYLE_WINOGRAD_PRODUCTS");
  const std::string_view chosen = switch_value != nullptr ? switch_value : "";
  if (chosen == "tiles") return true;
  if (chosen == "sgemm") return false;
  if (!chosen.empty()) throw Error(concat("DEPTHSTYLE_WINOGRAD_PRODUCTS='", chosen, "': expected tiles or sgemm"));
  return std::min(in_channels, out_channels) <= kMostRegisterTileChannels;
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

at::Tensor WinogradConv3x3::forward(const at::Tensor& input, std::int64_t padding, const FusedOps& fused) const {
  DEPTHSTYLE_ASSERT(cpu_has_avx2_fma());
  DEPTHSTYLE_ASSERT(input.dim() == 4 && input.scalar_type() == at::kFloat && input.size(1) == in_channels_);
  DEPTHSTYLE_ASSERT(padding >= 0 && padding <= 2);
  DEPTHSTYLE_ASSERT(input.stride(3) == 1 && input.size(2) + 2 * padding >= 3 && input.size(3) + 2 * padding >= 3);
  Geometry geometry{};
  geometry.batch = input.size(0);
  geometry.in_channels = in_channels_;
  geometry.out_channels = out_channels_;
  geometry.in_height = input.size(2);
  geometry.in_width = input.size(3);
  geometry.height = input.size(2) + 2 * padding - 2;
  geometry.width = input.size(3) + 2 * padding - 2;
  geometry.padding = padding;
  geometry.tile_rows = ceil_div(geometry.height, kTile);
  place_groups(geometry, lanes_for(in_channels_, out_channels_));
  geometry.register_tiles = uses_register_tiles(in_channels_, out_channels_);
  geometry.wide_products = uses_avx512();
  at::Tensor output = at::empty({geometry.batch, out_channels_, geometry.height, geometry.width},
                                input.options().memory_format(at::MemoryFormat::Contiguous));
  const std::int64_t block_groups = groups_per_block(geometry);
  const std::int64_t blocks = ceil_div(geometry.groups(), block_groups);
  const float* weight = transformed_weight_.data_ptr<float>();
  const float* bias = bias_.data_ptr<float>();
  float* output_data = output.data_ptr<float>();
  const float* residual = nullptr;
  if (fused.residual.defined()) {
    DEPTHSTYLE_ASSERT(fused.residual.scalar_type() == at::kFloat && fused.residual.is_contiguous() &&
                      fused.residual.sizes() == output.sizes());
    residual = fused.residual.data_ptr<float>();
  }
  at::parallel_for(0, blocks, 1, [&](std::int64_t begin, std::int64_t end) {
    // Inside the parallel region, oneDNN's sgemm would open a nested OpenMP region per call (measured 5-15x slower
    // with 2 threads); this task's setting ends with the region. Outside one (a single thread), nothing changes.
    if (omp_in_parallel()) omp_set_num_threads(1);
    BlockRunner runner(geometry, input, weight, bias, output_data, residual, fused.relu_input, fused.relu_output,
                       block_groups);
    for (std::int64_t block = begin; block < end; ++block) {
      const std::int64_t first = block * block_groups;
      runner.run(first, std::min(block_groups, geometry.groups() - first));
    }
  });
  return output;
}

}  // namespace depthstyle
