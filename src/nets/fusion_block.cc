#include "nets/fusion_block.h"

#include <ATen/ATen.h>

namespace depthstyle {

void FusionBlock::append_layout(WeightLayout& layout, const std::string& prefix, std::int64_t features,
                                std::int64_t out_features) {
  append_conv_layout(layout, prefix + ".out_conv", out_features, features, 1, 1, true);
  for (const char* unit : {".resConfUnit1", ".resConfUnit2"}) {
    append_conv_layout(layout, prefix + unit + ".conv1", features, features, 3, 1, true);
    append_conv_layout(layout, prefix + unit + ".conv2", features, features, 3, 1, true);
  }
}

FusionBlock::ResidualUnit FusionBlock::unit_from(const NamedTensors& weights, const std::string& prefix) {
  return {folded_conv_from(weights, prefix + ".conv1", {1, 1, 1}), folded_conv_from(weights, prefix + ".conv2", {1, 1, 1})};
}

FusionBlock::FusionBlock(const NamedTensors& weights, const std::string& prefix)
    : skip_unit_(unit_from(weights, prefix + ".resConfUnit1")),
      sum_unit_(unit_from(weights, prefix + ".resConfUnit2")),
      out_conv_(folded_conv_from(weights, prefix + ".out_conv", {1, 0, 1})) {}

at::Tensor FusionBlock::residual(const ResidualUnit& unit, const at::Tensor& x) {
  // nn.ReLU(False): x itself is kept for the sum.
  const at::Tensor inner = unit.conv1(x, {/*relu_input=*/true, /*residual=*/{}, /*relu_output=*/true});
  return unit.conv2(inner, {/*relu_input=*/false, /*residual=*/x, /*relu_output=*/false});
}

at::Tensor FusionBlock::fuse(at::Tensor path, const at::Tensor* skip) const {
  if (skip != nullptr) path.add_(residual(skip_unit_, *skip));
  return out_conv_(residual(sum_unit_, path));
}

double FusionBlock::flops(std::int64_t height, std::int64_t width, bool with_skip) const {
  double total = out_conv_.flops(height, width) + sum_unit_.conv1.flops(height, width) +
                 sum_unit_.conv2.flops(height, width);
  if (with_skip) total += skip_unit_.conv1.flops(height, width) + skip_unit_.conv2.flops(height, width);
  return total;
}

}  // namespace depthstyle
