// gen-efficientnet's tf_efficientnet_lite3 (rwightman/gen-efficientnet-pytorch, geffnet/) as MiDaS v2.1 small uses
// it: built with exportable=True and regrouped by MiDaS' _make_efficientnet_backbone (midas/blocks.py).
//
// The network, as geffnet builds it (gen_efficientnet.py _gen_efficientnet_lite, efficientnet_builder.py):
//   arch_def (type, repeats, kernel, stride, expansion, channels): ds 1 k3 s1 e1 16; ir 2 k3 s2 e6 24;
//   ir 2 k5 s2 e6 40; ir 3 k3 s2 e6 80; ir 3 k5 s1 e6 112; ir 4 k5 s2 e6 192; ir 1 k3 s1 e6 320.
//   Lite3: channels x 1.2 rounded to multiples of 8 (make_divisible: 24, 32, 48, 96, 136, 232, 384), repeats x 1.4
//   rounded up except the first and last stage (fix_first_last: 1, 3, 3, 5, 5, 6, 1), stem fixed at 32 channels,
//   activation ReLU6, BatchNorm eps 1e-3 (BN_EPS_TF_DEFAULT), no squeeze-excitation, no conv biases.
//   conv_stem 3x3/2 3 -> 32, bn1, act1 (ReLU6)
//   ds block:  conv_dw kxk depthwise, bn1, ReLU6, conv_pw 1x1, bn2 (no activation); residual if stride 1 and
//              in == out (never in Lite3: 32 -> 24)
//   ir block:  conv_pw 1x1 (-> in x 6), bn1, ReLU6, conv_dw kxk/stride depthwise, bn2, ReLU6, conv_pwl 1x1, bn3;
//              x + block(x) when stride 1 and in == out (every block but a stage's first)
// Padding, pad_type 'same' (conv2d_layers.py create_conv2d_pad): a stride-1 conv is an nn.Conv2d with the static
// symmetric padding (k - 1) / 2; a stride-2 conv, with exportable=True, is a Conv2dSameExport: TensorFlow's SAME
// padding, pad_total = max((ceil(i / 2) - 1) * 2 + k - i, 0), split pad_total / 2 before (top, left) and the rest
// after, computed from the first input it sees and then kept (exportable=False recomputes it at every call; both
// give the same numbers here). For the even sides every stride-2 conv meets (inputs are multiples of 32) that is
// k - 2 in all: 0 before / 1 after for 3x3, 1 / 2 for 5x5, which oneDNN's conv takes as its own asymmetric padding.
//
// MiDaS' regrouping (keys under "pretrained."), each layer a nn.Sequential:
//   layer1 = conv_stem (.0), bn1 (.1), act1 (.2), blocks[0] (.3, one ds block), blocks[1] (.4, 3 ir blocks)
//            -> 32 channels at 1/4
//   layer2 = blocks[2] (.0, 3 blocks)                                    -> 48 channels at 1/8
//   layer3 = blocks[3] (.0, 5 blocks), blocks[4] (.1, 5 blocks)          -> 136 channels at 1/16
//   layer4 = blocks[5] (.0, 6 blocks), blocks[6] (.1, 1 block)           -> 384 channels at 1/32
//   block keys: pretrained.layer1.4.2.conv_dw.weight, pretrained.layer1.4.2.bn2.running_var, ...
// conv_head, bn2 and the classifier are not part of MiDaS' model (nor of its files).
//
// Implementation: BatchNorm folded into each conv at load (nets/folded_conv.h fold_batch_norm); the convs run by
// oneDNN on maps kept in its blocked layout, ReLU6 and the residual sums fused into them (nets/blocked_conv.h: ATen
// 1.13 has no clamp for blocked maps, and going back to NCHW around each conv cost ~17% of MiDaS v2.1 small's pass).
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nets/blocked_conv.h"
#include "nets/folded_conv.h"
#include "nets/weight_layout.h"

namespace depthstyle {

// Appends the encoder's entries (pretrained.*) in state_dict order; num_batches_tracked optional.
void append_efficientnet_lite3_layout(WeightLayout& layout);

class EfficientNetLite3Encoder {
 public:
  // Channels of MiDaS' layer1..4.
  static constexpr std::array<std::int64_t, 4> kLayerChannels = {32, 48, 136, 384};

  EfficientNetLite3Encoder() = default;
  // `weights` must have passed the layout check against append_efficientnet_lite3_layout.
  explicit EfficientNetLite3Encoder(const NamedTensors& weights);

  // 1x3xHxW float32 (H, W multiples of 32, checked by the caller) -> layer1..4, dense 1xCxhxw float32.
  std::vector<at::Tensor> forward(const at::Tensor& image) const;
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  struct Conv {
    BlockedConv conv;  // with its ReLU6, if any
    std::int64_t stride = 1;
    std::int64_t kernel_size = 1;
    std::int64_t channels_per_group = 1;
  };
  struct Block {
    std::vector<Conv> convs;
    bool residual = false;
  };
  struct Stage {
    std::vector<Block> blocks;
    bool ends_midas_layer = false;
  };
  Conv stem_;
  std::vector<Stage> stages_;
};

}  // namespace depthstyle
