// Depth Anything V2 (DepthAnything/Depth-Anything-V2, Yang et al. 2024) and V1 (LiheYoung/Depth-Anything, Yang et
// al. 2024), loaded from their published state_dicts. V2:
//   vits  depth_anything_v2_vits.pth   DINOv2 ViT-S/14: dim 384, 12 blocks, 6 heads; head features 64,
//                                      out_channels [48, 96, 192, 384]; intermediate blocks 2, 5, 8, 11
//   vitb  depth_anything_v2_vitb.pth   ViT-B/14: 768, 12, 12; 128, [96, 192, 384, 768]; 2, 5, 8, 11
//   vitl  depth_anything_v2_vitl.pth   ViT-L/14: 1024, 24, 16; 256, [256, 512, 1024, 1024]; 4, 11, 17, 23
// V1, variants v1_vits, v1_vitb, v1_vitl: depth_anything_vits14.pth, _vitb14.pth, _vitl14.pth, the same three
// encoders with the same features and out_channels; DPT_DINOv2 of depth_anything/dpt.py takes
// get_intermediate_layers(x, 4), the last four blocks (8-11 for vits and vitb, 20-23 for vitl). Everything else is
// V2's: the same modules under the same names (its DPTHead, blocks.py and torchhub DINOv2 copy differ from V2's in
// formatting only), so a V1 file and the V2 file of the same size hold tensors of the same names and shapes, and only
// the file's name tells them apart. Its DINOv2 copy interpolates position embeddings as V2's (offset 0.1 written
// inline, scale factors, bicubic, no antialias); forward resizes the head's output to the input's size
// (align_corners=True), which it already has, before the ReLU. The differences that remain are outside the network:
// run.py resizes the map back with align_corners=False (preset depth_anything_v1).
// Plain state_dicts (the READMEs hand them to load_state_dict), the network DepthAnythingV2(encoder, features,
// out_channels) of depth_anything_v2/dpt.py with use_bn=False, use_clstoken=False. Keys and modules:
//   pretrained.cls_token [1, 1, dim], .pos_embed [1, 1370, dim] (37 x 37 patches of the 518 training size plus the
//     class token), .mask_token [1, dim] (training only: read, unused)
//   pretrained.patch_embed.proj.*     conv 14x14 stride 14, 3 -> dim, with bias
//   pretrained.blocks.<i>.*           DINOv2 blocks with LayerScale (nets/vision_transformer.h), LayerNorm eps 1e-6
//   pretrained.norm.*                 the final LayerNorm, applied to each intermediate block's output
//   depth_head.projects.<i>.*         conv 1x1 dim -> out_channels[i], with bias
//   depth_head.resize_layers.0/1.*    ConvTranspose2d 4x4 stride 4 / 2x2 stride 2 (weight [in, out, k, k]); 2 is an
//                                     Identity (no keys); 3 is a conv 3x3 stride 2 pad 1
//   depth_head.scratch.layer<N>_rn.weight         conv 3x3 pad 1, no bias: out_channels[N-1] -> features
//   depth_head.scratch.refinenet<N>.*             FeatureFusionBlock(features, nn.ReLU(False), bn=False,
//                                                 expand=False, align_corners=True): out_conv 1x1,
//                                                 resConfUnit1/2.conv1/2 3x3 pad 1 (nets/midas_small.h's units)
//   depth_head.scratch.output_conv1.*             conv 3x3 features -> features / 2
//   depth_head.scratch.output_conv2.0/.2          conv 3x3 features / 2 -> 32, (ReLU), conv 1x1 32 -> 1, (ReLU)
//
// Forward (DepthAnythingV2.forward), for an input 1x3xHxW with H = 14 h, W = 14 w:
//   tokens = [cls_token; patch_embed(x) as h w rows] + position embedding   ((1 + h w) x dim)
//   run the blocks; after each intermediate block i, feature_i = norm(tokens) without the class token (h w x dim):
//   use_clstoken=False in both generations, so the class token is returned but unused
//   layer_i = resize_layers[i](projects[i](feature_i as a dim x h x w map)): at 4h, 2h, h and ceil(h/2) rows
//   path_4 = refinenet4(layer_4_rn, size = layer_3's); path_3 = refinenet3(path_4, layer_3_rn, size = layer_2's);
//   path_2 = refinenet2(path_3, layer_2_rn, size = layer_1's); path_1 = refinenet1(path_2, layer_1_rn) (x2)
//   out = relu(output_conv2(interpolate(output_conv1(path_1), (H, W), bilinear, align_corners=True)))
// FeatureFusionBlock(x[, skip], size): x + resConfUnit1(skip), resConfUnit2, interpolate (bilinear,
// align_corners=True) to `size` or x2, out_conv. Here out_conv runs before the interpolation: a 1x1 conv and an
// interpolation whose weights sum to 1 commute exactly (bias included), and the conv then sees fewer pixels.
//
// Position embedding (DinoVisionTransformer.interpolate_pos_encoding): the file's own for a square 37 x 37 grid;
// otherwise its 37 x 37 grid resized as PositionResize::kDinov2Bicubic says (nets/vision_transformer.h). The class
// token's embedding is kept.
//
// Input 1x3xHxW float32, RGB normalised with ImageNet mean/std, H and W positive multiples of 14. Output 1x1xHxW
// float32 relative inverse depth (bigger = nearer), >= 0.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <string>
#include <vector>

#include "nets/folded_conv.h"
#include "nets/fusion_block.h"
#include "nets/transformer_layers.h"
#include "nets/vision_transformer.h"
#include "nets/weight_layout.h"

namespace depthstyle {

// V2's three, then V1's.
enum class DepthAnythingVariant { kSmall, kBase, kLarge, kV1Small, kV1Base, kV1Large };
// The estimator entry's variant: "vits", "vitb", "vitl", "v1_vits", "v1_vitb", "v1_vitl".
std::string to_string(DepthAnythingVariant variant);
const std::vector<DepthAnythingVariant>& depth_anything_variants();  // all six, in the enum's order
const std::vector<std::string>& depth_anything_variant_names();      // to_string of each
int depth_anything_generation(DepthAnythingVariant variant);         // 1 or 2
std::string depth_anything_title(DepthAnythingVariant variant);      // "Depth Anything V1 vits"
std::string depth_anything_file(DepthAnythingVariant variant);       // the published file: "depth_anything_vits14.pth"
std::string depth_anything_encoder(DepthAnythingVariant variant);    // "ViT-S/14"
// Throws UsageError listing the names.
DepthAnythingVariant depth_anything_variant_from_string(const std::string& name);

const WeightLayout& depth_anything_weight_layout(DepthAnythingVariant variant);
// The network's check of a file's tensors (InputError naming `source`, every difference listed, the other sizes and
// MiDaS named when the tensors are theirs), also run without building the network (weights list). A file named as
// another variant's published file (the other generation's of the same size: the tensors cannot tell) is refused.
void check_depth_anything_weights(DepthAnythingVariant variant, const NamedTensors& weights, const std::string& source);

class DepthAnythingNetwork {
 public:
  // Checks the tensors (InputError naming `source`, listing every difference, and naming the other variant or a
  // MiDaS file when the tensors are theirs) and prepares the network.
  DepthAnythingNetwork(DepthAnythingVariant variant, const NamedTensors& weights, const std::string& source);
  ~DepthAnythingNetwork();

  // See above. Throws Error for an input that is not 1x3xHxW float32 with H and W positive multiples of 14.
  at::Tensor forward(const at::Tensor& image) const;
  // The four normed intermediate blocks' patch tokens, each (h w) x dim: for tests.
  std::vector<at::Tensor> intermediate_tokens(const at::Tensor& image) const;
  // The position embedding added for a grid of `rows` x `columns` patches, (1 + rows columns) x dim: for tests.
  at::Tensor position_embedding(std::int64_t rows, std::int64_t columns) const;
  DepthAnythingVariant variant() const { return variant_; }
  // Multiply-adds x 2 of a forward pass at height x width.
  double flops(std::int64_t height, std::int64_t width) const;

 private:

  DepthAnythingVariant variant_;
  std::int64_t dim_ = 0;
  std::vector<int> intermediate_blocks_;
  PatchEmbedding embedding_;
  std::vector<TransformerBlock> blocks_;
  LayerNorm norm_;
  std::array<Linear, 4> projects_;
  ReassembleResize resize_;  // resize_layers.0 .. 3 (2 an Identity)
  std::array<FoldedConv, 4> layer_rn_;
  std::array<FusionBlock, 4> refinenets_;  // refinenet1 .. refinenet4
  FoldedConv output_conv1_;
  std::array<FoldedConv, 2> output_conv2_;  // .0, .2

  std::vector<at::Tensor> encode(const at::Tensor& image) const;
  std::array<at::Tensor, 4> reassemble(const std::vector<at::Tensor>& features, std::int64_t rows,
                                       std::int64_t columns) const;
};

}  // namespace depthstyle
