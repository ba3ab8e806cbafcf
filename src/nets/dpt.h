// DPT (MiDaS v3.0 and v3.1, Ranftl et al. 2021, isl-org/MiDaS) in three published variants, loaded from the
// published files: DPTDepthModel(backbone=..., non_negative=True) of midas/dpt_depth.py, features 256, readout
// "project", use_bn False.
//   DPT-Large  (dpt_large_384.pt):  backbone "vitl16_384", timm's vit_large_patch16_384 (dim 1024, 24 blocks, 16
//              heads, patch 16, trained at 384 x 384), hooks 5, 11, 17, 23, reassemble channels 256, 512, 1024, 1024
//   DPT-Hybrid (dpt_hybrid_384.pt): backbone "vitb_rn50_384", timm's vit_base_resnet50_384 (dim 768, 12 blocks, 12
//              heads) whose patch embedding is a ResNetV2 (nets/resnet_v2.h, stages of 3, 4, 9 bottlenecks, output
//              1024 channels at 1/16) followed by a 1x1 conv 1024 -> 768: one token per 16 x 16 pixels as in the
//              Large. MiDaS' _make_vit_b_rn50_backbone (use_vit_only False) hooks the ResNet's stages 0 and 1 (256
//              channels at 1/4, 512 at 1/8) as layers 1 and 2 (act_postprocess1/2 are identities without keys), and
//              blocks 8 and 11 as layers 3 and 4; reassemble channels 256, 512, 768, 768
//   DPT-BEiT-L 512 (dpt_beit_large_512.pt, MiDaS v3.1): backbone "beitl16_512", timm 0.6.12's beit_large_patch16_512
//              (nets/beit.h: dim 1024, 24 blocks, 16 heads, patch 16, trained at 512 x 512, relative position biases
//              instead of pos_embed), hooks 5, 11, 17, 23, reassemble channels 256, 512, 1024, 1024; everything
//              after the hooks is DPT-Large's. Its keys under pretrained.model. are BEiT's (nets/beit.h), the rest
//              as below.
// A plain state_dict (or a {'model': ..., 'optimizer': ...} checkpoint, unwrapped as MiDaS' BaseModel.load does:
// midas_weights_from_checkpoint). Keys and modules (dim = 1024 or 768):
//   pretrained.model.cls_token [1, 1, dim], .pos_embed [1, 577, dim] (24 x 24 patches plus the class token)
//   pretrained.model.patch_embed.proj.*   Large: conv 16x16 stride 16, 3 -> dim, with bias
//                                         Hybrid: conv 1x1, 1024 -> dim, with bias, after
//   pretrained.model.patch_embed.backbone.*   (Hybrid) the ResNetV2's stem and stages (nets/resnet_v2.h)
//   pretrained.model.blocks.<i>.*         timm's Block without LayerScale (nets/vision_transformer.h), LayerNorm eps
//                                         1e-6
//   pretrained.model.norm.*, .head.*      the final LayerNorm and the ImageNet classifier [1000, dim]: read, unused
//                                         (the hooks take the blocks' outputs before the norm)
//   pretrained.act_postprocess<N>.0.project.0.*   ProjectReadout: Linear(2 dim -> dim), then GELU
//   pretrained.act_postprocess<N>.3.*     conv 1x1 dim -> the level's reassemble channels, with bias
//   pretrained.act_postprocess1/2.4.*     (Large) ConvTranspose2d 4x4 stride 4 / 2x2 stride 2 (weight [in, out, k, k])
//   pretrained.act_postprocess4.4.*       conv 3x3 stride 2 pad 1, channels -> channels
//   (act_postprocess<N> for N = 1..4 in the Large, 3..4 in the Hybrid)
//   scratch.layer<N>_rn.weight            conv 3x3 pad 1, no bias -> 256
//   scratch.refinenet<N>.*                FeatureFusionBlock_custom(256, nn.ReLU(False), bn=False, expand=False,
//                                         align_corners=True): out_conv 1x1, resConfUnit1/2.conv1/2 3x3 pad 1
//   scratch.output_conv.*                 MidasOutputHead (nets/midas.h) with align_corners=True
//
// Forward (DPT.forward with forward_vit = forward_adapted_unflatten over forward_flex), input 1x3xHxW, H = 16 h,
// W = 16 w:
//   tokens = [cls_token; patch_embed(x) as h w rows] + position embedding   ((1 + h w) x dim)
//   run the blocks; the hooked blocks' outputs (the forward hooks: not normed) are the token features
//   readout: each patch token t -> GELU(project([t, class token]))   (h w x dim)
//   layer_N = act_postprocess<N>.4(conv 1x1 of the readout as a dim x h x w map): at 4h, 2h, h, ceil(h/2) rows
//   (Hybrid: layer_1, layer_2 = the ResNet's stage 0 and 1 outputs, at 4h and 2h rows too)
//   path_4 = refinenet4(layer4_rn, size = layer3_rn's); path_3 = refinenet3(path_4, layer3_rn, size = layer2_rn's);
//   path_2 = refinenet2(path_3, layer2_rn, size = layer1_rn's); path_1 = refinenet1(path_2, layer1_rn) (x2)
//   out = output_conv(path_1)                 (1 x 1 x H x W; DPTDepthModel squeezes the channel)
// FeatureFusionBlock_custom: nets/fusion_block.h (its out_conv runs before the interpolation, here too).
//
// BEiT: forward_beit = forward_adapted_unflatten over the patched beit_forward_features, the blocks' relative
// position biases resized to the input's grid (nets/beit.h); no position embedding.
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
#include <memory>
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

class BeitBackbone;
class ResNetV2Backbone;
struct DptSpec;  // a variant's sizes and hooks (nets/dpt.cc)

enum class DptVariant { kLarge, kHybrid, kBeitLarge512 };
const std::vector<DptVariant>& dpt_variants();  // all three, in the enum's order

const WeightLayout& dpt_weight_layout(DptVariant variant);
// The network's check of a file's tensors (InputError naming `source`, every difference listed, the other DPT
// variants, MiDaS' other files and Depth Anything V2 named when the tensors are theirs), also run without building
// the network (weights list).
void check_dpt_weights(DptVariant variant, const NamedTensors& weights, const std::string& source);

class DptNetwork {
 public:
  // Checks the tensors (see check_dpt_weights) and prepares the network.
  DptNetwork(DptVariant variant, const NamedTensors& weights, const std::string& source);
  ~DptNetwork();

  // See above. Throws Error for an input that is not 1x3xHxW float32 with H and W positive multiples of 16.
  at::Tensor forward(const at::Tensor& image) const;
  // The position embedding added for a grid of `rows` x `columns` patches, (1 + rows columns) x dim: for tests (not
  // of the BEiT variant, which has none).
  at::Tensor position_embedding(std::int64_t rows, std::int64_t columns) const;
  // The BEiT variant's encoder: for tests.
  const BeitBackbone& beit() const;
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:
  struct Features {
    std::vector<at::Tensor> maps;    // Hybrid: the ResNet's stage 0 and 1 outputs (layers 1 and 2)
    std::vector<at::Tensor> tokens;  // the hooked blocks' outputs, each (1 + rows columns) x dim, class token first
  };

  const DptSpec& spec_;
  std::unique_ptr<ResNetV2Backbone> backbone_;  // Hybrid only
  std::unique_ptr<BeitBackbone> beit_;          // BEiT only: pretrained.model.*, instead of the three below
  PatchEmbedding embedding_;  // pretrained.model.{patch_embed.proj, cls_token, pos_embed}
  std::vector<TransformerBlock> blocks_;
  std::array<Linear, 4> readouts_;  // act_postprocess<N>.0.project.0, with the GELU (levels from the tokens)
  std::array<Linear, 4> projects_;  // act_postprocess<N>.3 (1x1 convs)
  ReassembleResize resize_;        // act_postprocess<N>.4 (Large: N = 1, 2, 4; Hybrid: 4)
  std::array<FoldedConv, 4> layer_rn_;
  std::array<FusionBlock, 4> refinenets_;  // refinenet1 .. refinenet4
  MidasOutputHead head_;

  void prepare_vit(const NamedTensors& weights);  // backbone_ (Hybrid), embedding_, blocks_
  Features encode(const at::Tensor& image) const;
  std::array<at::Tensor, 4> reassemble(const Features& features, std::int64_t rows, std::int64_t columns) const;
  // refinenet<block + 1> on path (and skip), resized to `size` (bilinear, align_corners True).
  at::Tensor fuse(int block, at::Tensor path, const at::Tensor* skip, at::IntArrayRef size) const;
};

}  // namespace depthstyle
