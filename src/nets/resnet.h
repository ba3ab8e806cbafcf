// torchvision's ResNet encoders (torchvision/models/resnet.py) as the depth networks use them: ResNet-18 (basic
// blocks; monodepth2), ResNet-50 (bottlenecks; MiDaS v1) and ResNeXt-101 32x8d (grouped bottlenecks; MiDaS v2 and
// v2.1 large, the WSL weights of facebookresearch/WSL-Images have torchvision's layout).
//
// The network, as torchvision defines it:
//   conv1 7x7/2 pad 3 (3 -> 64, no bias), bn1, relu                       -> stem     64 ch, 1/2
//   maxpool 3x3/2 pad 1, layer1 (planes 64)                               -> layer1   1/4
//   layer2 (planes 128, first block stride 2)                             -> layer2   1/8
//   layer3 (planes 256, stride 2), layer4 (planes 512, stride 2)          -> layer3   1/16, layer4 1/32
//   basic block:      relu(bn2(conv2(relu(bn1(conv1(x))))) + identity), conv1 3x3 carrying the stride, conv2 3x3
//   bottleneck:       relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + identity), conv1 1x1 (-> width),
//                     conv2 3x3 carrying the stride and the groups ("ResNet v1.5"), conv3 1x1 (-> 4 x planes),
//                     width = planes * width_per_group / 64 * groups
//   identity = downsample(x) = bn(conv1x1/stride(x)) in the first block of a layer whose stride or channel count
//   changes, else x. BatchNorm in eval mode (eps 1e-5) everywhere; no conv has a bias.
// Output channels (stem, layer1..4): ResNet-18 64, 64, 128, 256, 512; ResNet-50 and ResNeXt-101 64, 256, 512, 1024,
// 2048. avgpool and fc are not run (fc's weights may be present in a file: monodepth2's encoder.pth keeps them).
//
// Keys: torchvision names the modules conv1, bn1, layer<N>.<block>.{conv1,bn1,conv2,bn2[,conv3,bn3]},
// layer<N>.<block>.downsample.{0,1}, fc. Files put them under a prefix (monodepth2: "encoder."), or regroup them:
// MiDaS' _make_resnet_backbone (midas/blocks.py) makes pretrained.layer1 = nn.Sequential(conv1, bn1, relu, maxpool,
// layer1), so its keys are pretrained.layer1.0 (conv1), pretrained.layer1.1 (bn1), pretrained.layer1.4.<block>
// (layer1), pretrained.layer2 .. pretrained.layer4.
//
// Implementation: BatchNorm folded into each conv at load (nets/folded_conv.h). Bottleneck blocks run on oneDNN's
// blocked maps with every ReLU and the residual sum fused into their convs (nets/blocked_conv.h: conv1 and conv2
// with ReLU, conv3 + identity then ReLU, written over the identity): ATen ran each ReLU and sum as a pass of its own,
// ~10 ms of MiDaS v2's ~0.4 s forward pass (docs/performance.md). Basic blocks keep their activations in oneDNN's
// blocked layout (MKLDNN tensors) between convs, with ReLU and the residual sum applied in place, except in a layer
// whose 3x3 convs take the Winograd path (ResNet-18's first layers), which reads and writes NCHW: there the maps stay
// NCHW instead of being reordered before and after each conv, and the Winograd transforms apply the ReLUs and the sum
// (FusedOps, nets/winograd_conv.h). Inputs: 1x3xHxW float32 dense, any H, W.
// Features: 1xCxhxw float32, MKLDNN or dense (is_mkldnn() tells): the stem's and the basic blocks' in the layout
// their layer ran in, the bottleneck layers' dense.
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

enum class ResNetBlock { kBasic, kBottleneck };

struct ResNetSpec {
  std::string name;  // "ResNet-18", for messages
  ResNetBlock block = ResNetBlock::kBasic;
  std::array<int, 4> blocks{};  // per layer
  std::int64_t groups = 1;
  std::int64_t width_per_group = 64;
};
const ResNetSpec& resnet18_spec();
const ResNetSpec& resnet50_spec();
const ResNetSpec& resnext101_32x8d_spec();

// Where a file keeps torchvision's modules (see above).
struct ResNetKeys {
  std::string conv1;                 // "encoder.conv1" | "pretrained.layer1.0"
  std::string bn1;                   // "encoder.bn1"   | "pretrained.layer1.1"
  std::array<std::string, 4> layers;  // "encoder.layer1" .. | "pretrained.layer1.4", "pretrained.layer2", ..
  std::string fc;                    // "encoder.fc" (accepted when present, not required) | "" (no fc entries)
};
// torchvision's names after `prefix` ("encoder.").
ResNetKeys torchvision_resnet_keys(const std::string& prefix);
// MiDaS' regrouped backbone (midas/blocks.py _make_resnet_backbone).
ResNetKeys midas_resnet_keys();

// Appends the encoder's entries in state_dict order (BatchNorm num_batches_tracked and fc optional).
void append_resnet_layout(WeightLayout& layout, const ResNetSpec& spec, const ResNetKeys& keys);

// Throws Error naming `network` unless `image` is 1x3xHxW float32 with H and W positive multiples of `multiple_of`
// (the depth decoders add or concatenate encoder features to maps upsampled x2, so each halving must be exact).
void check_network_input(const std::string& network, const at::Tensor& image, std::int64_t multiple_of);

class ResNetEncoder {
 public:
  ResNetEncoder() = default;
  // `weights` must have passed the layout check against append_resnet_layout(spec, keys).
  ResNetEncoder(const ResNetSpec& spec, const ResNetKeys& keys, const NamedTensors& weights);

  // 1x3xHxW float32 dense -> {stem, layer1, layer2, layer3, layer4}, MKLDNN or dense (see above for sizes).
  std::vector<at::Tensor> forward(const at::Tensor& image) const;
  // Channels of the five features.
  const std::array<std::int64_t, 5>& channels() const { return channels_; }
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  struct Block {
    std::vector<FoldedConv> convs;  // basic: 2, each followed by ReLU except the last
    // bottleneck: 3, the first two with their ReLU, the last with the identity's sum and the ReLU after it
    std::vector<BlockedConv> bottleneck_convs;
    bool has_downsample = false;
    FoldedConv downsample;                 // basic
    BlockedConv bottleneck_downsample;     // bottleneck
    std::int64_t stride = 1;
  };
  // One layer of bottleneck blocks on `x`, the previous layer's output.
  static BlockedMap bottleneck_layer(const std::vector<Block>& layer, BlockedMap x);
  // Whether `layer`, whose output is out_height x out_width, keeps its maps NCHW (see above).
  static bool runs_on_nchw(const std::vector<Block>& layer, std::int64_t out_height, std::int64_t out_width);

  FoldedConv stem_;
  std::array<std::vector<Block>, 4> layers_;
  std::array<std::int64_t, 5> channels_{};
};

}  // namespace depthstyle
