#include "nets/midas_small.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "nets/midas.h"
#include "nets/monodepth2.h"
#include "nets/resnet.h"

namespace depthstyle {
namespace {

constexpr std::int64_t kFeatures = 64;
constexpr const char* kNetworkName = "MiDaS v2.1 small";

// scratch.layerN_rn's and refinenetN's width: features x 1, 2, 4, 8 (expand=True).
std::int64_t level_features(int level) { return kFeatures << level; }
// refinenetN's out_conv halves the width (expand) except in refinenet1.
std::int64_t fusion_out_features(int level) { return level == 0 ? kFeatures : level_features(level) / 2; }

std::string layer_rn_key(int level) { return "scratch.layer" + std::to_string(level + 1) + "_rn"; }
std::string refinenet_key(int level) { return "scratch.refinenet" + std::to_string(level + 1); }


WeightLayout make_layout() {
  WeightLayout layout{"MiDaS v2.1 small (midas_v21_small_256.pt, model-small-70d6b9c8.pt)", {}};
  append_efficientnet_lite3_layout(layout);
  for (int level = 0; level < 4; ++level) {
    append_conv_layout(layout, layer_rn_key(level), level_features(level),
                       EfficientNetLite3Encoder::kLayerChannels[level], 3, 1, false);
  }
  for (int level = 3; level >= 0; --level) {  // state_dict order: refinenet4 was assigned first
    const std::string prefix = refinenet_key(level);
    const std::int64_t features = level_features(level);
    append_conv_layout(layout, prefix + ".out_conv", fusion_out_features(level), features, 1, 1, true);
    for (const char* unit : {".resConfUnit1", ".resConfUnit2"}) {
      append_conv_layout(layout, prefix + unit + ".conv1", features, features, 3, 1, true);
      append_conv_layout(layout, prefix + unit + ".conv2", features, features, 3, 1, true);
    }
  }
  MidasOutputHead::append_layout(layout, kFeatures);
  return layout;
}

}  // namespace

const WeightLayout& midas_small_weight_layout() {
  static const WeightLayout layout = make_layout();
  return layout;
}

void check_midas_small_weights(const NamedTensors& weights, const std::string& source) {
  check_weight_layout(midas_small_weight_layout(), weights, source,
                      {&midas_weight_layout(MidasVersion::kV1), &midas_weight_layout(MidasVersion::kV2),
                       &monodepth2_encoder_weight_layout(), &monodepth2_depth_weight_layout()});
}

MidasSmallNetwork::MidasSmallNetwork(const NamedTensors& weights, const std::string& source) {
  check_midas_small_weights(weights, source);
  encoder_ = EfficientNetLite3Encoder(weights);
  const auto unit_from = [&](const std::string& prefix) {
    return ResidualUnit{folded_conv_from(weights, prefix + ".conv1", {1, 1, 1}),
                        folded_conv_from(weights, prefix + ".conv2", {1, 1, 1})};
  };
  for (int level = 0; level < 4; ++level) {
    layer_rn_[level] = folded_conv_from(weights, layer_rn_key(level), {1, 1, 1});
    const std::string prefix = refinenet_key(level);
    refinenets_[level] = FusionBlock{unit_from(prefix + ".resConfUnit1"), unit_from(prefix + ".resConfUnit2"),
                                     folded_conv_from(weights, prefix + ".out_conv", {1, 0, 1})};
  }
  head_ = MidasOutputHead(weights, /*align_corners=*/false);
}

at::Tensor MidasSmallNetwork::residual(const ResidualUnit& unit, const at::Tensor& x) {
  at::Tensor out = unit.conv1(at::relu(x));  // nn.ReLU(False): x itself is kept for the sum
  out.relu_();
  out = unit.conv2(out);
  out.add_(x);
  return out;
}

at::Tensor MidasSmallNetwork::fuse(int block, at::Tensor path, const at::Tensor* skip) const {
  const FusionBlock& fusion = refinenets_[block];
  if (skip != nullptr) path.add_(residual(fusion.skip_unit, *skip));
  // out_conv before the upsampling: they commute (see the header).
  return upsample_bilinear_x2(fusion.out_conv(residual(fusion.sum_unit, path)), /*align_corners=*/true);
}

std::vector<at::Tensor> MidasSmallNetwork::encode(const at::Tensor& image) const {
  check_network_input(kNetworkName, image, 32);
  return encoder_.forward(image);
}

at::Tensor MidasSmallNetwork::forward(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  check_network_input(kNetworkName, image, 32);
  const std::vector<at::Tensor> features = encoder_.forward(image);
  std::array<at::Tensor, 4> layer_rn;
  for (int level = 0; level < 4; ++level) layer_rn[level] = layer_rn_[level](features[level].to_mkldnn());
  at::Tensor path = fuse(3, layer_rn[3], nullptr);
  for (int level = 2; level >= 0; --level) path = fuse(level, path.to_mkldnn(), &layer_rn[level]);
  // path_1: 64 channels at half the input size, dense.
  return head_.forward(path);
}

double MidasSmallNetwork::flops(std::int64_t height, std::int64_t width) const {
  double total = encoder_.flops(height, width);
  for (int level = 0; level < 4; ++level) {
    const std::int64_t h = height >> (level + 2), w = width >> (level + 2);  // layer1 at 1/4 .. layer4 at 1/32
    const FusionBlock& fusion = refinenets_[level];
    total += layer_rn_[level].flops(h, w) + fusion.out_conv.flops(h, w);
    total += fusion.sum_unit.conv1.flops(h, w) + fusion.sum_unit.conv2.flops(h, w);
    if (level < 3) total += fusion.skip_unit.conv1.flops(h, w) + fusion.skip_unit.conv2.flops(h, w);
  }
  return total + head_.flops(height, width);
}

}  // namespace depthstyle
