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
    FusionBlock::append_layout(layout, refinenet_key(level), level_features(level), fusion_out_features(level));
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
  for (int level = 0; level < 4; ++level) {
    layer_rn_[level] = folded_conv_from(weights, layer_rn_key(level), {1, 1, 1});
    refinenets_[level] = FusionBlock(weights, refinenet_key(level));
  }
  head_ = MidasOutputHead(weights, /*align_corners=*/false);
}

std::vector<at::Tensor> MidasSmallNetwork::encode(const at::Tensor& image) const {
  check_network_input(kNetworkName, image, 32);
  return encoder_.forward(image);
}

at::Tensor MidasSmallNetwork::forward(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  check_network_input(kNetworkName, image, 32);
  const std::vector<at::Tensor> features = encoder_.forward(image);
  // The decoder runs on NCHW maps, as MiDaS' does (nets/midas.cc): its 3x3 convs take the Winograd path, which on the
  // blocked layout reordered its input and output around each conv (~2% of the pass at 256 px, measured alternating).
  std::array<at::Tensor, 4> layer_rn;
  for (int level = 0; level < 4; ++level) layer_rn[level] = layer_rn_[level](features[level]);
  // out_conv before the upsampling: they commute (nets/fusion_block.h).
  at::Tensor path = upsample_bilinear_x2(refinenets_[3].fuse(layer_rn[3], nullptr), /*align_corners=*/true);
  for (int level = 2; level >= 0; --level) {
    path = upsample_bilinear_x2(refinenets_[level].fuse(path, &layer_rn[level]), /*align_corners=*/true);
  }
  // path_1: 64 channels at half the input size, dense.
  return head_.forward(path);
}

double MidasSmallNetwork::flops(std::int64_t height, std::int64_t width) const {
  double total = encoder_.flops(height, width);
  for (int level = 0; level < 4; ++level) {
    const std::int64_t h = height >> (level + 2), w = width >> (level + 2);  // layer1 at 1/4 .. layer4 at 1/32
    total += layer_rn_[level].flops(h, w) + refinenets_[level].flops(h, w, /*with_skip=*/level < 3);
  }
  return total + head_.flops(height, width);
}

}  // namespace depthstyle
