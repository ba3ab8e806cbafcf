#include "nets/midas.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/text.h"
#include "nets/monodepth2.h"
#include "nets/vector_kernels.h"

namespace depthstyle {
namespace {

constexpr std::int64_t kFeatures = 256;
constexpr std::array<std::int64_t, 4> kLayerChannels = {256, 512, 1024, 2048};

const ResNetSpec& encoder_spec(MidasVersion version) {
  return version == MidasVersion::kV1 ? resnet50_spec() : resnext101_32x8d_spec();
}

std::string layer_rn_key(int layer) { return "scratch.layer" + std::to_string(layer + 1) + "_rn"; }
std::string refinenet_key(int block) { return "scratch.refinenet" + std::to_string(block + 1); }

// The residual units of a fusion block, by key: v1's one shared unit, v2's two.
std::vector<std::string> unit_keys(MidasVersion version) {
  if (version == MidasVersion::kV1) return {"resConfUnit"};
  return {"resConfUnit1", "resConfUnit2"};
}

struct HeadConv {
  int index;  // in output_conv
  std::int64_t out_channels, in_channels, kernel_size;
};
std::string head_key(int index) { return "scratch.output_conv." + std::to_string(index); }
// v1's head: output_conv.0 and .1, both 3x3, no ReLU (v2's is MidasOutputHead).
const std::array<HeadConv, 2> kV1HeadConvs = {{{0, 128, kFeatures, 3}, {1, 1, 128, 3}}};
// MidasOutputHead's convs for path_1 of `features` channels.
std::array<HeadConv, 3> output_head_convs(std::int64_t features) {
  return {{{0, features / 2, features, 3}, {2, 32, features / 2, 3}, {4, 1, 32, 1}}};
}

WeightLayout make_layout(MidasVersion version) {
  WeightLayout layout{version == MidasVersion::kV1 ? "MiDaS v1 (model.pt)"
                                                   : "MiDaS v2 / v2.1 large (model-f46da743.pt, midas_v21-f6b98070.pt)",
                      {}};
  append_resnet_layout(layout, encoder_spec(version), midas_resnet_keys());
  for (int layer = 0; layer < 4; ++layer) {
    append_conv_layout(layout, layer_rn_key(layer), kFeatures, kLayerChannels[layer], 3, 1, false);
  }
  for (int block = 3; block >= 0; --block) {  // state_dict order: refinenet4 was assigned first
    for (const std::string& unit : unit_keys(version)) {
      const std::string prefix = refinenet_key(block) + "." + unit;
      append_conv_layout(layout, prefix + ".conv1", kFeatures, kFeatures, 3, 1, true);
      append_conv_layout(layout, prefix + ".conv2", kFeatures, kFeatures, 3, 1, version != MidasVersion::kV1);
    }
  }
  if (version != MidasVersion::kV1) {
    MidasOutputHead::append_layout(layout, kFeatures);
    return layout;
  }
  for (const HeadConv& conv : kV1HeadConvs) {
    append_conv_layout(layout, head_key(conv.index), conv.out_channels, conv.in_channels, conv.kernel_size, 1, true);
  }
  return layout;
}

}  // namespace

// Bilinear x2 of a MKLDNN or dense map, as F.interpolate(scale_factor=2, mode="bilinear"); dense result, bit-for-bit
// ATen's (nets/vector_kernels.h).
at::Tensor upsample_bilinear_x2(const at::Tensor& x, bool align_corners) {
  const at::Tensor dense = as_dense(x);
  return bilinear_resize(dense, 2 * dense.size(2), 2 * dense.size(3), align_corners, 2.0, 2.0);
}

std::string to_string(MidasVersion version) { return version == MidasVersion::kV1 ? "v1" : "v2"; }

const WeightLayout& midas_weight_layout(MidasVersion version) {
  static const WeightLayout v1 = make_layout(MidasVersion::kV1);
  static const WeightLayout v2 = make_layout(MidasVersion::kV2);
  return version == MidasVersion::kV1 ? v1 : v2;
}

NamedTensors midas_weights_from_checkpoint(const Checkpoint& checkpoint) {
  const auto is_optimizer = [](const std::string& name) { return name == "optimizer" || starts_with(name, "optimizer."); };
  bool has_optimizer = false;
  for (const auto& [name, tensor] : checkpoint.tensors) has_optimizer = has_optimizer || is_optimizer(name);
  for (const auto& [name, value] : checkpoint.values) has_optimizer = has_optimizer || is_optimizer(name);
  if (!has_optimizer) return checkpoint.tensors;
  NamedTensors model;
  for (const auto& [name, tensor] : checkpoint.tensors) {
    if (starts_with(name, "model.")) model.emplace_back(name.substr(6), tensor);
  }
  return model;
}

void check_midas_weights(MidasVersion version, const NamedTensors& weights, const std::string& source) {
  const MidasVersion other = version == MidasVersion::kV1 ? MidasVersion::kV2 : MidasVersion::kV1;
  check_weight_layout(midas_weight_layout(version), weights, source,
                      {&midas_weight_layout(other), &monodepth2_encoder_weight_layout(),
                       &monodepth2_depth_weight_layout()});
}

MidasNetwork::MidasNetwork(MidasVersion version, const NamedTensors& weights, const std::string& source)
    : version_(version) {
  check_midas_weights(version, weights, source);
  encoder_ = ResNetEncoder(encoder_spec(version), midas_resnet_keys(), weights);
  for (int layer = 0; layer < 4; ++layer) layer_rn_[layer] = folded_conv_from(weights, layer_rn_key(layer), {1, 1, 1});
  const std::vector<std::string> units = unit_keys(version);
  const auto unit_from = [&](const std::string& prefix) {
    return ResidualUnit{folded_conv_from(weights, prefix + ".conv1", {1, 1, 1}),
                        folded_conv_from(weights, prefix + ".conv2", {1, 1, 1})};
  };
  for (int block = 0; block < 4; ++block) {
    refinenets_[block].sum_unit = unit_from(refinenet_key(block) + "." + units.back());
    if (units.size() == 2) refinenets_[block].skip_unit = unit_from(refinenet_key(block) + "." + units.front());
  }
  if (version != MidasVersion::kV1) {
    head_ = MidasOutputHead(weights, /*align_corners=*/false);
    return;
  }
  for (const HeadConv& conv : kV1HeadConvs) {
    v1_head_.push_back(folded_conv_from(weights, head_key(conv.index), {1, conv.kernel_size / 2, 1}));
  }
}

void MidasOutputHead::append_layout(WeightLayout& layout, std::int64_t features) {
  for (const HeadConv& conv : output_head_convs(features)) {
    append_conv_layout(layout, head_key(conv.index), conv.out_channels, conv.in_channels, conv.kernel_size, 1, true);
  }
}

MidasOutputHead::MidasOutputHead(const NamedTensors& weights, bool align_corners) : align_corners_(align_corners) {
  // The width of path_1 as the file has it (its layout was checked): 256 in MidasNet, 64 in MidasNet_small.
  const std::int64_t features = find_tensor(weights, head_key(0) + ".weight")->size(1);
  const std::array<HeadConv, 3> convs = output_head_convs(features);
  for (std::size_t i = 0; i < convs.size(); ++i) {
    convs_[i] = folded_conv_from(weights, head_key(convs[i].index), {1, convs[i].kernel_size / 2, 1});
  }
}

at::Tensor MidasOutputHead::forward(const at::Tensor& path) const {
  const FusedOps relu_after{/*relu_input=*/false, /*residual=*/{}, /*relu_output=*/true};
  const at::Tensor x = upsample_bilinear_x2(convs_[0](path), align_corners_);
  return convs_[2](convs_[1](x, relu_after), relu_after);
}

double MidasOutputHead::flops(std::int64_t height, std::int64_t width) const {
  return convs_[0].flops(height / 2, width / 2) + convs_[1].flops(height, width) + convs_[2].flops(height, width);
}

at::Tensor MidasNetwork::residual(const ResidualUnit& unit, at::Tensor x) {
  x.relu_();  // as the reference's nn.ReLU(inplace=True): the residual below adds relu(x)
  const at::Tensor inner = unit.conv1(x, {/*relu_input=*/false, /*residual=*/{}, /*relu_output=*/true});
  return unit.conv2(inner, {/*relu_input=*/false, /*residual=*/x, /*relu_output=*/false});
}

at::Tensor MidasNetwork::fuse(int block, at::Tensor path, const at::Tensor* skip) const {
  const FusionBlock& fusion = refinenets_[block];
  if (skip != nullptr) {
    path.add_(residual(version_ == MidasVersion::kV1 ? fusion.sum_unit : fusion.skip_unit, *skip));
  }
  return upsample_bilinear_x2(residual(fusion.sum_unit, path), /*align_corners=*/true);
}

std::vector<at::Tensor> MidasNetwork::encode(const at::Tensor& image) const {
  check_network_input(concat("MiDaS ", to_string(version_)), image, 32);
  std::vector<at::Tensor> features = encoder_.forward(image);
  features.erase(features.begin());  // the stem is not used
  for (at::Tensor& feature : features) feature = as_dense(feature);
  return features;
}

at::Tensor MidasNetwork::forward(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  check_network_input(concat("MiDaS ", to_string(version_)), image, 32);
  const std::vector<at::Tensor> features = encoder_.forward(image);
  // The decoder runs on NCHW maps: its large convs take the Winograd path (nets/folded_conv.h), which would
  // otherwise reorder from and to the blocked layout around each of them.
  std::array<at::Tensor, 4> layer_rn;
  for (int layer = 0; layer < 4; ++layer) {
    // A Winograd conv takes the map as NCHW: reordered once here, not to NCHW and its output back and again.
    const at::Tensor& feature = features[layer + 1];
    const bool winograd = layer_rn_[layer].uses_winograd(feature.size(2), feature.size(3));  // padding 1: same size
    layer_rn[layer] = as_dense(layer_rn_[layer](winograd ? as_dense(feature) : feature));
  }
  at::Tensor path = fuse(3, layer_rn[3], nullptr);
  for (int block = 2; block >= 0; --block) path = fuse(block, path, &layer_rn[block]);
  // path_1: 256 channels at half the input size, dense.
  if (version_ == MidasVersion::kV1) {
    return upsample_bilinear_x2(v1_head_[1](v1_head_[0](path)), /*align_corners=*/false);
  }
  return head_.forward(path);
}

double MidasNetwork::flops(std::int64_t height, std::int64_t width) const {
  double total = encoder_.flops(height, width);
  for (int block = 0; block < 4; ++block) {
    const std::int64_t factor = std::int64_t{4} << block;  // layer1 at 1/4 .. layer4 at 1/32
    const std::int64_t h = height / factor, w = width / factor;
    total += layer_rn_[block].flops(h, w);
    const FusionBlock& fusion = refinenets_[block];
    total += fusion.sum_unit.conv1.flops(h, w) + fusion.sum_unit.conv2.flops(h, w);
    if (block < 3) total += fusion.sum_unit.conv1.flops(h, w) + fusion.sum_unit.conv2.flops(h, w);  // the skip's
  }
  if (version_ != MidasVersion::kV1) return total + head_.flops(height, width);
  return total + v1_head_[0].flops(height / 2, width / 2) + v1_head_[1].flops(height / 2, width / 2);
}

}  // namespace depthstyle
