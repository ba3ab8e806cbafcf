// MiDaS' fusion networks (isl-org/MiDaS), loaded from the published state_dicts:
//   v1    model.pt (2019): MonoDepthNet of models/monodepth_net.py, ResNet-50 encoder
//   v2    model-f46da743.pt (2020) and v2.1 large midas_v21-f6b98070.pt: MidasNet of midas/midas_net.py with the
//         blocks of midas/blocks.py, ResNeXt-101 32x8d (WSL) encoder. The two files share their layout.
// A file may also be a training checkpoint {'model': state_dict, 'optimizer': ...}, which MiDaS' BaseModel.load
// unwraps (midas/base_model.py): midas_weights_from_checkpoint() does the same.
//
// Keys and modules (features = 256):
//   pretrained.*                    the encoder in MiDaS' regrouping of torchvision's ResNet (nets/resnet.h)
//   scratch.layer<N>_rn.weight      conv 3x3 pad 1, no bias: layer N's channels (256, 512, 1024, 2048) -> 256
//   scratch.refinenet<N>.*          FeatureFusionBlock, N = 4 .. 1
//       v1: resConfUnit.conv1.weight/bias, resConfUnit.conv2.weight (conv2 has NO bias): ONE ResidualConvUnit,
//           applied to the skip and again to the sum
//       v2: resConfUnit1.conv{1,2}.weight/bias (the skip) and resConfUnit2.conv{1,2}.weight/bias (the sum)
//   scratch.output_conv.*           the head, an nn.Sequential
//       v1: 0 conv 3x3 256->128, 1 conv 3x3 128->1, then Interpolate x2 bilinear: no ReLU anywhere
//       v2: 0 conv 3x3 256->128, (1 Interpolate x2 bilinear), 2 conv 3x3 128->32, (3 ReLU), 4 conv 1x1 32->1,
//           (5 ReLU: non_negative=True)
//
// Forward (MonoDepthNet.forward / MidasNet.forward):
//   layer_1..4 = encoder(x); layer_N_rn = scratch.layerN_rn(layer_N)
//   path_4 = refinenet4(layer_4_rn); path_3 = refinenet3(path_4, layer_3_rn); .. path_1 = refinenet1(path_2, ..)
//   out = output_conv(path_1)
// FeatureFusionBlock(x[, skip]): out = x + unit_a(skip) if a skip is given; out = unit_b(out);
//   then F.interpolate(scale_factor=2, mode="bilinear", align_corners=TRUE)   (v1: unit_a = unit_b = resConfUnit)
// ResidualConvUnit(x) = conv2(relu(conv1(relu(x)))) + relu(x): its first nn.ReLU(inplace=True) rewrites x itself,
//   so the residual adds relu(x), not x.
// The head's Interpolate uses align_corners=FALSE.
// Input 1x3xHxW float32 (v1: RGB in [0,1]; v2: RGB normalised with ImageNet mean/std), H and W multiples of 32.
// Output 1x1xHxW float32 relative inverse depth (bigger = nearer); v2's is >= 0.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <string>
#include <vector>

#include "tensor/checkpoint.h"
#include "nets/folded_conv.h"
#include "nets/resnet.h"
#include "nets/weight_layout.h"

namespace depthstyle {

enum class MidasVersion { kV1, kV2 };  // kV2: v2 and v2.1 large
std::string to_string(MidasVersion version);  // "v1", "v2"

const WeightLayout& midas_weight_layout(MidasVersion version);
// The layout check MidasNetwork's constructor runs (see there), without building the network.
void check_midas_weights(MidasVersion version, const NamedTensors& weights, const std::string& source);

// Bilinear x2 of a MKLDNN or dense 1xCxHxW map, as MiDaS' F.interpolate(scale_factor=2, mode="bilinear") with the
// given align_corners; the result is dense. Shared by every MiDaS network (nets/midas_small.h too).
at::Tensor upsample_bilinear_x2(const at::Tensor& x, bool align_corners);

// scratch.output_conv of MidasNet (v2, v2.1 large), MidasNet_small and DPTDepthModel (nets/dpt.h): an nn.Sequential
// over path_1 (`features` channels at half the input size): 0 conv 3x3 features -> features/2, (1 Interpolate x2
// bilinear: align_corners=False in MidasNet and MidasNet_small, True in DPT), 2 conv 3x3 -> 32, (3 ReLU), 4 conv 1x1
// 32 -> 1, (5 ReLU: non_negative=True).
class MidasOutputHead {
 public:
  static void append_layout(WeightLayout& layout, std::int64_t features);
  MidasOutputHead() = default;
  MidasOutputHead(const NamedTensors& weights, bool align_corners);
  // path: 1 x features x H/2 x W/2, MKLDNN or dense. Returns 1x1xHxW float32, dense, >= 0.
  at::Tensor forward(const at::Tensor& path) const;
  // Multiply-adds x 2 for an output of height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  std::array<FoldedConv, 3> convs_;  // output_conv.0, .2, .4
  bool align_corners_ = false;       // of the Interpolate output_conv.1
};

// The checkpoint's tensors as BaseModel.load takes them: the 'model' entry's tensors (prefix removed) when the file
// also has an 'optimizer' entry, else all of them.
NamedTensors midas_weights_from_checkpoint(const Checkpoint& checkpoint);

class MidasNetwork {
 public:
  // Checks the tensors (InputError naming `source`, listing every difference, and naming the other version when the
  // file holds its weights) and prepares the network.
  MidasNetwork(MidasVersion version, const NamedTensors& weights, const std::string& source);

  // See above. Throws Error for an input that is not 1x3xHxW with H and W positive multiples of 32.
  at::Tensor forward(const at::Tensor& image) const;
  // The encoder's layer1..4 features, dense: for tests.
  std::vector<at::Tensor> encode(const at::Tensor& image) const;
  MidasVersion version() const { return version_; }
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  struct ResidualUnit {
    FoldedConv conv1, conv2;
  };
  struct FusionBlock {
    ResidualUnit skip_unit;  // resConfUnit1 (v2); v1 uses `sum_unit` for both
    ResidualUnit sum_unit;   // resConfUnit2 (v2) / resConfUnit (v1)
  };
  MidasVersion version_;
  ResNetEncoder encoder_;
  std::array<FoldedConv, 4> layer_rn_;       // scratch.layer1_rn .. layer4_rn
  std::array<FusionBlock, 4> refinenets_;    // scratch.refinenet1 .. refinenet4
  std::vector<FoldedConv> v1_head_;          // v1: output_conv.0, .1
  MidasOutputHead head_;                     // v2

  static at::Tensor residual(const ResidualUnit& unit, at::Tensor x);
  at::Tensor fuse(int block, at::Tensor path, const at::Tensor* skip) const;
};

}  // namespace depthstyle
