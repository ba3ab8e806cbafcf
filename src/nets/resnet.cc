#include "nets/resnet.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "tensor/checkpoint.h"

namespace depthstyle {
namespace {

// One block's modules and channel counts, derived from the spec as torchvision's _make_layer does.
struct BlockShape {
  std::string prefix;  // "encoder.layer2.0"
  std::int64_t in_channels = 0;
  std::int64_t width = 0;  // channels inside the block
  std::int64_t out_channels = 0;
  std::int64_t stride = 1;
  bool downsample = false;
};

std::array<std::vector<BlockShape>, 4> block_shapes(const ResNetSpec& spec, const ResNetKeys& keys) {
  const std::int64_t expansion = spec.block == ResNetBlock::kBasic ? 1 : 4;
  std::array<std::vector<BlockShape>, 4> layers;
  std::int64_t in_channels = 64;
  for (int layer = 0; layer < 4; ++layer) {
    const std::int64_t planes = std::int64_t{64} << layer;
    const std::int64_t width =
        spec.block == ResNetBlock::kBasic ? planes : planes * spec.width_per_group / 64 * spec.groups;
    for (int block = 0; block < spec.blocks[layer]; ++block) {
      BlockShape shape;
      shape.prefix = keys.layers[layer] + "." + std::to_string(block);
      shape.in_channels = in_channels;
      shape.width = width;
      shape.out_channels = planes * expansion;
      shape.stride = block == 0 && layer > 0 ? 2 : 1;
      shape.downsample = block == 0 && (shape.stride != 1 || in_channels != shape.out_channels);
      layers[layer].push_back(shape);
      in_channels = shape.out_channels;
    }
  }
  return layers;
}

// The convs of a block in order, as (name, out, in, kernel, geometry).
struct ConvShape {
  std::string name;  // "conv1"
  std::int64_t out_channels, in_channels, kernel_size;
  ConvGeometry geometry;
};
std::vector<ConvShape> block_convs(const ResNetSpec& spec, const BlockShape& block) {
  if (spec.block == ResNetBlock::kBasic) {
    return {{"conv1", block.width, block.in_channels, 3, {block.stride, 1, 1}},
            {"conv2", block.out_channels, block.width, 3, {1, 1, 1}}};
  }
  return {{"conv1", block.width, block.in_channels, 1, {1, 0, 1}},
          {"conv2", block.width, block.width, 3, {block.stride, 1, spec.groups}},
          {"conv3", block.out_channels, block.width, 1, {1, 0, 1}}};
}

std::string norm_name(const std::string& conv_name) { return "bn" + conv_name.substr(4); }  // conv2 -> bn2

std::int64_t strided_side(std::int64_t side, std::int64_t stride) { return (side - 1) / stride + 1; }

}  // namespace

bool ResNetEncoder::runs_on_nchw(const std::vector<Block>& layer, std::int64_t out_height, std::int64_t out_width) {
  // Measured on monodepth2 at 640x192, one thread: ~2% of the forward pass saved (layers 1 and 2 on NCHW).
  const Block& last = layer.back();
  return last.convs.size() == 2 && last.convs[1].uses_winograd(out_height, out_width);
}

const ResNetSpec& resnet18_spec() {
  static const ResNetSpec spec{"ResNet-18", ResNetBlock::kBasic, {2, 2, 2, 2}, 1, 64};
  return spec;
}
const ResNetSpec& resnet50_spec() {
  static const ResNetSpec spec{"ResNet-50", ResNetBlock::kBottleneck, {3, 4, 6, 3}, 1, 64};
  return spec;
}
const ResNetSpec& resnext101_32x8d_spec() {
  static const ResNetSpec spec{"ResNeXt-101 32x8d", ResNetBlock::kBottleneck, {3, 4, 23, 3}, 32, 8};
  return spec;
}

ResNetKeys torchvision_resnet_keys(const std::string& prefix) {
  return {prefix + "conv1",
          prefix + "bn1",
          {prefix + "layer1", prefix + "layer2", prefix + "layer3", prefix + "layer4"},
          prefix + "fc"};
}

ResNetKeys midas_resnet_keys() {
  return {"pretrained.layer1.0",
          "pretrained.layer1.1",
          {"pretrained.layer1.4", "pretrained.layer2", "pretrained.layer3", "pretrained.layer4"},
          ""};
}

void append_resnet_layout(WeightLayout& layout, const ResNetSpec& spec, const ResNetKeys& keys) {
  append_conv_layout(layout, keys.conv1, 64, 3, 7, 1, false);
  append_batch_norm_layout(layout, keys.bn1, 64);
  std::int64_t last_channels = 64;
  for (const std::vector<BlockShape>& layer : block_shapes(spec, keys)) {
    for (const BlockShape& block : layer) {
      for (const ConvShape& conv : block_convs(spec, block)) {
        append_conv_layout(layout, block.prefix + "." + conv.name, conv.out_channels, conv.in_channels,
                           conv.kernel_size, conv.geometry.groups, false);
        append_batch_norm_layout(layout, block.prefix + "." + norm_name(conv.name), conv.out_channels);
      }
      if (block.downsample) {
        append_conv_layout(layout, block.prefix + ".downsample.0", block.out_channels, block.in_channels, 1, 1, false);
        append_batch_norm_layout(layout, block.prefix + ".downsample.1", block.out_channels);
      }
      last_channels = block.out_channels;
    }
  }
  if (!keys.fc.empty()) {
    layout.tensors.push_back({keys.fc + ".weight", at::kFloat, {1000, last_channels}, /*required=*/false});
    layout.tensors.push_back({keys.fc + ".bias", at::kFloat, {1000}, /*required=*/false});
  }
}

void check_network_input(const std::string& network, const at::Tensor& image, std::int64_t multiple_of) {
  const bool shape_ok = image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3 && image.size(2) > 0 &&
                        image.size(3) > 0 && image.size(2) % multiple_of == 0 && image.size(3) % multiple_of == 0;
  if (!shape_ok || image.scalar_type() != at::kFloat) {
    throw Error(concat(network, ": expected a 1x3xHxW float32 image with H and W multiples of ", multiple_of,
                       ", got ", pytorch_dtype_name(image.scalar_type()), " ", shape_text(image.sizes())));
  }
}

ResNetEncoder::ResNetEncoder(const ResNetSpec& spec, const ResNetKeys& keys, const NamedTensors& weights) {
  stem_ = folded_conv_from(weights, keys.conv1, {2, 3, 1}, keys.bn1);
  channels_[0] = 64;
  const std::array<std::vector<BlockShape>, 4> shapes = block_shapes(spec, keys);
  for (int layer = 0; layer < 4; ++layer) {
    for (const BlockShape& shape : shapes[layer]) {
      Block& block = layers_[layer].emplace_back();
      block.stride = shape.stride;
      const bool bottleneck = spec.block == ResNetBlock::kBottleneck;
      const std::vector<ConvShape> convs = block_convs(spec, shape);
      for (std::size_t i = 0; i < convs.size(); ++i) {
        const std::string conv = shape.prefix + "." + convs[i].name;
        const std::string norm = shape.prefix + "." + norm_name(convs[i].name);
        if (bottleneck) {
          // Every conv ends in a ReLU: conv1's and conv2's on their own output, conv3's after the identity's sum.
          block.bottleneck_convs.push_back(blocked_conv_from(weights, conv, convs[i].geometry, norm, /*relu=*/true));
        } else {
          block.convs.push_back(folded_conv_from(weights, conv, convs[i].geometry, norm));
        }
      }
      if (shape.downsample) {
        block.has_downsample = true;
        const std::string conv = shape.prefix + ".downsample.0", norm = shape.prefix + ".downsample.1";
        if (bottleneck) {
          block.bottleneck_downsample = blocked_conv_from(weights, conv, {shape.stride, 0, 1}, norm, /*relu=*/false);
        } else {
          block.downsample = folded_conv_from(weights, conv, {shape.stride, 0, 1}, norm);
        }
      }
      channels_[layer + 1] = shape.out_channels;
    }
  }
}

std::vector<at::Tensor> ResNetEncoder::forward(const at::Tensor& image) const {
  DEPTHSTYLE_ASSERT(image.dim() == 4 && image.size(1) == 3);
  std::vector<at::Tensor> features;
  at::Tensor x = stem_(image.contiguous().to_mkldnn());
  x.relu_();
  features.push_back(x);
  x = at::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
  if (!layers_[0].front().bottleneck_convs.empty()) {
    BlockedMap map = BlockedMap::from_nchw(x.to_dense());
    for (const std::vector<Block>& layer : layers_) {
      map = bottleneck_layer(layer, std::move(map));
      features.push_back(map.to_nchw());  // a copy: the next layer's sums write over the map
    }
    return features;
  }
  for (const std::vector<Block>& layer : layers_) {
    const bool dense = runs_on_nchw(layer, strided_side(x.size(2), layer.front().stride),
                                    strided_side(x.size(3), layer.front().stride));
    if (dense && x.is_mkldnn()) x = x.to_dense();
    if (!dense && !x.is_mkldnn()) x = x.to_mkldnn();
    for (const Block& block : layer) {
      const at::Tensor identity = block.has_downsample ? block.downsample(x) : x;
      at::Tensor out = x;
      for (std::size_t i = 0; i < block.convs.size(); ++i) {
        const bool last = i + 1 == block.convs.size();  // relu(conv(.) + identity); the others relu(conv(.))
        out = block.convs[i](out, {/*relu_input=*/false, last ? identity : at::Tensor(), /*relu_output=*/true});
      }
      x = out;
    }
    features.push_back(x);
  }
  return features;
}

BlockedMap ResNetEncoder::bottleneck_layer(const std::vector<Block>& layer, BlockedMap x) {
  for (const Block& block : layer) {
    BlockedMap identity = block.has_downsample ? block.bottleneck_downsample(x) : x;
    const BlockedMap inner = block.bottleneck_convs[1](block.bottleneck_convs[0](x));
    x = block.bottleneck_convs[2](inner, std::move(identity));
  }
  return x;
}

double ResNetEncoder::flops(std::int64_t height, std::int64_t width) const {
  height = strided_side(height, 2), width = strided_side(width, 2);
  double total = stem_.flops(height, width);
  height = strided_side(height, 2), width = strided_side(width, 2);  // max pool
  for (const std::vector<Block>& layer : layers_) {
    for (const Block& block : layer) {
      const std::int64_t out_height = strided_side(height, block.stride), out_width = strided_side(width, block.stride);
      // The stride sits on the first 3x3 conv: conv1 of a basic block, conv2 of a bottleneck.
      for (const FoldedConv& conv : block.convs) total += conv.flops(out_height, out_width);
      for (std::size_t i = 0; i < block.bottleneck_convs.size(); ++i) {
        total += i == 0 ? block.bottleneck_convs[i].flops(height, width)
                        : block.bottleneck_convs[i].flops(out_height, out_width);
      }
      if (block.has_downsample) {
        total += block.bottleneck_convs.empty() ? block.downsample.flops(out_height, out_width)
                                                : block.bottleneck_downsample.flops(out_height, out_width);
      }
      height = out_height, width = out_width;
    }
  }
  return total;
}

}  // namespace depthstyle
