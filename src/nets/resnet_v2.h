// timm's ResNetV2 without pre-activation (timm/models/resnetv2.py, v0.6.12) as the hybrid ViTs use it: the backbone
// of timm's vit_base_resnet50_384 (= vit_base_r50_s16_384) in DPT-Hybrid, built by vision_transformer_hybrid.py's
// _resnetv2 as ResNetV2(layers, num_classes=0, global_pool='', preact=False, stem_type='same',
// conv_layer=partial(StdConv2dSame, eps=1e-8)), norm_layer GroupNormAct(num_groups=32) (GroupNorm eps 1e-5, then
// ReLU unless apply_act=False).
//
// The network:
//   stem.conv 7x7/2 (3 -> 64), stem.norm (+ ReLU), stem.pool = MaxPool 3x3/2 with SAME padding (pads of -inf)
//   stages.<s> (s = 0, 1, 2, ...): <depth_s> Bottlenecks, out channels 256 x 2^s, stride 1 for stage 0 and 2 after
//   Bottleneck (non-pre-activation, "v1.5"): mid = out / 4;
//     relu(norm3(conv3 1x1(norm2(conv2 3x3/stride(norm1(conv1 1x1(x)))))) + shortcut), norm1/2 with ReLU, norm3
//     without; shortcut = downsample.norm(downsample.conv 1x1/stride(x)) (no ReLU) in a stage's first block, else x
//   norm and head are Identity (preact False, num_classes 0): no keys.
// Every conv is a StdConv2dSame without bias: its weight standardised per output channel, w' = (w - mean) /
// sqrt(var + 1e-8) with the biased variance over (in, kh, kw) (timm 0.6.12 computes it by F.batch_norm at every
// call; here once at load, in double), and TensorFlow SAME padding: stride 1 convs pad (k - 1) / 2 on every side
// (timm's static case); stride 2 convs and the max pool pad total = max((ceil(i / 2) - 1) * 2 + k - i, 0), total / 2
// before (top, left) and the rest after, computed from the input's size at every call (timm's pad_same), so odd and
// even sizes are both exact.
//
// Keys under the backbone's prefix ("pretrained.model.patch_embed.backbone"), in state_dict order:
//   stem.conv.weight [64, 3, 7, 7]; stem.norm.weight/bias [64]
//   stages.<s>.blocks.<b>.downsample.conv.weight [out, in, 1, 1], .downsample.norm.weight/bias [out]  (b = 0 only)
//   stages.<s>.blocks.<b>.conv1.weight [mid, in, 1, 1], norm1.*, conv2.weight [mid, mid, 3, 3], norm2.*,
//   conv3.weight [out, mid, 1, 1], norm3.*
//
// Inputs 1x3xHxW float32 dense, any positive H and W; outputs dense 1xCxhxw float32, h = ceil(H / 4) for stage 0
// and halved (rounded up) at each later stage.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nets/folded_conv.h"
#include "nets/weight_layout.h"

namespace depthstyle {

// Bottlenecks per stage: (3, 4, 9) for vit_base_r50_s16_384.
using ResNetV2Depths = std::vector<int>;

void append_resnet_v2_layout(WeightLayout& layout, const std::string& prefix, const ResNetV2Depths& depths);
// The last stage's channel count: 256 x 2^(stages - 1), 1024 for three stages.
std::int64_t resnet_v2_out_channels(const ResNetV2Depths& depths);

class ResNetV2Backbone {
 public:
  ResNetV2Backbone();
  // `weights` must have passed the layout check against append_resnet_v2_layout(prefix, depths).
  ResNetV2Backbone(const NamedTensors& weights, const std::string& prefix, const ResNetV2Depths& depths);
  ~ResNetV2Backbone();
  ResNetV2Backbone(ResNetV2Backbone&&) noexcept;
  ResNetV2Backbone& operator=(ResNetV2Backbone&&) noexcept;

  // Every stage's output, in order (see above for sizes).
  std::vector<at::Tensor> forward(const at::Tensor& image) const;
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  struct Layer;  // a standardised conv with its SAME padding and the GroupNorm after it
  struct Block;
  std::vector<Layer> stem_;                // stem.conv + stem.norm (one Layer)
  std::vector<std::vector<Block>> stages_;
};

// timm's StdConv2dSame standardisation, (w - mean) / sqrt(var + eps) per output channel, biased variance over the
// other dimensions, computed in double and rounded once to float32. For tests.
at::Tensor standardized_conv_weight(const at::Tensor& weight, double eps);

}  // namespace depthstyle
