// 3x3 convolutions with Winograd's minimal filtering F(4x4, 3x3) (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016): each 4x4 block of outputs is computed from a 6x6 block of inputs with 36 multiplies per
// input/output channel pair instead of 144, so the convolution needs 4x fewer multiply-adds than a direct one.
//
//   Y = A^T [ (G g G^T) (.) (B^T d B) ] A        per output channel, summed over input channels inside (.)
//
// with the interpolation points 0, 1, -1, 1/2, -2 and infinity (the matrices in winograd_conv.cc). The transformed
// weights U = G g G^T are computed once, in double precision; per call, blocks of tiles are transformed (V = B^T d B),
// multiplied by U as 36 independent [out x in] x [in x tiles] float32 matrix products (register tiles for few input
// or output channels, oneDNN's sgemm for more: ATen's fp32 matmul is Debian's reference BLAS here) and transformed back
// (A^T M A), each block while it is in cache (blocks of convs with many channels are sized to amortise reading the
// weights instead: winograd_conv.cc block_columns).
// The transforms handle 8 tiles side by side with AVX2 or 16 with AVX-512 (uses_avx512), in the same operations.
//
// Conventions as LayerStack's convs: stride 1, no padding of its own (the caller pads), float32, batch N >= 1.
// Accuracy: every product is the same multiply-add over float32 inputs in another order with a few more roundings;
// measured against at::conv2d on the VGG layer shapes, the largest difference is ~1e-6 of the output's largest
// value, the order of float32 summation-order noise (tests/torch/winograd_conv_test.cc).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace depthstyle {

// Element-wise steps around a convolution that it runs in its own passes over the data: each saves a pass over a map
// (reading and writing it whole). In this order: conv(relu(input)) + residual, then ReLU.
struct FusedOps {
  bool relu_input = false;   // the conv reads max(0, input); its zero padding stays zero
  at::Tensor residual;       // added to the conv's output (bias included); undefined: none; the output's shape
  bool relu_output = false;  // max(0, .) of the result, after the residual
};

class WinogradConv3x3 {
 public:
  // True if this CPU runs the transforms' AVX2/FMA code and the environment variable DEPTHSTYLE_WINOGRAD is not "0"
  // (read at each call: benchmarks build a second network with it to time the direct convs); callers use
  // at::conv2d otherwise.
  static bool available();
  // True if forward may transform 16 tiles at a time with AVX-512F rather than 8 with AVX2: the CPU runs AVX-512F and
  // the environment variable DEPTHSTYLE_WINOGRAD_AVX512 is not "0" (read at each call, so that benchmarks and tests
  // run both widths on one machine). It does for convs with few enough channels that a block of the cache budget
  // holds two such groups (winograd_conv.cc lanes_for). Each tile goes through the same operations at either width;
  // sgemm's matrix products may sum in another order, so the values differ by float32 rounding, each within the bound
  // above (the register tiles sum in the same order at either width).
  static bool uses_avx512();

  // True if forward multiplies the transformed input and weights of a conv with `in_channels` input and `out_channels`
  // output channels by the register tiles of nets/register_tile.inc, false if by oneDNN's sgemm. The tiles run where
  // either count is at most kMostRegisterTileChannels: with few inputs a 64-column slice of the transformed input stays
  // in L1 while every tile reads it (16 KB), with few outputs it is read by at most 11 row tiles. There they were
  // 2-25% faster per conv than sgemm (bench/README.md#winograd_conv_bench, #folded_conv_bench; e.g. the MiDaS and DPT
  // heads' 128 -> 32 at 384x384 14%); sgemm keeps the convs with more of both, whose blocks it tiles for the caches
  // and where the tiles measured 0.8-1.1x its time. The environment variable DEPTHSTYLE_WINOGRAD_PRODUCTS ("tiles" or
  // "sgemm", read at each call) overrides the choice, so that tests and benchmarks run both on the same convs; any
  // other value is an Error.
  static bool uses_register_tiles(std::int64_t in_channels, std::int64_t out_channels);
  static constexpr std::int64_t kMostRegisterTileChannels = 64;

  // weight [out, in, 3, 3] and bias [out], float32; in, out >= 1.
  WinogradConv3x3(const at::Tensor& weight, const at::Tensor& bias);

  // NxCxHxW float32 with unit stride along W (other strides free, so a row stripe of a larger tensor needs no copy),
  // H + 2 padding, W + 2 padding >= 3 -> Nx(out)x(H+2padding-2)x(W+2padding-2) float32, contiguous. `padding`
  // (0..2) zeros on every side are read as zeros where a tile reaches them, as nn.Conv2d(padding=...) pads, with no
  // padded copy of the input. Same result as at::conv2d(input, weight, bias, 1, padding) up to float32 rounding (see
  // above). Uses at::get_num_threads() threads. `fused`: the ReLUs and residual, applied in the transforms (the
  // residual NxoutxH'xW' float32 contiguous); the result is the same, bit for bit, as at::relu before and
  // add_ / relu_ after (ATen's max(0, x): NaN stays NaN).
  at::Tensor forward(const at::Tensor& input, std::int64_t padding = 0, const FusedOps& fused = {}) const;

  std::int64_t in_channels() const { return in_channels_; }
  std::int64_t out_channels() const { return out_channels_; }

 private:
  std::int64_t in_channels_ = 0;
  std::int64_t out_channels_ = 0;
  at::Tensor transformed_weight_;  // [36, out, in] float32: U for each of the 6x6 transform-domain positions
  at::Tensor bias_;                // [out] float32
};

}  // namespace depthstyle
