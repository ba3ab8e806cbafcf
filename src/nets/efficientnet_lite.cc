#include "nets/efficientnet_lite.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr double kBatchNormEps = 1e-3;  // geffnet's BN_EPS_TF_DEFAULT, which tf_efficientnet_lite3 sets
constexpr std::int64_t kStemChannels = 32;
const std::string kStemConv = "pretrained.layer1.0";
const std::string kStemNorm = "pretrained.layer1.1";

enum class BlockKind { kDepthwiseSeparable, kInvertedResidual };

// One stage of tf_efficientnet_lite3 after geffnet's scaling (see the header), with its place in MiDaS' regrouping.
struct StageSpec {
  std::string key;  // the nn.Sequential of the stage's blocks
  BlockKind kind;
  int repeats;
  std::int64_t kernel_size, stride, expansion, out_channels;
  bool ends_midas_layer;  // its output is MiDaS' layer1..4
};

const std::vector<StageSpec>& stage_specs() {
  static const std::vector<StageSpec> specs = {
      {"pretrained.layer1.3", BlockKind::kDepthwiseSeparable, 1, 3, 1, 1, 24, false},
      {"pretrained.layer1.4", BlockKind::kInvertedResidual, 3, 3, 2, 6, 32, true},
      {"pretrained.layer2.0", BlockKind::kInvertedResidual, 3, 5, 2, 6, 48, true},
      {"pretrained.layer3.0", BlockKind::kInvertedResidual, 5, 3, 2, 6, 96, false},
      {"pretrained.layer3.1", BlockKind::kInvertedResidual, 5, 5, 1, 6, 136, true},
      {"pretrained.layer4.0", BlockKind::kInvertedResidual, 6, 5, 2, 6, 232, false},
      {"pretrained.layer4.1", BlockKind::kInvertedResidual, 1, 3, 1, 6, 384, true},
  };
  return specs;
}

// One conv of a block with the BatchNorm after it, by module name.
struct ConvSpec {
  std::string conv, norm;
  std::int64_t out_channels, in_channels, kernel_size, stride, groups;
  bool relu6;
};

// The convs of block `index` of `stage`, whose input has `in_channels`; only a stage's first block strides.
std::vector<ConvSpec> block_convs(const StageSpec& stage, int index, std::int64_t in_channels) {
  const std::int64_t stride = index == 0 ? stage.stride : 1;
  const std::int64_t k = stage.kernel_size, out = stage.out_channels;
  if (stage.kind == BlockKind::kDepthwiseSeparable) {
    return {{"conv_dw", "bn1", in_channels, in_channels, k, stride, in_channels, true},
            {"conv_pw", "bn2", out, in_channels, 1, 1, 1, false}};
  }
  const std::int64_t mid = in_channels * stage.expansion;  // already a multiple of 8 (make_divisible) for Lite3
  return {{"conv_pw", "bn1", mid, in_channels, 1, 1, 1, true},
          {"conv_dw", "bn2", mid, mid, k, stride, mid, true},
          {"conv_pwl", "bn3", out, mid, 1, 1, 1, false}};
}

std::string block_prefix(const StageSpec& stage, int index) { return stage.key + "." + std::to_string(index); }

// The conv `conv` folded with the BatchNorm `norm`, padded as 'same' is (see the header): stride 1 symmetric
// (k - 1) / 2; stride 2 (k - 2) / 2 before and k / 2 after, TensorFlow's split of k - 2 for even sides.
BlockedConv same_padded_conv(const NamedTensors& weights, const std::string& conv, const std::string& norm,
                             std::int64_t stride, std::int64_t groups, bool relu6) {
  BatchNormTensors batch_norm = batch_norm_from(weights, norm);
  batch_norm.eps = kBatchNormEps;
  const FoldedWeights folded = fold_batch_norm(checked_tensor(weights, conv + ".weight"), at::Tensor(), batch_norm);
  const std::int64_t kernel_size = folded.weight.size(2);
  DEPTHSTYLE_ASSERT(stride == 1 || stride == 2);
  const BlockedConv::Geometry geometry =
      stride == 1 ? BlockedConv::Geometry{1, (kernel_size - 1) / 2, (kernel_size - 1) / 2, groups}
                  : BlockedConv::Geometry{2, (kernel_size - 2) / 2, kernel_size / 2, groups};
  return BlockedConv(folded.weight, folded.bias, geometry,
                     relu6 ? BlockedConv::Activation::kRelu6 : BlockedConv::Activation::kNone);
}

std::int64_t strided_side(std::int64_t side, std::int64_t stride) { return (side + stride - 1) / stride; }

}  // namespace

void append_efficientnet_lite3_layout(WeightLayout& layout) {
  append_conv_layout(layout, kStemConv, kStemChannels, 3, 3, 1, false);
  append_batch_norm_layout(layout, kStemNorm, kStemChannels);
  std::int64_t channels = kStemChannels;
  for (const StageSpec& stage : stage_specs()) {
    for (int index = 0; index < stage.repeats; ++index) {
      const std::string prefix = block_prefix(stage, index);
      for (const ConvSpec& conv : block_convs(stage, index, channels)) {
        append_conv_layout(layout, prefix + "." + conv.conv, conv.out_channels, conv.in_channels, conv.kernel_size,
                           conv.groups, false);
        append_batch_norm_layout(layout, prefix + "." + conv.norm, conv.out_channels);
      }
      channels = stage.out_channels;
    }
  }
}

EfficientNetLite3Encoder::EfficientNetLite3Encoder(const NamedTensors& weights) {
  stem_ = Conv{same_padded_conv(weights, kStemConv, kStemNorm, 2, 1, true), 2, 3, 3};
  std::int64_t channels = kStemChannels;
  for (const StageSpec& spec : stage_specs()) {
    Stage& stage = stages_.emplace_back();
    stage.ends_midas_layer = spec.ends_midas_layer;
    for (int index = 0; index < spec.repeats; ++index) {
      Block& block = stage.blocks.emplace_back();
      const std::string prefix = block_prefix(spec, index);
      for (const ConvSpec& conv : block_convs(spec, index, channels)) {
        block.convs.push_back(Conv{same_padded_conv(weights, prefix + "." + conv.conv, prefix + "." + conv.norm,
                                                    conv.stride, conv.groups, conv.relu6),
                                   conv.stride, conv.kernel_size, conv.in_channels / conv.groups});
      }
      block.residual = (index > 0 || spec.stride == 1) && channels == spec.out_channels;
      channels = spec.out_channels;
    }
  }
}

std::vector<at::Tensor> EfficientNetLite3Encoder::forward(const at::Tensor& image) const {
  DEPTHSTYLE_ASSERT(image.dim() == 4 && image.size(1) == 3 && image.size(2) % 32 == 0 && image.size(3) % 32 == 0);
  std::vector<at::Tensor> layers;
  BlockedMap x = stem_.conv(BlockedMap::from_nchw(image.contiguous()));
  for (const Stage& stage : stages_) {
    for (const Block& block : stage.blocks) {
      BlockedMap out = x;
      for (std::size_t i = 0; i < block.convs.size(); ++i) {
        const bool adds_residual = block.residual && i + 1 == block.convs.size();
        // The residual sum is written over x's buffer: x is not read again.
        out = adds_residual ? block.convs[i].conv(out, x) : block.convs[i].conv(out);
      }
      x = out;
    }
    if (stage.ends_midas_layer) layers.push_back(x.to_nchw());
  }
  return layers;
}

double EfficientNetLite3Encoder::flops(std::int64_t height, std::int64_t width) const {
  double total = 0;
  const auto add = [&](const Conv& conv) {
    height = strided_side(height, conv.stride), width = strided_side(width, conv.stride);
    total += 2.0 * static_cast<double>(height * width * conv.conv.out_channels() * conv.channels_per_group *
                                       conv.kernel_size * conv.kernel_size);
  };
  add(stem_);
  for (const Stage& stage : stages_) {
    for (const Block& block : stage.blocks) {
      for (const Conv& conv : block.convs) add(conv);
    }
  }
  return total;
}

}  // namespace depthstyle
