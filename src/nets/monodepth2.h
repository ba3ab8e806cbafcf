// monodepth2's depth network (nianticlabs/monodepth2: networks/resnet_encoder.py, networks/depth_decoder.py,
// layers.py), loaded from a model folder's encoder.pth and depth.pth.
//
// encoder.pth: ResnetEncoder's state_dict, torchvision ResNet-18 keys under "encoder." (nets/resnet.h; its unused
//   "encoder.fc.*" is kept by the trainer and accepted here), plus the plain entries 'height', 'width' (the feed
//   size the model was trained at) and 'use_stereo' that trainer.py's save_model adds.
// depth.pth: DepthDecoder's state_dict. Its ModuleList `decoder` holds the OrderedDict `convs` in insertion order:
//   decoder.0 .. decoder.9   ConvBlock (keys decoder.N.conv.conv.weight/bias): ReflectionPad2d(1), conv 3x3, ELU;
//                            two per scale i = 4, 3, 2, 1, 0: upconv(i, 0) then upconv(i, 1)
//   decoder.10 .. decoder.13 Conv3x3 (keys decoder.N.conv.weight/bias): ReflectionPad2d(1), conv 3x3 -> 1 channel,
//                            the disparity heads of scales 0, 1, 2, 3, each followed by a sigmoid
//   decoder channels [16, 32, 64, 128, 256] for scales 0..4; encoder channels [64, 64, 128, 256, 512].
//
// Forward (test_simple.py: outputs[("disp", 0)] of decoder(encoder(image))):
//   x = (image - 0.45) / 0.225; features = ResNet-18 stem, layer1..4
//   x = features[4]; for i = 4 .. 0:
//     x = upconv(i, 0)(x); x = nearest upsampling x2 (F.interpolate(scale_factor=2, mode="nearest"))
//     if i > 0: x = cat(x, features[i - 1]) along channels
//     x = upconv(i, 1)(x)
//   disparity = sigmoid(dispconv(0)(x))      (scales 1..3 feed only training losses: not computed here)
// Input 1x3xHxW float32 RGB in [0,1], H and W multiples of 32 (the skips must match the upsampled maps; monodepth2's
// feed sizes 640x192 and 1024x320 are). Output 1x1xHxW float32 sigmoid disparity in (0, 1), bigger = nearer.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <string>
#include <vector>

#include "nets/folded_conv.h"
#include "nets/resnet.h"
#include "nets/weight_layout.h"

namespace depthstyle {

// encoder.pth's tensors (height, width and use_stereo are not tensors: read them from the Checkpoint's values).
const WeightLayout& monodepth2_encoder_weight_layout();
const WeightLayout& monodepth2_depth_weight_layout();
// The layout checks Monodepth2Network's constructor runs (see there), without building the network.
void check_monodepth2_weights(const NamedTensors& encoder_weights, const std::string& encoder_source,
                              const NamedTensors& depth_weights, const std::string& depth_source);

class Monodepth2Network {
 public:
  // Checks both files' tensors (InputError naming the file, listing every difference, and saying so when the two
  // files are swapped) and prepares the network.
  Monodepth2Network(const NamedTensors& encoder_weights, const std::string& encoder_source,
                    const NamedTensors& depth_weights, const std::string& depth_source);

  // See above. Throws Error for an input that is not 1x3xHxW with H and W positive multiples of 32.
  at::Tensor forward(const at::Tensor& image) const;
  // The encoder's five features for `image` (the normalisation applied), dense: for tests.
  std::vector<at::Tensor> encode(const at::Tensor& image) const;
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  ResNetEncoder encoder_;
  std::array<FoldedConv, 10> upconvs_;  // decoder.0 .. decoder.9
  FoldedConv disparity_head_;           // decoder.10 (scale 0)
};

}  // namespace depthstyle
