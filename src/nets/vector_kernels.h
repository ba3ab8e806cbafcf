// Hand-vectorised (AVX2/FMA) kernels for the work around the depth decoders' convs that ATen and oneDNN do slowly at
// batch 1: ELU, nearest upsampling and reflection padding written in one pass into the next conv's input, convs
// with a single output channel (the disparity and depth heads), and the bilinear resizes of the MiDaS, DPT and Depth
// Anything decoders.
//
// Why: in monodepth2's decoder at 640x192 with one thread, ATen's elu_, the broadcast copy that upsamples and the
// reflection padding took 11.7 ms of a 92.6 ms forward pass, and oneDNN's direct kernel for the 16 -> 1 disparity
// conv 3.9 ms, ~15 times the time its multiply-adds need (bench/README.md, depth_bench).
//
// Layouts: float32, NCHW contiguous (batch N >= 1). Callers check cpu_has_avx2_fma() and otherwise use ATen.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/util/Optional.h>

#include <cstdint>

// Compiles a function for AVX2 and FMA in a build that targets baseline x86-64: call it only where
// cpu_has_avx2_fma() holds.
#define DEPTHSTYLE_AVX2 __attribute__((target("avx2,fma")))

namespace depthstyle {

// True if this CPU runs AVX2 and FMA instructions (every kernel here and WinogradConv3x3 need both).
bool cpu_has_avx2_fma();

// Writes one HxW plane of `source` (h x w, row stride w) into the interior of `padded` ((factor h + 2) x
// (factor w + 2), row stride factor w + 2) upsampled x`factor` (1 or 2, nearest) and passed through ELU when
// `apply_elu`, then fills the 1-pixel border by reflection (nn.ReflectionPad2d(1)). Needs factor h >= 2, factor w >= 2.
// ELU (alpha 1) is PyTorch's x > 0 ? x : exp(x) - 1 with exp a degree-6 polynomial after range reduction (Cephes'
// expf, within 2 ulp like ATen's SLEEF exp): equal to ATen's for x > 0, a few ulp of 1.0 (~3e-7) from it below.
void write_reflection_padded_plane(const float* source, std::int64_t height, std::int64_t width, int factor,
                                   bool apply_elu, float* padded);

// The conv with one output channel, stride 1, kernel_size 1 or 3, `padding` zeros on every side (< kernel_size):
// input N x C x H x W (contiguous), weight C x k x k (contiguous) -> N x 1 x H' x W'. Each output is the bias plus,
// in channel order, each channel's k x k products summed with FMA (the padding's skipped); oneDNN sums in another
// order (~1e-7 relative for 16 channels, up to ~1e-6 for 256).
at::Tensor single_output_conv(const at::Tensor& input, const float* weight, float bias, std::int64_t kernel_size,
                              std::int64_t padding);

// at::upsample_bilinear2d(input, {out_height, out_width}, align_corners, scale_h, scale_w) of an N x C x H x W
// float32 map (F.interpolate(mode="bilinear"): a scale is the scale_factor the caller gave, used as ATen 1.13 uses it,
// only without align_corners and when > 0; with none the sampling follows the sizes). BIT-FOR-BIT equal to ATen 1.13's
// CPU kernel as Debian builds it (docs/reference.md#bilinear-upsampling-in-libtorch-113): source
// positions in double from a float ratio (area_pixel_compute_scale, compute_source_index_and_lambda of
// ATen/native/UpSample.h), weights rounded to float, and per output t_row = fma(x[i0], w0, x[i1] * w1) along the
// width, then fma(t_top, h0, t_bottom * h1) along the height: tests/torch/bilinear_resize_test.cc checks the equality,
// -0, infinities and NaN included. Our kernel runs where bilinear_resize_is_native() holds (AVX2/FMA, ATen running its
// AVX2 kernels, i.e. not ATEN_CPU_CAPABILITY=default, a contiguous dense float32 4-D map not requiring grad, sizes
// >= 1); anything else goes to at::upsample_bilinear2d itself. Why: ATen reads an index and a weight tensor per
// output through TensorIterator (~10 GB/s on MiDaS v2's x2 upsamples with 2 threads); here the width pass of each
// source row is done once, by vector permutes, and kept for the output rows that use it (bench/bilinear_resize_bench).
at::Tensor bilinear_resize(const at::Tensor& input, std::int64_t out_height, std::int64_t out_width,
                           bool align_corners, c10::optional<double> scale_h = c10::nullopt,
                           c10::optional<double> scale_w = c10::nullopt);

// Whether bilinear_resize runs its own kernel on `input` resized to out_height x out_width (else ATen's).
bool bilinear_resize_is_native(const at::Tensor& input, std::int64_t out_height, std::int64_t out_width);

}  // namespace depthstyle
