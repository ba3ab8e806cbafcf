#include "nets/folded_conv.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

#include "core/error.h"
#include "nets/onednn_runtime.h"
#include "nets/vector_kernels.h"

namespace depthstyle {

class FoldedConv::LazyWinograd {
 public:
  // The form of the conv whose blocked weight and bias (undefined: none) are given, made on the first call. The
  // blocked weight's plain copy holds the same float32 values, so the form is the one made from the folded weight.
  const WinogradConv3x3& get(const at::Tensor& blocked_weight, const at::Tensor& bias) {
    std::call_once(made_, [&] {
      const at::Tensor weight = blocked_weight.to_dense();
      winograd_ = std::make_unique<const WinogradConv3x3>(
          weight, bias.defined() ? bias : at::zeros({weight.size(0)}, at::kFloat));
    });
    return *winograd_;
  }

 private:
  std::once_flag made_;
  std::unique_ptr<const WinogradConv3x3> winograd_;
};

FoldedWeights fold_batch_norm(const at::Tensor& weight, const at::Tensor& bias,
                              const std::optional<BatchNormTensors>& norm) {
  DEPTHSTYLE_ASSERT(weight.dim() == 4);
  at::Tensor folded_weight = weight.to(at::kDouble);
  at::Tensor folded_bias = bias.defined() ? bias.to(at::kDouble) : at::Tensor();
  if (norm) {
    DEPTHSTYLE_ASSERT(norm->weight.numel() == weight.size(0));
    const at::Tensor scale = norm->weight.to(at::kDouble) / (norm->running_var.to(at::kDouble) + norm->eps).sqrt();
    folded_weight = folded_weight * scale.view({-1, 1, 1, 1});
    const at::Tensor shifted =
        folded_bias.defined() ? folded_bias - norm->running_mean.to(at::kDouble) : -norm->running_mean.to(at::kDouble);
    folded_bias = shifted * scale + norm->bias.to(at::kDouble);
  }
  return {folded_weight.to(at::kFloat).contiguous(),
          folded_bias.defined() ? folded_bias.to(at::kFloat).contiguous() : at::Tensor()};
}

FoldedConv::FoldedConv(const at::Tensor& weight, const at::Tensor& bias, ConvGeometry geometry,
                       const std::optional<BatchNormTensors>& norm)
    : geometry_(geometry) {
  DEPTHSTYLE_ASSERT(weight.dim() == 4 && weight.size(2) == weight.size(3));
  out_channels_ = weight.size(0);
  in_channels_ = weight.size(1) * geometry.groups;
  kernel_size_ = weight.size(2);
  const FoldedWeights folded = fold_batch_norm(weight, bias, norm);
  if (kernel_size_ == 3 && geometry.stride == 1 && geometry.groups == 1 && geometry.padding <= 2 &&
      in_channels_ >= kWinogradMinChannels && out_channels_ >= kWinogradMinChannels &&
      WinogradConv3x3::available()) {
    winograd_ = std::make_shared<LazyWinograd>();
  }
  if (out_channels_ == 1 && geometry.groups == 1 && geometry.stride == 1 && geometry.padding < kernel_size_ &&
      (kernel_size_ == 1 || kernel_size_ == 3) && cpu_has_avx2_fma()) {
    single_output_weight_ = folded.weight;
    single_output_bias_ = folded.bias.defined() ? folded.bias.item<float>() : 0.0f;
  }
  const std::int64_t padding[2] = {geometry.padding, geometry.padding};
  const std::int64_t stride[2] = {geometry.stride, geometry.stride};
  const std::int64_t dilation[2] = {1, 1};
  weight_ = at::mkldnn_reorder_conv2d_weight(folded.weight.to_mkldnn(), padding, stride, dilation, geometry.groups);
  bias_ = folded.bias;
}

at::Tensor FoldedConv::operator()(const at::Tensor& input, const FusedOps& fused) const {
  DEPTHSTYLE_ASSERT(input.dim() == 4 && input.size(1) == in_channels_);
  const std::int64_t out_height = input.size(2) + 2 * geometry_.padding - kernel_size_ + 1;
  const std::int64_t out_width = input.size(3) + 2 * geometry_.padding - kernel_size_ + 1;
  if (!single_output_weight_.defined() && !input.is_mkldnn() && uses_winograd(out_height, out_width)) {
    FusedOps dense = fused;
    if (dense.residual.defined()) dense.residual = as_dense(dense.residual).contiguous();
    return winograd_->get(weight_, bias_).forward(input.contiguous(), geometry_.padding, dense);
  }
  // Elsewhere the steps run as ATen ops of their own: on a blocked (MKLDNN) map, Winograd would need the residual
  // reordered to NCHW too, which costs what the sum saves.
  at::Tensor output = convolve(fused.relu_input ? at::relu(input) : input, out_height, out_width);
  if (fused.residual.defined()) output.add_(fused.residual);
  if (fused.relu_output) output.relu_();
  return output;
}

at::Tensor FoldedConv::convolve(const at::Tensor& input, std::int64_t out_height, std::int64_t out_width) const {
  // The kernels of our own read and write NCHW: a blocked input is reordered for them and their output back.
  const auto on_nchw = [&input](const auto& kernel) {
    const at::Tensor output = kernel(as_dense(input).contiguous());
    return input.is_mkldnn() ? output.to_mkldnn() : output;
  };
  if (single_output_weight_.defined()) {
    return on_nchw([&](const at::Tensor& nchw) {
      return single_output_conv(nchw, single_output_weight_.data_ptr<float>(), single_output_bias_, kernel_size_,
                                geometry_.padding);
    });
  }
  if (uses_winograd(out_height, out_width)) {
    return on_nchw(
        [&](const at::Tensor& nchw) { return winograd_->get(weight_, bias_).forward(nchw, geometry_.padding); });
  }
  const std::int64_t padding[2] = {geometry_.padding, geometry_.padding};
  const std::int64_t stride[2] = {geometry_.stride, geometry_.stride};
  const std::int64_t dilation[2] = {1, 1};
  const at::Tensor dense_input = input.is_mkldnn() ? input : input.contiguous();
  return at::mkldnn_convolution(dense_input, weight_, bias_.defined() ? c10::optional<at::Tensor>(bias_) : c10::nullopt,
                                padding, stride, dilation, geometry_.groups);
}

DirectConvKernels direct_conv_kernels() {
  static const DirectConvKernels kernels =
      onednn::has_avx512_kernels() ? DirectConvKernels::kAvx512 : DirectConvKernels::kAvx2;
  return kernels;
}

bool winograd_pays(std::int64_t in_channels, std::int64_t out_height, std::int64_t out_width,
                   DirectConvKernels kernels) {
  constexpr std::int64_t kGroupRows = 4, kGroupColumns = 32;  // WinogradConv3x3's 8 tiles of 4x4 side by side
  const std::int64_t covered = (out_height + kGroupRows - 1) / kGroupRows * kGroupRows *
                               ((out_width + kGroupColumns - 1) / kGroupColumns * kGroupColumns);
  const std::int64_t pixels = out_height * out_width;
  const std::int64_t fewest_pixels =
      kernels == DirectConvKernels::kAvx512 ? std::max<std::int64_t>(512, in_channels) : 256;
  return pixels >= fewest_pixels && 10 * pixels >= 6 * covered;
}

double FoldedConv::flops(std::int64_t out_height, std::int64_t out_width) const {
  return conv_flops(out_channels_, in_channels_, geometry_.groups, kernel_size_, out_height, out_width);
}

void append_conv_layout(WeightLayout& layout, const std::string& prefix, std::int64_t out_channels,
                        std::int64_t in_channels, std::int64_t kernel_size, std::int64_t groups, bool with_bias) {
  layout.tensors.push_back(
      {prefix + ".weight", at::kFloat, {out_channels, in_channels / groups, kernel_size, kernel_size}});
  if (with_bias) layout.tensors.push_back({prefix + ".bias", at::kFloat, {out_channels}});
}

void append_batch_norm_layout(WeightLayout& layout, const std::string& prefix, std::int64_t channels) {
  for (const char* name : {".weight", ".bias", ".running_mean", ".running_var"}) {
    layout.tensors.push_back({prefix + name, at::kFloat, {channels}});
  }
  layout.tensors.push_back({prefix + ".num_batches_tracked", at::kLong, {}, /*required=*/false});
}

at::Tensor as_dense(const at::Tensor& map) { return map.is_mkldnn() ? map.to_dense() : map; }

const at::Tensor& checked_tensor(const NamedTensors& weights, const std::string& name) {
  const at::Tensor* tensor = find_tensor(weights, name);
  DEPTHSTYLE_ASSERT(tensor != nullptr);
  return *tensor;
}

namespace {

// The conv's bias under `conv_prefix` (undefined without one) and the BatchNorm under `norm_prefix` ("" = none).
at::Tensor bias_from(const NamedTensors& weights, const std::string& conv_prefix) {
  const at::Tensor* bias = find_tensor(weights, conv_prefix + ".bias");
  return bias ? *bias : at::Tensor();
}
std::optional<BatchNormTensors> optional_batch_norm(const NamedTensors& weights, const std::string& norm_prefix) {
  if (norm_prefix.empty()) return std::nullopt;
  return batch_norm_from(weights, norm_prefix);
}

}  // namespace

BatchNormTensors batch_norm_from(const NamedTensors& weights, const std::string& prefix) {
  return BatchNormTensors{checked_tensor(weights, prefix + ".weight"), checked_tensor(weights, prefix + ".bias"),
                          checked_tensor(weights, prefix + ".running_mean"),
                          checked_tensor(weights, prefix + ".running_var")};
}

FoldedConv folded_conv_from(const NamedTensors& weights, const std::string& conv_prefix, ConvGeometry geometry,
                            const std::string& norm_prefix) {
  return FoldedConv(checked_tensor(weights, conv_prefix + ".weight"), bias_from(weights, conv_prefix), geometry,
                    optional_batch_norm(weights, norm_prefix));
}

BlockedConv blocked_conv_from(const NamedTensors& weights, const std::string& conv_prefix, ConvGeometry geometry,
                              const std::string& norm_prefix, bool relu) {
  const FoldedWeights folded = fold_batch_norm(checked_tensor(weights, conv_prefix + ".weight"),
                                               bias_from(weights, conv_prefix), optional_batch_norm(weights, norm_prefix));
  return BlockedConv(folded.weight, folded.bias,
                     {geometry.stride, geometry.padding, geometry.padding, geometry.groups},
                     relu ? BlockedConv::Activation::kRelu : BlockedConv::Activation::kNone);
}

}  // namespace depthstyle
