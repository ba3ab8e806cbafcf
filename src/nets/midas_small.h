// MiDaS v2.1 small (isl-org/MiDaS), loaded from its published state_dict: midas_v21_small_256.pt (the name in the
// v3.1 README and hubconf.py) or model-small-70d6b9c8.pt (the v2.1 README's name for the same file). Both are plain
// state_dicts (hubconf.py hands them to load_state_dict as they are); a training checkpoint {'model': ...,
// 'optimizer': ...} is unwrapped as BaseModel.load does (midas_weights_from_checkpoint, nets/midas.h).
//
// The network is MidasNet_small(features=64, backbone="efficientnet_lite3", exportable=True, non_negative=True,
// blocks={'expand': True}) of midas/midas_net_custom.py, as run.py (model_type "small" / "midas_v21_small_256") and
// hubconf.py build it, with the blocks of midas/blocks.py. Keys and modules:
//   pretrained.*                   EfficientNet-Lite3 in MiDaS' regrouping (nets/efficientnet_lite.h)
//   scratch.layer<N>_rn.weight     conv 3x3 pad 1, no bias: layer N's channels (32, 48, 136, 384) -> 64, 128, 256,
//                                  512 (_make_scratch with expand=True: features x 1, 2, 4, 8)
//   scratch.refinenet<N>.*         FeatureFusionBlock_custom(features_N, nn.ReLU(False), bn=False, expand=N > 1,
//                                  align_corners=True), N = 4 .. 1 with features_N = 512, 256, 128, 64:
//       out_conv.weight/bias                      conv 1x1 features_N -> features_N / 2 (refinenet1: 64 -> 64)
//       resConfUnit1.conv{1,2}.weight/bias        ResidualConvUnit_custom on the skip (conv 3x3 pad 1, bias)
//       resConfUnit2.conv{1,2}.weight/bias        ResidualConvUnit_custom on the sum
//   scratch.output_conv.*          the head, an nn.Sequential: 0 conv 3x3 64->32, (1 Interpolate x2 bilinear,
//                                  align_corners=False), 2 conv 3x3 32->32, (3 ReLU), 4 conv 1x1 32->1, (5 ReLU:
//                                  non_negative=True), (6 Identity)
//   scratch.activation             the one shared nn.ReLU(False): no weights
//
// Forward (MidasNet_small.forward):
//   layer_1..4 = encoder(x); layer_N_rn = scratch.layerN_rn(layer_N)
//   path_4 = refinenet4(layer_4_rn); path_3 = refinenet3(path_4, layer_3_rn); .. path_1 = refinenet1(path_2, ..)
//   out = squeeze(output_conv(path_1), dim=1)
// FeatureFusionBlock_custom(x[, skip]): out = x + resConfUnit1(skip) if a skip is given; out = resConfUnit2(out);
//   F.interpolate(scale_factor=2, mode="bilinear", align_corners=TRUE); then out_conv.
// ResidualConvUnit_custom(x) = conv2(relu(conv1(relu(x)))) + x: its ReLU is NOT in place (nn.ReLU(False)), so the
//   sum adds x itself (unlike MidasNet's ResidualConvUnit, nets/midas.h).
// Here out_conv runs BEFORE the upsampling: a 1x1 conv and a bilinear interpolation whose weights sum to 1 commute
// exactly (bias included), and the conv then sees a quarter of the pixels and the interpolation half the channels;
// the two orders differ by float rounding only.
// Input 1x3xHxW float32, RGB normalised with ImageNet mean/std, H and W multiples of 32 (the 'same' padding of the
// encoder's stride-2 convs is fixed for even sides, see nets/efficientnet_lite.h). Output 1x1xHxW float32
// relative inverse depth (bigger = nearer), >= 0.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <string>
#include <vector>

#include "nets/efficientnet_lite.h"
#include "nets/folded_conv.h"
#include "nets/fusion_block.h"
#include "nets/midas.h"
#include "nets/weight_layout.h"

namespace depthstyle {

const WeightLayout& midas_small_weight_layout();
// The layout check MidasSmallNetwork's constructor runs (see there), without building the network.
void check_midas_small_weights(const NamedTensors& weights, const std::string& source);

class MidasSmallNetwork {
 public:
  // Checks the tensors (InputError naming `source`, listing every difference, and naming MiDaS v1 / v2 or monodepth2
  // when the file holds their weights) and prepares the network.
  MidasSmallNetwork(const NamedTensors& weights, const std::string& source);

  // See above. Throws Error for an input that is not 1x3xHxW float32 with H and W positive multiples of 32.
  at::Tensor forward(const at::Tensor& image) const;
  // The encoder's layer1..4 features, dense: for tests.
  std::vector<at::Tensor> encode(const at::Tensor& image) const;
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  EfficientNetLite3Encoder encoder_;
  std::array<FoldedConv, 4> layer_rn_;     // scratch.layer1_rn .. layer4_rn
  std::array<FusionBlock, 4> refinenets_;  // scratch.refinenet1 .. refinenet4
  MidasOutputHead head_;                   // output_conv

};

}  // namespace depthstyle
