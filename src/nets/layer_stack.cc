#include "nets/layer_stack.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::kFloat32: return "fp32";
    case Precision::kBFloat16: return "bf16";
  }
  DEPTHSTYLE_ASSERT(false);
}

Precision precision_from_string(const std::string& name) {
  if (name == "fp32") return Precision::kFloat32;
  if (name == "bf16") return Precision::kBFloat16;
  throw UsageError(concat("unknown precision '", name, "'; expected fp32 or bf16"));
}

at::ScalarType compute_dtype(Precision precision) {
  return precision == Precision::kBFloat16 ? at::kBFloat16 : at::kFloat;
}

bool bf16_is_native() {
  // The test oneDNN 2.6 (through ATen's mkldnn_bf16_device_check) applies before it uses its JIT bf16 kernels.
  return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq");
}

WeightLayout weight_layout_of(const std::string& model, const LayerTable& layers, std::size_t required_count) {
  WeightLayout layout{model, {}};
  for (std::size_t index = 0; index < layers.size(); ++index) {
    const Layer& layer = layers[index];
    if (layer.kind != LayerKind::kConv) continue;
    const bool required = index < required_count;
    const std::string prefix = std::to_string(index);
    layout.tensors.push_back(
        {prefix + ".weight", at::kFloat,
         {layer.out_channels, layer.in_channels, layer.kernel_size, layer.kernel_size}, required});
    layout.tensors.push_back({prefix + ".bias", at::kFloat, {layer.out_channels}, required});
  }
  return layout;
}

namespace {

std::int64_t pooled_side(std::int64_t side) { return (side + 1) / 2; }  // 2x2, stride 2, ceil_mode

// The conv output sizes of a forward pass, or an empty list if a pad or conv meets a side too small for it.
struct ConvShape {
  std::size_t index;
  std::int64_t height, width;
};
std::vector<ConvShape> conv_output_shapes(const LayerTable& layers, std::size_t used_count, std::int64_t height,
                                          std::int64_t width) {
  std::vector<ConvShape> shapes;
  for (std::size_t index = 0; index < used_count; ++index) {
    const Layer& layer = layers[index];
    switch (layer.kind) {
      case LayerKind::kReflectionPad:
        if (height < 2 || width < 2) return {};
        height += 2, width += 2;
        break;
      case LayerKind::kConv:
        if (height < layer.kernel_size || width < layer.kernel_size) return {};
        height -= layer.kernel_size - 1, width -= layer.kernel_size - 1;
        shapes.push_back({index, height, width});
        break;
      case LayerKind::kMaxPool: height = pooled_side(height), width = pooled_side(width); break;
      case LayerKind::kUpsample: height *= 2, width *= 2; break;
      case LayerKind::kReLU: break;
    }
  }
  return shapes;
}

}  // namespace

double conv_flops(const LayerTable& layers, std::size_t used_count, std::int64_t height, std::int64_t width) {
  double flops = 0;
  for (const ConvShape& shape : conv_output_shapes(layers, used_count, height, width)) {
    const Layer& layer = layers[shape.index];
    flops += 2.0 * static_cast<double>(shape.height * shape.width) * static_cast<double>(layer.out_channels) *
             static_cast<double>(layer.in_channels * layer.kernel_size * layer.kernel_size);
  }
  return flops;
}

LayerStack::LayerStack(std::string name, const LayerTable& layers, std::size_t used_count,
                       const NamedTensors& weights, Precision precision)
    : name_(std::move(name)), precision_(precision) {
  DEPTHSTYLE_ASSERT(used_count <= layers.size());
  const at::ScalarType dtype = compute_dtype(precision);
  bool pad_pending = false;
  for (std::size_t index = 0; index < used_count; ++index) {
    const Layer& layer = layers[index];
    switch (layer.kind) {
      case LayerKind::kReflectionPad:
        DEPTHSTYLE_ASSERT(!pad_pending);
        pad_pending = true;
        break;
      case LayerKind::kConv: {
        const at::Tensor* weight = find_tensor(weights, std::to_string(index) + ".weight");
        const at::Tensor* bias = find_tensor(weights, std::to_string(index) + ".bias");
        DEPTHSTYLE_ASSERT(weight != nullptr && bias != nullptr);
        if (steps_.empty()) in_channels_ = layer.in_channels;
        steps_.push_back({pad_pending, weight->to(dtype).contiguous(), bias->to(dtype).contiguous()});
        pad_pending = false;
        break;
      }
      case LayerKind::kReLU:
        DEPTHSTYLE_ASSERT(!steps_.empty() && !pad_pending);
        steps_.back().relu_after = true;
        break;
      case LayerKind::kMaxPool:
        DEPTHSTYLE_ASSERT(!steps_.empty() && !pad_pending && !steps_.back().upsample_after);
        steps_.back().pool_after = true;
        break;
      case LayerKind::kUpsample:
        DEPTHSTYLE_ASSERT(!steps_.empty() && !pad_pending && !steps_.back().pool_after);
        steps_.back().upsample_after = true;
        break;
    }
  }
  DEPTHSTYLE_ASSERT(!pad_pending && !steps_.empty());
  // The smallest square input every layer accepts; larger sides are accepted too (sizes only shrink by pooling).
  while (conv_output_shapes(layers, used_count, minimum_input_side_, minimum_input_side_).empty()) {
    ++minimum_input_side_;
  }
}

at::Tensor LayerStack::forward(at::Tensor input) const {
  if (input.dim() != 4 || input.size(1) != in_channels_) {
    throw Error(concat(name_, ": expected an Nx", in_channels_, "xHxW input, got ", shape_text(input.sizes())));
  }
  if (input.size(2) < minimum_input_side_ || input.size(3) < minimum_input_side_) {
    throw Error(concat(name_, ": a ", input.size(3), "x", input.size(2), " (width x height) input is too small; ",
                       "reflection padding needs 2 pixels at every layer, so both sides must be at least ",
                       minimum_input_side_));
  }
  at::NoGradGuard no_grad;
  at::Tensor x = std::move(input).to(compute_dtype(precision_)).contiguous();
  for (const Step& step : steps_) {
    if (step.pad_before) x = reflection_pad_1(x);
    x = at::conv2d(x, step.weight, step.bias);
    if (step.relu_after) x.relu_();
    if (step.pool_after) x = at::max_pool2d(x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
    if (step.upsample_after) {
      x = at::upsample_nearest2d(x, {2 * x.size(2), 2 * x.size(3)}, 2.0, 2.0);
    }
  }
  return x.to(at::kFloat).contiguous();
}

at::Tensor reflection_pad_1(const at::Tensor& input) {
  DEPTHSTYLE_ASSERT(input.dim() == 4);
  const std::int64_t height = input.size(2), width = input.size(3);
  DEPTHSTYLE_ASSERT(height >= 2 && width >= 2);
  at::Tensor padded =
      at::empty({input.size(0), input.size(1), height + 2, width + 2},
                input.options().memory_format(input.suggest_memory_format()));
  padded.narrow(2, 1, height).narrow(3, 1, width).copy_(input);
  // Row 0 mirrors input row 1 (padded row 2); row H+1 mirrors input row H-2 (padded row H-1). The columns are
  // copied after the rows, whole height, so the corners mirror the diagonal neighbour as PyTorch's do.
  padded.select(2, 0).copy_(padded.select(2, 2));
  padded.select(2, height + 1).copy_(padded.select(2, height - 1));
  padded.select(3, 0).copy_(padded.select(3, 2));
  padded.select(3, width + 1).copy_(padded.select(3, width - 1));
  return padded;
}

}  // namespace depthstyle
