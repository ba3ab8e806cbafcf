// The reference implementations' networks are plain nn.Sequential stacks; this is one such stack in functional ATen.
//
// A LayerTable lists the reference modules in order, so a module's position IS the number in its weight keys
// ("<index>.weight" [out, in, k, k], "<index>.bias" [out]). From the table come both the weight layout (every conv
// of the table; only those before `used_count` are required) and the forward pass (modules [0, used_count)).
//
// Conventions, as in PyTorch: every conv has stride 1 and no padding of its own (3x3 convs follow a
// ReflectionPad2d(1)); max pooling is 2x2, stride 2, ceil_mode=True; upsampling is nearest, x2.
// Tensors: input and output 1xCxHxW float32, contiguous. Inside, activations use the precision's dtype:
//   fp32   float32 throughout, equal to PyTorch eager up to oneDNN's summation order
//   bf16   weights and activations in bfloat16, products and sums in float32, except the convs that touch the
//          image (3 input or output channels: the encoder's preprocessing and first conv, the decoder's last),
//          which stay float32: they are memory-bound, so bf16 would not speed them up, and they keep the input's
//          and the output's full precision. With bf16 kernels (AVX-512: bf16_is_native()) oneDNN runs the convs in
//          bf16; without them the bf16 values are convolved as float32 (the fp32 path, Winograd included) and the
//          result is rounded to bf16 where it is stored: the same arithmetic at float32's speed, no faster.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nets/weight_layout.h"
#include "nets/winograd_conv.h"

namespace depthstyle {

enum class Precision { kFloat32, kBFloat16 };
// "fp32", "bf16": the names configs and manifests use.
std::string to_string(Precision precision);
// Throws UsageError listing the accepted names.
Precision precision_from_string(const std::string& name);
at::ScalarType compute_dtype(Precision precision);
// True if this CPU has the AVX-512 subsets (BW, VL, DQ) with which ATen runs bf16 convolutions through oneDNN's JIT
// kernels; without them ATen falls back to its generic im2col + gemm, ~50x slower than fp32 per conv and with
// partial sums in bf16 (on an AVX2-only CPU: 2-4% error per layer, 29.5 dB PSNR after a stylization), which
// LayerStack avoids (see Precision).
bool bf16_is_native();

enum class LayerKind { kConv, kReflectionPad, kReLU, kMaxPool, kUpsample };

struct Layer {
  LayerKind kind;
  std::int64_t in_channels = 0;  // convs only
  std::int64_t out_channels = 0;
  std::int64_t kernel_size = 0;
};

// Index = module index in the reference nn.Sequential.
using LayerTable = std::vector<Layer>;

// Float32 weight and bias of every conv in `layers`; those at index >= required_count are optional.
WeightLayout weight_layout_of(const std::string& model, const LayerTable& layers, std::size_t required_count);

// Multiply-adds x 2 of the convs a forward pass of an input of height x width runs (for GFLOP/s figures).
double conv_flops(const LayerTable& layers, std::size_t used_count, std::int64_t height, std::int64_t width);

class LayerStack {
 public:
  // Runs layers [0, used_count). `weights` must have passed check_weight_layout against weight_layout_of(layers, ..)
  // (an absent required tensor is a programming error here, and aborts).
  // `name` starts error messages ("VGG encoder: ...").
  LayerStack(std::string name, const LayerTable& layers, std::size_t used_count, const NamedTensors& weights,
             Precision precision);

  // 1xCxHxW float32 -> 1xC'xH'xW' float32. Throws Error for an input with the wrong channel count or smaller than
  // minimum_input_side() (reflection padding needs 2 pixels at every layer).
  //
  // Memory: each conv runs over stripes of output rows, each stripe's output at most `stripe_bytes`, and each
  // stripe goes straight through the following ReLU/pooling/upsampling into the next conv's padded input. So a
  // layer holds its input, the next layer's input and one stripe, never a whole conv output (nor oneDNN's blocked
  // copies of whole tensors): a 3000x2000 stylization peaks at about half the memory of PyTorch eager. Every output
  // value is computed from the same inputs as without stripes, in a summation order that may depend on the stripe's
  // shape (Winograd tiles start at the stripe's first row; ~2e-6 relative). Taking the input by value lets it be
  // freed once the first layer has consumed it: pass an rvalue.
  at::Tensor forward(at::Tensor input, std::size_t stripe_bytes = kDefaultStripeBytes) const;
  // forward(), also handing out the activations after some ReLU modules ("taps", e.g. VGG's relu1_1 .. relu4_1 for
  // the AdaIN style loss): `relu_modules` are their indices in the LayerTable, increasing, each a ReLU that is not
  // pooled in the same step (relu1_1 yes, relu1_2 no; a programming error otherwise, which aborts). taps[i] is
  // 1xCxhxw float32 with the values forward() computes there; it may be a view into the next layer's padded input
  // (not contiguous), so taking a tap costs no copy in fp32. The last module's tap is the output itself.
  at::Tensor forward_with_taps(at::Tensor input, const std::vector<std::size_t>& relu_modules,
                               std::vector<at::Tensor>& taps, std::size_t stripe_bytes = kDefaultStripeBytes) const;
  // 16 MiB: measured against whole layers (64 MiB) on 2 cores, the same speed at 512 px (1.11x vs 1.12x PyTorch)
  // and a lower peak at 3000x2000 (5.1 vs 6.5 GiB).
  static constexpr std::size_t kDefaultStripeBytes = std::size_t{16} << 20;

  Precision precision() const { return precision_; }
  std::int64_t input_channels() const { return in_channels_; }
  std::int64_t minimum_input_side() const { return minimum_input_side_; }

 private:
  // A conv with what surrounds it: [pad] conv [relu] [pool | upsample].
  struct Step {
    bool pad_before = false;
    at::ScalarType dtype = at::kFloat;  // of the activations the conv reads and writes
    at::Tensor weight;  // in dtype, or float32 holding bf16 values where bf16 is computed as float32 (see Precision)
    at::Tensor bias;    // as weight
    std::shared_ptr<const WinogradConv3x3> winograd = nullptr;  // set for the float32 3x3 convs it runs (see convolve)
    bool relu_after = false;
    std::size_t relu_module = 0;  // index of that ReLU in the LayerTable
    bool pool_after = false;
    bool upsample_after = false;
  };
  std::string name_;
  Precision precision_;
  std::int64_t in_channels_ = 0;
  std::int64_t minimum_input_side_ = 1;
  std::vector<Step> steps_;

  // The step's conv of `input` (rows of its padded input), in the weight's dtype.
  static at::Tensor convolve(const Step& step, const at::Tensor& input);
  // forward() and forward_with_taps(); `relu_modules` and `taps` are null for the plain pass.
  at::Tensor run(at::Tensor input, const std::vector<std::size_t>* relu_modules, std::vector<at::Tensor>* taps,
                 std::size_t stripe_bytes) const;
  // Step `index` on its (padded) input: conv, then what follows it up to and including the next step's padding.
  at::Tensor run_step(const at::Tensor& input, std::size_t index, std::size_t stripe_bytes) const;
};

// The element-wise layers, exactly equal to PyTorch's (they only copy and compare values), fused into as few passes
// over memory as the layer order allows: each writes the next conv's reflection-padded input directly. They work
// for any dtype (torch 1.13 has no bfloat16 reflection padding) and either memory format; inputs are NxCxHxW.
//   reflection_pad_1          ReflectionPad2d(1); needs H, W >= 2 as PyTorch does
//   relu_reflection_pad_1     ReLU then ReflectionPad2d(1)
//   upsample_reflection_pad_1 Upsample(scale_factor=2, nearest) then ReflectionPad2d(1)
//   max_pool_2x2              MaxPool2d(2, 2, ceil_mode=True): a last odd row or column is its own window
// The padded output has `input`'s dtype unless `dtype` says otherwise (converted in the same pass).
at::Tensor reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype = std::nullopt);
at::Tensor relu_reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype = std::nullopt);
at::Tensor upsample_reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype = std::nullopt);
at::Tensor max_pool_2x2(const at::Tensor& input);

// One input of concat_reflection_pad_1, NxCxhxw: passed through ELU (alpha 1) and then upsampled x2 (nearest) first
// when its flags say so.
struct PaddedPart {
  at::Tensor tensor;
  bool upsample = false;
  bool elu = false;
};
// ReflectionPad2d(1) of the channel concatenation of `parts`, written in one pass: ELU, Upsample, torch.cat and the
// next conv's padding as monodepth2's decoder runs them. The parts must agree in batch, height and width (after
// upsampling) and dtype; the result is NCHW contiguous. Float32 NCHW parts on an AVX2/FMA CPU take one hand-written
// pass per plane (nets/vector_kernels.h: its ELU is a few ulp of 1.0 from ATen's below 0, equal above); otherwise
// ATen's ops, equal to PyTorch's.
at::Tensor concat_reflection_pad_1(const std::vector<PaddedPart>& parts);

}  // namespace depthstyle
