#include "nets/layer_stack.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>

#include "core/error.h"
#include "core/text.h"
#include "nets/onednn_runtime.h"
#include "nets/vector_kernels.h"

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
  // The test oneDNN 2.6 (through ATen's mkldnn_bf16_device_check) applies before it uses its JIT bf16 kernels, and
  // those kernels need oneDNN not held below AVX-512 (DNNL_MAX_CPU_ISA=AVX2 leaves no bf16 convolution at all).
  return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") && onednn::has_avx512_kernels();
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

namespace {

// Winograd F(4x4, 3x3) needs 4x fewer multiply-adds than oneDNN's direct float32 convs (nets/winograd_conv.h); the
// convs touching the 3-channel image are memory-bound and stay direct.
bool uses_winograd(const Layer& layer, at::ScalarType dtype) {
  return layer.kernel_size == 3 && layer.in_channels > 3 && layer.out_channels > 3 && dtype == at::kFloat &&
         WinogradConv3x3::available();
}

}  // namespace

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
        // Without native bf16 kernels, ATen's fallback for bf16 convs keeps its partial sums in bf16 (2-4% error per
        // layer measured here); bf16 hardware multiplies bf16 operands and sums in float32, and so does this.
        const at::ScalarType operand_dtype =
            step_dtype == at::kBFloat16 && !bf16_is_native() ? at::kFloat : step_dtype;
        steps_.push_back({pad_pending, step_dtype, weight->to(step_dtype).to(operand_dtype).contiguous(),
                          bias->to(step_dtype).to(operand_dtype).contiguous()});
        if (uses_winograd(layer, operand_dtype)) {
          steps_.back().winograd = std::make_shared<const WinogradConv3x3>(steps_.back().weight, steps_.back().bias);
        }
        pad_pending = false;
        break;
      }
      case LayerKind::kReLU:
        DEPTHSTYLE_ASSERT(!steps_.empty() && !pad_pending);
        steps_.back().relu_after = true;
        steps_.back().relu_module = index;
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

at::Tensor LayerStack::forward(at::Tensor input, std::size_t stripe_bytes) const {
  return run(std::move(input), nullptr, nullptr, stripe_bytes);
}

at::Tensor LayerStack::forward_with_taps(at::Tensor input, const std::vector<std::size_t>& relu_modules,
                                         std::vector<at::Tensor>& taps, std::size_t stripe_bytes) const {
  for (std::size_t i = 0; i < relu_modules.size(); ++i) {
    DEPTHSTYLE_ASSERT(i == 0 || relu_modules[i - 1] < relu_modules[i]);
    const auto step = std::find_if(steps_.begin(), steps_.end(),
                                   [&](const Step& s) { return s.relu_after && s.relu_module == relu_modules[i]; });
    DEPTHSTYLE_ASSERT(step != steps_.end() && !step->pool_after && !step->upsample_after);
  }
  taps.clear();
  return run(std::move(input), &relu_modules, &taps, stripe_bytes);
}

at::Tensor LayerStack::run(at::Tensor input, const std::vector<std::size_t>* relu_modules,
                           std::vector<at::Tensor>* taps, std::size_t stripe_bytes) const {
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
    x = run_step(x, index, stripe_bytes);
    if (taps == nullptr || taps->size() == relu_modules->size()) continue;
    if (!steps_[index].relu_after || steps_[index].relu_module != (*relu_modules)[taps->size()]) continue;
    // The next conv's padded input holds the activation in its interior.
    const bool padded = index + 1 < steps_.size() && steps_[index + 1].pad_before;
    const at::Tensor interior = padded ? x.narrow(2, 1, x.size(2) - 2).narrow(3, 1, x.size(3) - 2) : x;
    taps->push_back(interior.to(at::kFloat));
  }
  DEPTHSTYLE_ASSERT(taps == nullptr || taps->size() == relu_modules->size());
  return x.to(at::kFloat).contiguous();
}

namespace {

enum class BeforePadding { kNothing, kReLU, kUpsample };

// Writes `source` (ReLU'd or upsampled x2 first, if asked) into `destination`, converting the dtype.
void write_transformed(const at::Tensor& source, BeforePadding before, at::Tensor destination) {
  switch (before) {
    case BeforePadding::kNothing: destination.copy_(source); break;
    case BeforePadding::kReLU:
      if (destination.scalar_type() == source.scalar_type()) {
        at::clamp_min_out(destination, source, 0);
      } else {  // clamp_min_out cannot convert; rounding keeps signs and zero, so the order does not matter
        destination.copy_(source);
        destination.clamp_min_(0);
      }
      break;
    case BeforePadding::kUpsample: {
      // Output pixel (y, x) = input pixel (y / 2, x / 2): a broadcast copy into the 2x2-split destination.
      const std::int64_t batch = source.size(0), channels = source.size(1);
      const std::int64_t height = source.size(2), width = source.size(3);
      destination.view({batch, channels, height, 2, width, 2})
          .copy_(source.view({batch, channels, height, 1, width, 1}).expand({batch, channels, height, 2, width, 2}));
      break;
    }
  }
}

// Fills the one-pixel border of `padded` from its interior, as ReflectionPad2d(1). Row 0 mirrors interior row 1
// (row 2); row H+1 mirrors interior row H-2 (row H-1). The columns are copied after the rows, whole height, so the
// corners mirror the diagonal neighbour as PyTorch's do.
void reflect_border(at::Tensor& padded) {
  const std::int64_t height = padded.size(2) - 2, width = padded.size(3) - 2;
  padded.select(2, 0).copy_(padded.select(2, 2));
  padded.select(2, height + 1).copy_(padded.select(2, height - 1));
  padded.select(3, 0).copy_(padded.select(3, 2));
  padded.select(3, width + 1).copy_(padded.select(3, width - 1));
}

// concat_reflection_pad_1's planes, each in one pass (nets/vector_kernels.h), the threads taking planes.
void write_parts_vectorised(const std::vector<PaddedPart>& parts, at::Tensor& output) {
  struct Plane {
    const float* source;
    std::int64_t height, width;
    const PaddedPart* part;
  };
  std::vector<Plane> planes;
  for (std::int64_t image = 0; image < output.size(0); ++image) {
    for (const PaddedPart& part : parts) {
      const at::Tensor& tensor = part.tensor;
      const float* data = tensor.data_ptr<float>() + image * tensor.stride(0);
      for (std::int64_t channel = 0; channel < tensor.size(1); ++channel) {
        planes.push_back({data + channel * tensor.stride(1), tensor.size(2), tensor.size(3), &part});
      }
    }
  }
  const std::int64_t plane_size = output.size(2) * output.size(3);
  float* destination = output.data_ptr<float>();
  at::parallel_for(0, static_cast<std::int64_t>(planes.size()), 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t index = begin; index < end; ++index) {
      const Plane& plane = planes[static_cast<std::size_t>(index)];
      write_reflection_padded_plane(plane.source, plane.height, plane.width, plane.part->upsample ? 2 : 1,
                                    plane.part->elu, destination + index * plane_size);
    }
  });
}

at::Tensor padded(const at::Tensor& input, BeforePadding before, std::optional<at::ScalarType> dtype) {
  DEPTHSTYLE_ASSERT(input.dim() == 4);
  const std::int64_t factor = before == BeforePadding::kUpsample ? 2 : 1;
  const std::int64_t height = factor * input.size(2), width = factor * input.size(3);
  DEPTHSTYLE_ASSERT(height >= 2 && width >= 2);
  at::Tensor output = at::empty(
      {input.size(0), input.size(1), height + 2, width + 2},
      input.options().dtype(dtype.value_or(input.scalar_type())).memory_format(input.suggest_memory_format()));
  write_transformed(input, before, output.narrow(2, 1, height).narrow(3, 1, width));
  reflect_border(output);
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

at::Tensor LayerStack::convolve(const Step& step, const at::Tensor& input) {
  const at::Tensor operand = input.to(step.weight.scalar_type());
  if (step.winograd) return step.winograd->forward(operand);
  return at::conv2d(operand, step.weight, step.bias);
}

at::Tensor LayerStack::run_step(const at::Tensor& input, std::size_t index, std::size_t stripe_bytes) const {
  const Step& step = steps_[index];
  const bool pad_next = index + 1 < steps_.size() && steps_[index + 1].pad_before;
  // The padded input of the next conv is written in that conv's dtype.
  const at::ScalarType next_dtype = index + 1 < steps_.size() ? steps_[index + 1].dtype : step.dtype;
  const std::int64_t kernel = step.weight.size(2);
  const std::int64_t conv_height = input.size(2) - kernel + 1, conv_width = input.size(3) - kernel + 1;
  const std::int64_t channels = step.weight.size(0);

  // Rows of the destination per conv output row: 1/2 after pooling (ceil), 2 after upsampling.
  const auto destination_rows = [&](std::int64_t conv_rows) {
    return step.pool_after ? (conv_rows + 1) / 2 : step.upsample_after ? 2 * conv_rows : conv_rows;
  };
  const std::int64_t height = destination_rows(conv_height);
  const std::int64_t width =
      step.pool_after ? (conv_width + 1) / 2 : step.upsample_after ? 2 * conv_width : conv_width;
  const std::int64_t border = pad_next ? 1 : 0;
  DEPTHSTYLE_ASSERT(!pad_next || (height >= 2 && width >= 2));  // forward() checked the input size
  at::Tensor destination = at::empty({input.size(0), channels, height + 2 * border, width + 2 * border},
                                     input.options().dtype(next_dtype));
  at::Tensor interior = destination.narrow(2, border, height).narrow(3, border, width);

  // ReLU commutes with max pooling and with nearest upsampling, so it is applied where the tensor is smallest or
  // where it costs no extra pass (inside the copy into the destination).
  const std::int64_t row_bytes =
      input.size(0) * channels * conv_width * static_cast<std::int64_t>(at::elementSize(step.weight.scalar_type()));
  std::int64_t stripe_rows = std::max<std::int64_t>(2, static_cast<std::int64_t>(stripe_bytes) / row_bytes);
  stripe_rows -= stripe_rows % 2;  // pooling pairs rows: stripes start on even rows
  for (std::int64_t row = 0; row < conv_height; row += stripe_rows) {
    const std::int64_t rows = std::min(stripe_rows, conv_height - row);
    at::Tensor stripe = convolve(step, input.narrow(2, row, rows + kernel - 1));
    at::Tensor target = interior.narrow(2, destination_rows(row), destination_rows(rows));
    if (step.pool_after) stripe = max_pool_2x2(stripe);
    if (step.upsample_after) {
      if (step.relu_after) stripe.relu_();
      write_transformed(stripe, BeforePadding::kUpsample, target);
    } else {
      write_transformed(stripe, step.relu_after ? BeforePadding::kReLU : BeforePadding::kNothing, target);
    }
  }
  if (pad_next) reflect_border(destination);
  return destination;
}

at::Tensor reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype) {
  return padded(input, BeforePadding::kNothing, dtype);
}
at::Tensor relu_reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype) {
  return padded(input, BeforePadding::kReLU, dtype);
}
at::Tensor upsample_reflection_pad_1(const at::Tensor& input, std::optional<at::ScalarType> dtype) {
  return padded(input, BeforePadding::kUpsample, dtype);
}

at::Tensor concat_reflection_pad_1(const std::vector<PaddedPart>& parts) {
  DEPTHSTYLE_ASSERT(!parts.empty());
  const at::Tensor& first = parts.front().tensor;
  const std::int64_t factor = parts.front().upsample ? 2 : 1;
  const std::int64_t height = factor * first.size(2), width = factor * first.size(3);
  DEPTHSTYLE_ASSERT(height >= 2 && width >= 2);
  std::int64_t channels = 0;
  bool vectorised = cpu_has_avx2_fma();
  for (const PaddedPart& part : parts) {
    const std::int64_t part_factor = part.upsample ? 2 : 1;
    DEPTHSTYLE_ASSERT(part.tensor.dim() == 4 && part.tensor.size(0) == first.size(0) &&
                      part_factor * part.tensor.size(2) == height && part_factor * part.tensor.size(3) == width &&
                      part.tensor.scalar_type() == first.scalar_type());
    vectorised = vectorised && part.tensor.scalar_type() == at::kFloat && part.tensor.is_contiguous();
    channels += part.tensor.size(1);
  }
  at::Tensor output = at::empty({first.size(0), channels, height + 2, width + 2}, first.options());
  if (vectorised) {
    write_parts_vectorised(parts, output);
    return output;
  }
  at::Tensor interior = output.narrow(2, 1, height).narrow(3, 1, width);
  std::int64_t channel = 0;
  for (const PaddedPart& part : parts) {
    write_transformed(part.elu ? at::elu(part.tensor) : part.tensor,
                      part.upsample ? BeforePadding::kUpsample : BeforePadding::kNothing,
                      interior.narrow(1, channel, part.tensor.size(1)));
    channel += part.tensor.size(1);
  }
  reflect_border(output);
  return output;
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
