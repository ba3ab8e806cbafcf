// DPT-Large (MiDaS v3.0, Ranftl et al. 2021, isl-org/MiDaS), loaded from the published dpt_large_384.pt: the network
// DPTDepthModel(backbone="vitl16_384", non_negative=True) of midas/dpt_depth.py, features 256, readout "project",
// use_bn False, with timm's vit_large_patch16_384 (dim 1024, 24 blocks, 16 heads, patch 16, trained at 384 x 384).
// A plain state_dict (or a {'model': ..., 'optimizer': ...} checkpoint, unwrapped as MiDaS' BaseModel.load does:
// midas_weights_from_checkpoint). Keys and modules:
//   pretrained.model.cls_token [1, 1, 1024], .pos_embed [1, 577, 1024] (24 x 24 patches plus the class token)
//   pretrained.model.patch_embed.proj.*   conv 16x16 stride 16, 3 -> 1024, with bias
//   pretrained.model.blocks.<i>.*         timm's Block without LayerScale (nets/vision_transformer.h), LayerNorm eps
//                                         1e-6
//   pretrained.model.norm.*, .head.*      the final LayerNorm and the ImageNet classifier [1000, 1024]: read, unused
//                                         (the hooks take the blocks' outputs before the norm)
//   pretrained.act_postprocess<N>.0.project.0.*   ProjectReadout: Linear(2048 -> 1024), then GELU
//   pretrained.act_postprocess<N>.3.*     conv 1x1 1024 -> [256, 512, 1024, 1024][N-1], with bias
//   pretrained.act_postprocess1/2.4.*     ConvTranspose2d 4x4 stride 4 / 2x2 stride 2 (weight [in, out, k, k])
//   pretrained.act_postprocess4.4.*       conv 3x3 stride 2 pad 1, 1024 -> 1024
//   scratch.layer<N>_rn.weight            conv 3x3 pad 1, no bias -> 256
//   scratch.refinenet<N>.*                FeatureFusionBlock_custom(256, nn.ReLU(False), bn=False, expand=False,
//                                         align_corners=True): out_conv 1x1, resConfUnit1/2.conv1/2 3x3 pad 1
//   scratch.output_conv.*                 MidasOutputHead (nets/midas.h) with align_corners=True
//
// Forward (DPT.forward with forward_vit = forward_adapted_unflatten over forward_flex), input 1x3xHxW, H = 16 h,
// W = 16 w:
//   tokens = [cls_token; patch_embed(x) as h w rows] + position embedding   ((1 + h w) x 1024)
//   run blocks 0 .. 23; the outputs of blocks 5, 11, 17, 23 (the forward hooks: not normed) are the four features
//   readout: each patch token t -> GELU(project([t, class token]))   (h w x 1024)
//   layer_N = act_postprocess<N>.4(conv 1x1 of the readout as a 1024 x h x w map): at 4h, 2h, h, ceil(h/2) rows
//   path_4 = refinenet4(layer4_rn, size = layer3_rn's); path_3 = refinenet3(path_4, layer3_rn, size = layer2_rn's);
//   path_2 = refinenet2(path_3, layer2_rn, size = layer1_rn's); path_1 = refinenet1(path_2, layer1_rn) (x2)
//   out = output_conv(path_1)                 (1 x 1 x H x W; DPTDepthModel squeezes the channel)
// FeatureFusionBlock_custom: nets/fusion_block.h (its out_conv runs before the interpolation, here too).
//
// Position embedding (MiDaS' _resize_pos_embed): the 24 x 24 grid resized to h x w as PositionResize::kMidasBilinear
// says (nets/vision_transformer.h: the output size, not a scale factor, places the samples); the class token's
// embedding kept.
//
// Input 1x3xHxW float32, RGB normalised as (x - 0.5) / 0.5, H and W positive multiples of 16 (the preset feeds
// multiples of 32). Output 1x1xHxW float32 relative inverse depth (bigger = nearer), >= 0.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "nets/folded_conv.h"
#include "nets/fusion_block.h"
#include "nets/midas.h"
#include "nets/transformer_layers.h"
#include "nets/vision_transformer.h"
#include "nets/weight_layout.h"

namespace depthstyle {

const WeightLayout& dpt_large_weight_layout();
// The network's check of a file's tensors (InputError naming `source`, every difference listed, MiDaS' other files
// and Depth Anything V2 named when the tensors are theirs), also run without building the network (weights list).
void check_dpt_large_weights(const NamedTensors& weights, const std::string& source);

class DptNetwork {
 public:
  // Checks the tensors (see check_dpt_large_weights) and prepares the network.
  DptNetwork(const NamedTensors& weights, const std::string& source);
  ~DptNetwork();

  // See above. Throws Error for an input that is not 1x3xHxW float32 with H and W positive multiples of 16.
  at::Tensor forward(const at::Tensor& image) const;
  // The position embedding added for a grid of `rows` x `columns` patches, (1 + rows columns) x 1024: for tests.
  at::Tensor position_embedding(std::int64_t rows, std::int64_t columns) const;
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:

  PatchEmbedding embedding_;
  std::vector<TransformerBlock> blocks_;
  std::array<Linear, 4> readouts_;  // act_postprocess<N>.0.project.0, with the GELU
  std::array<Linear, 4> projects_;  // act_postprocess<N>.3 (1x1 convs)
  std::array<PatchUpsample, 2> upsamples_;  // act_postprocess1.4, act_postprocess2.4
  FoldedConv downsample_;                   // act_postprocess4.4
  std::array<FoldedConv, 4> layer_rn_;
  std::array<FusionBlock, 4> refinenets_;  // refinenet1 .. refinenet4
  MidasOutputHead head_;

  // The hooked blocks' outputs, each (1 + rows columns) x 1024 with the class token first.
  std::vector<at::Tensor> encode(const at::Tensor& image) const;
  std::array<at::Tensor, 4> reassemble(const std::vector<at::Tensor>& features, std::int64_t rows,
                                       std::int64_t columns) const;
  // refinenet<block + 1> on path (and skip), resized to `size` (bilinear, align_corners True).
  at::Tensor fuse(int block, at::Tensor path, const at::Tensor* skip, at::IntArrayRef size) const;
};

}  // namespace depthstyle
