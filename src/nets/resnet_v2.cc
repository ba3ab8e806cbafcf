#include "nets/resnet_v2.h"

#include <ATen/ATen.h>

#include <limits>
#include <utility>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

constexpr std::int64_t kStemChannels = 64;
constexpr std::int64_t kFirstStageChannels = 256;  // doubled at each later stage
constexpr std::int64_t kGroups = 32;               // GroupNormAct(num_groups=32)
constexpr double kGroupNormEps = 1e-5;             // nn.GroupNorm's default
constexpr double kStandardizeEps = 1e-8;           // _resnetv2's partial(StdConv2dSame, eps=1e-8)
constexpr std::int64_t kPoolKernel = 3;

std::int64_t stage_channels(std::size_t stage) { return kFirstStageChannels << stage; }
std::int64_t stage_stride(std::size_t stage) { return stage == 0 ? 1 : 2; }
std::string stem_key(const std::string& prefix, const char* name) { return concat(prefix, ".stem.", name); }
std::string block_key(const std::string& prefix, std::size_t stage, int block) {
  return concat(prefix, ".stages.", stage, ".blocks.", block);
}

void append_group_norm_layout(WeightLayout& layout, const std::string& prefix, std::int64_t channels) {
  layout.tensors.push_back({prefix + ".weight", at::kFloat, {channels}});
  layout.tensors.push_back({prefix + ".bias", at::kFloat, {channels}});
}

// TensorFlow's SAME padding of one side of `size` (timm's get_same_padding): {before, after}.
std::pair<std::int64_t, std::int64_t> same_padding(std::int64_t size, std::int64_t kernel, std::int64_t stride) {
  const std::int64_t output = (size + stride - 1) / stride;
  const std::int64_t total = std::max<std::int64_t>((output - 1) * stride + kernel - size, 0);
  return {total / 2, total - total / 2};
}

// timm's pad_same: the input padded with `value` as SAME needs it (a no-op when no padding is needed).
at::Tensor pad_same(const at::Tensor& input, std::int64_t kernel, std::int64_t stride, double value) {
  const auto [top, bottom] = same_padding(input.size(2), kernel, stride);
  const auto [left, right] = same_padding(input.size(3), kernel, stride);
  if (top == 0 && bottom == 0 && left == 0 && right == 0) return input;
  return at::constant_pad_nd(input, {left, right, top, bottom}, value);
}

std::int64_t strided_side(std::int64_t side, std::int64_t stride) { return (side + stride - 1) / stride; }

}  // namespace

at::Tensor standardized_conv_weight(const at::Tensor& weight, double eps) {
  const at::Tensor rows = weight.to(at::kDouble).reshape({weight.size(0), -1});
  const at::Tensor mean = rows.mean(1, /*keepdim=*/true);
  const at::Tensor variance = (rows - mean).pow(2).mean(1, /*keepdim=*/true);
  return ((rows - mean) / (variance + eps).sqrt()).reshape(weight.sizes()).to(at::kFloat).contiguous();
}

// A StdConv2dSame (standardised at load) and the GroupNormAct after it.
struct ResNetV2Backbone::Layer {
  FoldedConv conv;
  std::int64_t kernel = 1;
  std::int64_t stride = 1;
  at::Tensor norm_weight, norm_bias;  // [out]
  bool relu = true;

  Layer(const NamedTensors& weights, const std::string& conv_key, const std::string& norm_key, std::int64_t stride,
        bool relu)
      : stride(stride), relu(relu) {
    const at::Tensor weight = standardized_conv_weight(checked_tensor(weights, conv_key + ".weight"), kStandardizeEps);
    kernel = weight.size(2);
    // Stride 1: timm's static symmetric padding; otherwise pad_same before a conv without padding.
    const std::int64_t padding = stride == 1 ? (kernel - 1) / 2 : 0;
    conv = FoldedConv(weight, at::Tensor(), {stride, padding, 1});
    norm_weight = checked_tensor(weights, norm_key + ".weight");
    norm_bias = checked_tensor(weights, norm_key + ".bias");
  }

  at::Tensor operator()(const at::Tensor& input) const {
    at::Tensor output = conv(stride == 1 ? input : pad_same(input, kernel, stride, 0.0));
    output = at::group_norm(output, kGroups, norm_weight, norm_bias, kGroupNormEps, /*cudnn_enabled=*/false);
    return relu ? output.relu_() : output;
  }

  double flops(std::int64_t in_height, std::int64_t in_width) const {
    return conv.flops(strided_side(in_height, stride), strided_side(in_width, stride));
  }
};

struct ResNetV2Backbone::Block {
  std::vector<Layer> downsample;  // empty or one Layer without ReLU
  std::vector<Layer> layers;      // conv1/norm1, conv2/norm2 (the stride), conv3/norm3 (no ReLU)

  at::Tensor operator()(const at::Tensor& input) const {
    const at::Tensor shortcut = downsample.empty() ? input : downsample[0](input);
    at::Tensor x = input;
    for (const Layer& layer : layers) x = layer(x);
    return x.add_(shortcut).relu_();
  }
};

void append_resnet_v2_layout(WeightLayout& layout, const std::string& prefix, const ResNetV2Depths& depths) {
  append_conv_layout(layout, stem_key(prefix, "conv"), kStemChannels, 3, 7, 1, false);
  append_group_norm_layout(layout, stem_key(prefix, "norm"), kStemChannels);
  std::int64_t in_channels = kStemChannels;
  for (std::size_t stage = 0; stage < depths.size(); ++stage) {
    const std::int64_t out = stage_channels(stage), mid = out / 4;
    for (int block = 0; block < depths[stage]; ++block) {
      const std::string key = block_key(prefix, stage, block);
      if (block == 0) {
        append_conv_layout(layout, key + ".downsample.conv", out, in_channels, 1, 1, false);
        append_group_norm_layout(layout, key + ".downsample.norm", out);
      }
      append_conv_layout(layout, key + ".conv1", mid, block == 0 ? in_channels : out, 1, 1, false);
      append_group_norm_layout(layout, key + ".norm1", mid);
      append_conv_layout(layout, key + ".conv2", mid, mid, 3, 1, false);
      append_group_norm_layout(layout, key + ".norm2", mid);
      append_conv_layout(layout, key + ".conv3", out, mid, 1, 1, false);
      append_group_norm_layout(layout, key + ".norm3", out);
    }
    in_channels = out;
  }
}

ResNetV2Backbone::ResNetV2Backbone() = default;
ResNetV2Backbone::~ResNetV2Backbone() = default;
ResNetV2Backbone::ResNetV2Backbone(ResNetV2Backbone&&) noexcept = default;
ResNetV2Backbone& ResNetV2Backbone::operator=(ResNetV2Backbone&&) noexcept = default;

ResNetV2Backbone::ResNetV2Backbone(const NamedTensors& weights, const std::string& prefix,
                                   const ResNetV2Depths& depths) {
  stem_.emplace_back(weights, stem_key(prefix, "conv"), stem_key(prefix, "norm"), 2, true);
  for (std::size_t stage = 0; stage < depths.size(); ++stage) {
    std::vector<Block>& blocks = stages_.emplace_back();
    for (int index = 0; index < depths[stage]; ++index) {
      const std::string key = block_key(prefix, stage, index);
      const std::int64_t stride = index == 0 ? stage_stride(stage) : 1;
      Block& block = blocks.emplace_back();
      if (index == 0) {
        block.downsample.emplace_back(weights, key + ".downsample.conv", key + ".downsample.norm", stride, false);
      }
      block.layers.emplace_back(weights, key + ".conv1", key + ".norm1", 1, true);
      block.layers.emplace_back(weights, key + ".conv2", key + ".norm2", stride, true);
      block.layers.emplace_back(weights, key + ".conv3", key + ".norm3", 1, false);
    }
  }
}

std::vector<at::Tensor> ResNetV2Backbone::forward(const at::Tensor& image) const {
  DEPTHSTYLE_ASSERT(!stem_.empty() && image.dim() == 4 && image.size(1) == 3);
  // MaxPool2dSame pads with -inf, so padding never wins the max.
  at::Tensor x = pad_same(stem_[0](image.contiguous()), kPoolKernel, 2, -std::numeric_limits<double>::infinity());
  x = at::max_pool2d(x, {kPoolKernel, kPoolKernel}, {2, 2});
  std::vector<at::Tensor> outputs;
  for (const std::vector<Block>& stage : stages_) {
    for (const Block& block : stage) x = block(x);
    outputs.push_back(x);
  }
  return outputs;
}

double ResNetV2Backbone::flops(std::int64_t height, std::int64_t width) const {
  double total = stem_[0].flops(height, width);
  std::int64_t rows = strided_side(strided_side(height, 2), 2), columns = strided_side(strided_side(width, 2), 2);
  for (const std::vector<Block>& stage : stages_) {
    for (const Block& block : stage) {
      if (!block.downsample.empty()) total += block.downsample[0].flops(rows, columns);
      for (const Layer& layer : block.layers) {
        total += layer.flops(rows, columns);
        rows = strided_side(rows, layer.stride);
        columns = strided_side(columns, layer.stride);
      }
    }
  }
  return total;
}

std::int64_t resnet_v2_out_channels(const ResNetV2Depths& depths) {
  DEPTHSTYLE_ASSERT(!depths.empty());
  return stage_channels(depths.size() - 1);
}

}  // namespace depthstyle
