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
        const bool touches_image = layer.in_channels <= 3 || layer.out_channels <= 3;
        const at::ScalarType step_dtype = touches_image ? at::kFloat : dtype;
        steps_.push_back(
            {pad_pending, step_dtype, weight->to(step_dtype).contiguous(), bias->to(step_dtype).contiguous()});
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
  const Step& first = steps_.front();
  at::Tensor x = first.pad_before ? reflection_pad_1(input, first.dtype) : input.to(first.dtype).contiguous();
  input.reset();
  for (std::size_t index = 0; index < steps_.size(); ++index) {
    const Step& step = steps_[index];
    at::Tensor conv_output = at::conv2d(x.to(step.dtype), step.weight, step.bias);
    x.reset();  // the conv's input goes before the next layer's input is allocated: one full-size buffer less
    x = finish_step(std::move(conv_output), index);
  }
  return x.to(at::kFloat).contiguous();
}

at::Tensor LayerStack::finish_step(at::Tensor x, std::size_t index) const {
  const Step& step = steps_[index];
  const bool pad_next = index + 1 < steps_.size() && steps_[index + 1].pad_before;
  // The padded input of the next conv is written in that conv's dtype.
  const at::ScalarType next_dtype = index + 1 < steps_.size() ? steps_[index + 1].dtype : step.dtype;
  // ReLU commutes with max pooling and with nearest upsampling, so it is applied where the tensor is smallest or
  // where it costs no extra pass (inside the padding copy).
  if (step.pool_after) x = max_pool_2x2(x);
  if (step.upsample_after) {
    if (step.relu_after) x.relu_();
    return pad_next ? upsample_reflection_pad_1(x, next_dtype)
                    : at::upsample_nearest2d(x, {2 * x.size(2), 2 * x.size(3)}, 2.0, 2.0);
  }
  if (pad_next) return step.relu_after ? relu_reflection_pad_1(x, next_dtype) : reflection_pad_1(x, next_dtype);
  if (step.relu_after) x.relu_();
  return x;
}

namespace {

enum class BeforePadding { kNothing, kReLU, kUpsample };

at::Tensor padded(const at::Tensor& input, BeforePadding before, std::optional<at::ScalarType> dtype) {
  DEPTHSTYLE_ASSERT(input.dim() == 4);
  const std::int64_t batch = input.size(0), channels = input.size(1);
  const std::int64_t factor = before == BeforePadding::kUpsample ? 2 : 1;
  const std::int64_t height = factor * input.size(2), width = factor * input.size(3);
  DEPTHSTYLE_ASSERT(height >= 2 && width >= 2);
  at::Tensor output = at::empty(
      {batch, channels, height + 2, width + 2},
      input.options().dtype(dtype.value_or(input.scalar_type())).memory_format(input.suggest_memory_format()));
  at::Tensor interior = output.narrow(2, 1, height).narrow(3, 1, width);
  switch (before) {
    case BeforePadding::kNothing: interior.copy_(input); break;
    case BeforePadding::kReLU:
      if (interior.scalar_type() == input.scalar_type()) {
        at::clamp_min_out(interior, input, 0);
      } else {  // clamp_min_out cannot convert; rounding keeps signs and zero, so the order does not matter
        interior.copy_(input);
        interior.clamp_min_(0);
      }
      break;
    case BeforePadding::kUpsample:
      // Output pixel (y, x) = input pixel (y / 2, x / 2): a broadcast copy into the 2x2-split interior.
      interior.view({batch, channels, input.size(2), 2, input.size(3), 2})
          .copy_(input.view({batch, channels, input.size(2), 1, input.size(3), 1})
                     .expand({batch, channels, input.size(2), 2, input.size(3), 2}));
      break;
  }
  // Row 0 mirrors interior row 1 (output row 2); row H+1 mirrors interior row H-2 (output row H-1). The columns are
  // copied after the rows, whole height, so the corners mirror the diagonal neighbour as PyTorch's do.
  output.select(2, 0).copy_(output.select(2, 2));
  output.select(2, height + 1).copy_(output.select(2, height - 1));
  output.select(3, 0).copy_(output.select(3, 2));
  output.select(3, width + 1).copy_(output.select(3, width - 1));
  return output;
}

// out = max of input's rows (or columns: `dim` 3) taken in pairs; an odd last one is copied alone (ceil mode).
void max_of_pairs(const at::Tensor& input, std::int64_t dim, at::Tensor& out) {
  const std::int64_t pairs = input.size(dim) / 2;
  std::vector<std::int64_t> split = input.sizes().vec();
  split[dim] = pairs;
  split.insert(split.begin() + dim + 1, 2);
  const at::Tensor paired = input.narrow(dim, 0, 2 * pairs).view(split);
  at::Tensor out_pairs = out.narrow(dim, 0, pairs);
  at::maximum_out(out_pairs, paired.select(dim + 1, 0), paired.select(dim + 1, 1));
  if (input.size(dim) % 2 == 1) out.select(dim, pairs).copy_(input.select(dim, input.size(dim) - 1));
}

}  // namespace

at::Tensor reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype) {
  return padded(input, BeforePadding::kNothing, dtype);
}
at::Tensor relu_reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype) {
  return padded(input, BeforePadding::kReLU, dtype);
}
at::Tensor upsample_reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype) {
  return padded(input, BeforePadding::kUpsample, dtype);
}

at::Tensor max_pool_2x2(const at::Tensor& input) {
  // Two passes of pairwise maxima (rows, then columns) run several times faster than ATen's NCHW max_pool2d
  // kernel here, and compare the same four values, so the result is identical.
  DEPTHSTYLE_ASSERT(input.dim() == 4);
  const auto pooled = [](std::int64_t side) { return (side + 1) / 2; };
  const at::TensorOptions options = input.options().memory_format(input.suggest_memory_format());
  at::Tensor rows = at::empty({input.size(0), input.size(1), pooled(input.size(2)), input.size(3)}, options);
  max_of_pairs(input, 2, rows);
  at::Tensor output = at::empty({input.size(0), input.size(1), rows.size(2), pooled(input.size(3))}, options);
  max_of_pairs(rows, 3, output);
  return output;
}

}  // namespace depthstyle
