// A 2-D convolution prepared once for CPU inference: an optional BatchNorm (eval mode) folded into its weight and
// bias, the weight reordered once into oneDNN's blocked layout, and every call sent straight to oneDNN.
//
// Why not at::conv2d: ATen picks the kernel per call from heuristics, and on this kind of machine its choices are
// slow for the convs the depth networks are made of. Measured with torch 1.13 on one AVX2 core: a dense 1x1 conv
// 256->256 at 96x96 runs at 5 GFLOP/s through ATen's NCHW path with one thread (im2col + the reference BLAS) and at
// 80-92 GFLOP/s in oneDNN; grouped 3x3 convs (ResNeXt) at 55-80 GFLOP/s in oneDNN, about 10% faster when the
// activations stay in oneDNN's blocked layout and the weight is reordered once instead of at every call;
// channels-last (NHWC) was slower for every shape tried. Results agree with at::conv2d to float rounding (checked
// in tests/torch/native_depth_test.cc).
//
// Layouts: inputs and outputs are 1xCxHxW float32, either "dense" (strided NCHW) or "MKLDNN" (oneDNN's opaque
// blocked layout, at::Tensor::is_mkldnn(); convert with to_mkldnn() / to_dense()). A conv returns its input's layout.
// MKLDNN tensors support what the ResNet encoders need (conv, relu_, add_, max_pool2d); padding, interpolation,
// concatenation, ELU and sigmoid need dense tensors.
//
// Winograd: a dense 3x3 stride-1 conv (groups 1, both channel counts >= kWinogradMinChannels) can take
// WinogradConv3x3 (nets/winograd_conv.h: 4x fewer multiply-adds, its zero padding read in place) when
// WinogradConv3x3::available() at construction (DEPTHSTYLE_WINOGRAD=0 keeps only the direct path: benchmarks time
// both), and takes it for a call whose output map is large enough (winograd_pays). Its transformed weight (4x the
// weight) is made from the blocked weight on the first such call, not at load: most networks run some eligible
// convs only on maps too small for Winograd (ResNet-18's last layers), and built for all of them at load the forms
// kept 251 MB more resident after a 640x192 monodepth2 pass (617 MB against 366), 288 MB after MiDaS v1 at 288x384
// and 152 MB after MiDaS v2 at 384x384 (VmRSS, one process per network). An MKLDNN input is reordered
// to NCHW for it and the result back. Why not always: oneDNN's direct kernels reach ~230 GFLOP/s per AVX-512 core
// on these shapes; Winograd's F(4x4, 3x3) tiles come in groups of 8 side by side (32 output columns), so small maps
// waste most of a group, and its 36 transformed weight matrices (4x the weight) must still be read, which few pixels
// with many input channels do not repay. Measured one conv at a time with one thread (bench/folded_conv_bench.cc,
// bench/README.md): 1.3-2.0x for maps of 24x24 and more with 16-512 channels, 0.4-0.7x at 12x12 and 20x6.
// Accuracy: ~1e-6 of the output's largest value per conv (winograd_conv.h), against ~1e-7 for oneDNN's direct
// kernels.
//
// One output channel: a conv with a single output channel, stride 1 and a 1x1 or 3x3 kernel (the depth
// heads' last) runs in single_output_conv (nets/vector_kernels.h) on an AVX2/FMA CPU: oneDNN's direct kernel took
// 2.1 ms for monodepth2's 16 -> 1 disparity conv at 640x192 on 2 threads, several times what its multiply-adds need.
//
// Folding: w' = w * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta, computed in double
// and rounded once to float32; PyTorch eager rounds after each of conv, subtract, divide, multiply and add, so the
// two differ by float rounding (~1e-7 relative per layer), not by any rule.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "nets/blocked_conv.h"
#include "nets/weight_layout.h"
#include "nets/winograd_conv.h"

namespace depthstyle {

struct ConvGeometry {
  std::int64_t stride = 1;
  std::int64_t padding = 0;  // zeros on every side, as nn.Conv2d(padding=...)
  std::int64_t groups = 1;
};

// nn.BatchNorm2d's tensors in eval mode (each [C] float32).
struct BatchNormTensors {
  at::Tensor weight;  // gamma
  at::Tensor bias;    // beta
  at::Tensor running_mean;
  at::Tensor running_var;
  double eps = 1e-5;
};

// Fewer channels than this and the 36 matrix products are too small to beat oneDNN's direct kernels. It was 32 until
// the products ran in register tiles (nets/winograd_conv.h uses_register_tiles): since then monodepth2's 32 -> 16 and
// 16 -> 16 convs at 320x96 and 640x192 measured 1.9x and 1.65x faster through Winograd (bench/folded_conv_bench, one
// thread), and its whole 640x192 pass ~5% faster (depth_bench).
inline constexpr std::int64_t kWinogradMinChannels = 16;
// The kernels oneDNN runs the direct convs with here (its effective ISA: DNNL_MAX_CPU_ISA can hold an AVX-512 CPU
// to AVX2). Its AVX2 direct kernels are the slower competitor, so Winograd pays on smaller maps there.
enum class DirectConvKernels { kAvx2, kAvx512 };
DirectConvKernels direct_conv_kernels();
// Whether a Winograd-eligible conv with `in_channels` and an output of out_height x out_width takes the Winograd
// path: at least 60% of the 4-row x 32-column tile groups covering the map inside it, and at least
// - with AVX-512 direct kernels, max(512, in_channels) output pixels. Since Winograd's blocks are sized for the
//   weights, single convs below that (32x10, 40x12, and 1024 -> 256 channels at 24x24) measure 1.2-1.7x faster alone
//   (bench/folded_conv_bench), but the networks did not gain: monodepth2 at 1024x320 3-5% slower (its layer4 moved to
//   NCHW), MiDaS v1/v2 unchanged in alternating runs;
// - with AVX2 direct kernels, 256 output pixels: on the AVX-512 machine held to AVX2 (ATEN_CPU_CAPABILITY=avx2,
//   DNNL_MAX_CPU_ISA=AVX2, DEPTHSTYLE_WINOGRAD_AVX512=0), those convs were 1.3-2.9x faster through Winograd and
//   monodepth2 1.5-4%, MiDaS v2 1-1.5% faster in alternating whole passes (MiDaS v1 unchanged).
bool winograd_pays(std::int64_t in_channels, std::int64_t out_height, std::int64_t out_width,
                   DirectConvKernels kernels);

// nn.Conv2d's weight [out, in / groups, k, k] and bias [out] (undefined: none) folded with the nn.BatchNorm2d that
// follows it (eval mode), in double and rounded once: float32 weight and bias (undefined only with neither a bias nor
// a norm).
struct FoldedWeights {
  at::Tensor weight;
  at::Tensor bias;
};
FoldedWeights fold_batch_norm(const at::Tensor& weight, const at::Tensor& bias,
                              const std::optional<BatchNormTensors>& norm);

class FoldedConv {
 public:
  FoldedConv() = default;
  // `weight` [out, in / groups, k, k], `bias` [out] or undefined (no bias), float32. Shapes must have been checked
  // (weight_layout.h): a mismatch here is a programming error and aborts.
  FoldedConv(const at::Tensor& weight, const at::Tensor& bias, ConvGeometry geometry,
             const std::optional<BatchNormTensors>& norm = std::nullopt);

  // 1 x in_channels() x H x W -> 1 x out_channels() x H' x W', in the input's layout (dense or MKLDNN). `fused`
  // (nets/winograd_conv.h): a ReLU before, a residual (the output's shape and layout) and a ReLU after, which the
  // Winograd path applies in its own passes over a dense map (the same values, bit for bit) and the others as ATen
  // ops.
  at::Tensor operator()(const at::Tensor& input, const FusedOps& fused = {}) const;

  std::int64_t in_channels() const { return in_channels_; }
  std::int64_t out_channels() const { return out_channels_; }
  // Whether a call with an output of out_height x out_width runs through Winograd (see above).
  bool uses_winograd(std::int64_t out_height, std::int64_t out_width) const {
    return winograd_ != nullptr && winograd_pays(in_channels_, out_height, out_width, direct_conv_kernels());
  }
  // Multiply-adds x 2 for an output of height x width (for GFLOP/s figures).
  double flops(std::int64_t out_height, std::int64_t out_width) const;

 private:
  // The conv alone, on the path its shape and the input's layout take.
  at::Tensor convolve(const at::Tensor& input, std::int64_t out_height, std::int64_t out_width) const;

  at::Tensor weight_;  // MKLDNN layout, reordered for this geometry
  at::Tensor bias_;    // dense float32, or undefined
  // The Winograd form, made on first use (see above); set for the Winograd-eligible convs, shared by copies (each
  // form is made once, under std::call_once, whichever thread calls first).
  class LazyWinograd;
  std::shared_ptr<LazyWinograd> winograd_;
  // For a conv with one output channel (the depth heads' last): its weight [in, k, k] float32 and bias for
  // single_output_conv (nets/vector_kernels.h), which runs it ~5x faster than oneDNN; undefined otherwise.
  at::Tensor single_output_weight_;
  float single_output_bias_ = 0;
  ConvGeometry geometry_;
  std::int64_t in_channels_ = 0;
  std::int64_t out_channels_ = 0;
  std::int64_t kernel_size_ = 0;
};

// The entries of an nn.Conv2d under `prefix` ("<prefix>.weight" [out, in / groups, k, k], "<prefix>.bias" [out] when
// `with_bias`) and of an nn.BatchNorm2d ("<prefix>.weight", ".bias", ".running_mean", ".running_var", each [C]
// float32, and ".num_batches_tracked", int64 [], optional: files saved before PyTorch 0.4.1 lack it), in the order
// state_dict lists them.
void append_conv_layout(WeightLayout& layout, const std::string& prefix, std::int64_t out_channels,
                        std::int64_t in_channels, std::int64_t kernel_size, std::int64_t groups, bool with_bias);
void append_batch_norm_layout(WeightLayout& layout, const std::string& prefix, std::int64_t channels);

// The conv under `conv_prefix` (with its bias if the layout has one), folded with the BatchNorm under `norm_prefix`
// ("" = none). `weights` must have passed the layout check.
FoldedConv folded_conv_from(const NamedTensors& weights, const std::string& conv_prefix, ConvGeometry geometry,
                            const std::string& norm_prefix = "");
// The same conv for oneDNN's blocked maps (nets/blocked_conv.h), followed by a ReLU when `relu` (after the residual
// sum when called with one).
BlockedConv blocked_conv_from(const NamedTensors& weights, const std::string& conv_prefix, ConvGeometry geometry,
                              const std::string& norm_prefix, bool relu);

// The nn.BatchNorm2d under `prefix` (".weight", ".bias", ".running_mean", ".running_var"), with BatchNormTensors'
// default eps; `weights` must have passed the layout check.
BatchNormTensors batch_norm_from(const NamedTensors& weights, const std::string& prefix);

// The tensor named `name`, which the layout check guarantees (absent: a programming error, aborts).
const at::Tensor& checked_tensor(const NamedTensors& weights, const std::string& name);

// An MKLDNN (blocked) map reordered to NCHW; an NCHW map as it is.
at::Tensor as_dense(const at::Tensor& map);

}  // namespace depthstyle
