// FeatureFusionBlock_custom of MiDaS' midas/blocks.py with bn=False, as MidasNet_small and the DPT heads of DPT and
// Depth Anything use it (Depth Anything's FeatureFusionBlock is the same module). Keys under a `prefix` such as
// "scratch.refinenet1":
//   <prefix>.out_conv.weight/bias                conv 1x1 features -> out_features
//   <prefix>.resConfUnit1.conv{1,2}.weight/bias  ResidualConvUnit_custom on the skip (conv 3x3 pad 1, bias)
//   <prefix>.resConfUnit2.conv{1,2}.weight/bias  ResidualConvUnit_custom on the sum
// Forward: out = x + resConfUnit1(skip) when a skip is given; out = resConfUnit2(out); out = F.interpolate(out,
// bilinear, align_corners=True, x2 or to the next level's size); out = out_conv(out).
// ResidualConvUnit_custom(x) = conv2(relu(conv1(relu(x)))) + x: its ReLU is NOT in place (nn.ReLU(False)), so the
// sum adds x itself (unlike MidasNet's ResidualConvUnit, nets/midas.h).
// Here out_conv runs BEFORE the interpolation: a 1x1 conv and a bilinear interpolation whose weights sum to 1 commute
// exactly (bias included), and the conv then sees fewer pixels; the two orders differ by float rounding only. So
// fuse() returns everything but the interpolation, which the network does (its target size differs per network).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "nets/folded_conv.h"
#include "nets/weight_layout.h"

namespace depthstyle {

class FusionBlock {
 public:
  // The block's tensors in state_dict order (out_conv first, then the two units).
  static void append_layout(WeightLayout& layout, const std::string& prefix, std::int64_t features,
                            std::int64_t out_features);

  FusionBlock() = default;
  FusionBlock(const NamedTensors& weights, const std::string& prefix);

  // path, skip: 1 x features x h x w, dense or MKLDNN (skip may be null: the deepest block has none). Returns
  // out_conv(resConfUnit2(path + resConfUnit1(skip))), 1 x out_features x h x w, before the interpolation.
  at::Tensor fuse(at::Tensor path, const at::Tensor* skip) const;
  // Multiply-adds x 2 at h x w, with or without the skip's unit.
  double flops(std::int64_t height, std::int64_t width, bool with_skip) const;

 private:
  struct ResidualUnit {
    FoldedConv conv1, conv2;
  };
  static ResidualUnit unit_from(const NamedTensors& weights, const std::string& prefix);
  static at::Tensor residual(const ResidualUnit& unit, const at::Tensor& x);

  ResidualUnit skip_unit_;  // resConfUnit1
  ResidualUnit sum_unit_;   // resConfUnit2
  FoldedConv out_conv_;
};

}  // namespace depthstyle
