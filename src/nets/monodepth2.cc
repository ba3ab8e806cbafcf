#include "nets/monodepth2.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "nets/layer_stack.h"

namespace depthstyle {
namespace {

constexpr std::array<std::int64_t, 5> kEncoderChannels = {64, 64, 128, 256, 512};
constexpr std::array<std::int64_t, 5> kDecoderChannels = {16, 32, 64, 128, 256};

// upconv(scale, 0) is decoder.(2 * (4 - scale)), upconv(scale, 1) the next one.
int upconv_index(int scale, int which) { return 2 * (4 - scale) + which; }

std::int64_t upconv_in_channels(int scale, int which) {
  if (which == 0) return scale == 4 ? kEncoderChannels[4] : kDecoderChannels[scale + 1];
  return kDecoderChannels[scale] + (scale > 0 ? kEncoderChannels[scale - 1] : 0);
}

std::string upconv_key(int index) { return "decoder." + std::to_string(index) + ".conv.conv"; }
std::string dispconv_key(int scale) { return "decoder." + std::to_string(10 + scale) + ".conv"; }

WeightLayout make_encoder_layout() {
  WeightLayout layout{"monodepth2 ResNet-18 encoder (encoder.pth)", {}};
  append_resnet_layout(layout, resnet18_spec(), torchvision_resnet_keys("encoder."));
  return layout;
}

WeightLayout make_depth_layout() {
  WeightLayout layout{"monodepth2 depth decoder (depth.pth)", {}};
  for (int scale = 4; scale >= 0; --scale) {
    for (int which = 0; which < 2; ++which) {
      append_conv_layout(layout, upconv_key(upconv_index(scale, which)), kDecoderChannels[scale],
                         upconv_in_channels(scale, which), 3, 1, true);
    }
  }
  for (int scale = 0; scale < 4; ++scale) {
    append_conv_layout(layout, dispconv_key(scale), 1, kDecoderChannels[scale], 3, 1, true);
  }
  return layout;
}

}  // namespace

const WeightLayout& monodepth2_encoder_weight_layout() {
  static const WeightLayout layout = make_encoder_layout();
  return layout;
}

const WeightLayout& monodepth2_depth_weight_layout() {
  static const WeightLayout layout = make_depth_layout();
  return layout;
}

void check_monodepth2_weights(const NamedTensors& encoder_weights, const std::string& encoder_source,
                              const NamedTensors& depth_weights, const std::string& depth_source) {
  check_weight_layout(monodepth2_encoder_weight_layout(), encoder_weights, encoder_source,
                      {&monodepth2_depth_weight_layout()});
  check_weight_layout(monodepth2_depth_weight_layout(), depth_weights, depth_source,
                      {&monodepth2_encoder_weight_layout()});
}

Monodepth2Network::Monodepth2Network(const NamedTensors& encoder_weights, const std::string& encoder_source,
                                     const NamedTensors& depth_weights, const std::string& depth_source) {
  check_monodepth2_weights(encoder_weights, encoder_source, depth_weights, depth_source);
  encoder_ = ResNetEncoder(resnet18_spec(), torchvision_resnet_keys("encoder."), encoder_weights);
  for (int index = 0; index < 10; ++index) upconvs_[index] = folded_conv_from(depth_weights, upconv_key(index), {});
  disparity_head_ = folded_conv_from(depth_weights, dispconv_key(0), {});
}

std::vector<at::Tensor> Monodepth2Network::encode(const at::Tensor& image) const {
  check_network_input("monodepth2", image, 32);
  // As ResnetEncoder.forward, with the same ATen calls so the rounding is the same.
  std::vector<at::Tensor> features = encoder_.forward(at::div(at::sub(image, 0.45), 0.225));
  for (at::Tensor& feature : features) feature = as_dense(feature);
  return features;
}

at::Tensor Monodepth2Network::forward(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  const std::vector<at::Tensor> features = encode(image);
  // Each ConvBlock / Conv3x3 is ReflectionPad2d(1) then the conv (no padding of its own), and each ConvBlock ends in
  // ELU. The ELU, the x2 upsampling and the skip's concatenation are written together with the next conv's padding
  // in one pass (layer_stack.h): ATen's elu_, reflection_pad2d, cat and upsample_nearest2d took 28% of PyTorch
  // eager's decoder CPU time at 640x192 (torch.profiler, 2 threads), and 13% of ours with one thread before this.
  // `x` is a conv's output before its ELU, except the encoder's last feature, which has none.
  at::Tensor x = features[4];
  bool x_wants_elu = false;
  for (int scale = 4; scale >= 0; --scale) {
    x = upconvs_[upconv_index(scale, 0)](concat_reflection_pad_1({{x, false, x_wants_elu}}));
    std::vector<PaddedPart> parts = {{x, true, true}};
    if (scale > 0) parts.push_back({features[scale - 1]});
    x = upconvs_[upconv_index(scale, 1)](concat_reflection_pad_1(parts));
    x_wants_elu = true;
  }
  return at::sigmoid(disparity_head_(concat_reflection_pad_1({{x, false, true}})));
}

double Monodepth2Network::flops(std::int64_t height, std::int64_t width) const {
  double total = encoder_.flops(height, width);
  for (int scale = 4; scale >= 0; --scale) {
    const std::int64_t factor = std::int64_t{1} << scale;
    // upconv(i, 0) runs at the coarser scale i + 1, upconv(i, 1) at scale i, after the x2 upsampling.
    total += upconvs_[upconv_index(scale, 0)].flops(height / (2 * factor), width / (2 * factor));
    total += upconvs_[upconv_index(scale, 1)].flops(height / factor, width / factor);
  }
  return total + disparity_head_.flops(height, width);
}

}  // namespace depthstyle
