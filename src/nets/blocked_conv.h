// Convs run by oneDNN directly on maps that stay in its blocked layout between them, with ReLU or ReLU6 and a residual
// sum fused into the conv (oneDNN post-ops): for networks whose activations ATen 1.13 cannot keep blocked
// (EfficientNet-Lite's ReLU6), and for the ResNet bottlenecks, whose ReLUs and sums ATen runs as separate passes.
//
// Why: ATen keeps a map in oneDNN's layout (an MKLDNN tensor) only through ops it has MKLDNN kernels for (conv, ReLU,
// add, pooling); ReLU6 (clamp) is not one of them, so EfficientNet-Lite's maps had to go back to NCHW after every
// conv, and each conv reordered its input to the blocked layout and its output back. In MiDaS v2.1 small at 384x384
// those reorders took 16 of ~70 ms per pass (DNNL_VERBOSE), more than its 1x1 convs (12.7 ms).
//
// Numerics: the same oneDNN kernels as ATen's mkldnn_convolution; the ReLU post-op is oneDNN's eltwise ReLU, ReLU6
// its clip to [0, 6] and the residual its sum post-op, each applied to the float32 result of conv + bias as ATen's
// relu_, clamp_ and add_ are: the same values up to the kernels' own summation order.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <utility>

namespace depthstyle {

// A 1 x channels x height x width float32 map in the blocked layout the last conv chose (opaque). Copies share it.
class BlockedMap {
 public:
  BlockedMap() = default;
  // A contiguous 1xCxHxW float32 tensor as it is (no copy; the map keeps it alive): the first conv reorders it into
  // the layout it reads, if that is another.
  static BlockedMap from_nchw(const at::Tensor& map);
  // The map as a new contiguous 1xCxHxW float32 tensor (never sharing this map's buffer).
  at::Tensor to_nchw() const;

  std::int64_t channels() const;
  std::int64_t height() const;
  std::int64_t width() const;

  struct Data;  // defined in blocked_conv.cc
  explicit BlockedMap(std::shared_ptr<Data> data) : data_(std::move(data)) {}
  const Data& data() const { return *data_; }

 private:
  std::shared_ptr<Data> data_;
};

class BlockedConv {
 public:
  enum class Activation { kNone, kRelu, kRelu6 };
  struct Geometry {
    std::int64_t stride = 1;
    std::int64_t padding_before = 0;  // zeros above and left of the input
    std::int64_t padding_after = 0;   // zeros below and right (TensorFlow's 'same' pads more after)
    std::int64_t groups = 1;
  };

  BlockedConv();
  // `weight` [out, in / groups, k, k] and `bias` [out] (undefined: none), float32, e.g. fold_batch_norm's result.
  BlockedConv(const at::Tensor& weight, const at::Tensor& bias, Geometry geometry, Activation activation);

  // activation(conv(input) + bias), a new map.
  BlockedMap operator()(const BlockedMap& input) const;
  // activation(conv(input) + bias + residual), written over `residual`'s memory (the map is consumed: its other
  // copies see the result); `input` must be another map.
  BlockedMap operator()(const BlockedMap& input, BlockedMap residual) const;

  std::int64_t out_channels() const;
  // Multiply-adds x 2 for an output of out_height x out_width (for GFLOP/s figures).
  double flops(std::int64_t out_height, std::int64_t out_width) const;

 private:
  struct Prepared;
  std::shared_ptr<Prepared> prepared_;
};

// Multiply-adds x 2 of a direct conv with an output of out_channels x out_height x out_width, each output reading
// in_channels / groups channels through a kernel_size x kernel_size window: the FLOP count of every conv's figures.
double conv_flops(std::int64_t out_channels, std::int64_t in_channels, std::int64_t groups, std::int64_t kernel_size,
                  std::int64_t out_height, std::int64_t out_width);

}  // namespace depthstyle
