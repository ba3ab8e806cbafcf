#include "nets/vgg_encoder.h"

#include "nets/adain_decoder.h"

namespace depthstyle {
namespace {

LayerTable make_vgg_encoder_layers() {
  LayerTable layers = {{LayerKind::kConv, 3, 3, 1}};
  const auto conv_block = [&layers](std::int64_t in_channels, std::int64_t out_channels) {
    layers.push_back({LayerKind::kReflectionPad});
    layers.push_back({LayerKind::kConv, in_channels, out_channels, 3});
    layers.push_back({LayerKind::kReLU});
  };
  const auto max_pool = [&layers] { layers.push_back({LayerKind::kMaxPool}); };
  conv_block(3, 64), conv_block(64, 64), max_pool();  // relu1_1, relu1_2
  conv_block(64, 128), conv_block(128, 128), max_pool();  // relu2_1, relu2_2
  conv_block(128, 256), conv_block(256, 256), conv_block(256, 256), conv_block(256, 256), max_pool();  // relu3_x
  conv_block(256, 512), conv_block(512, 512), conv_block(512, 512), conv_block(512, 512), max_pool();  // relu4_x
  conv_block(512, 512), conv_block(512, 512), conv_block(512, 512), conv_block(512, 512);  // relu5_1 .. relu5_4
  return layers;
}

}  // namespace

const LayerTable& vgg_encoder_layers() {
  static const LayerTable layers = make_vgg_encoder_layers();
  return layers;
}

const WeightLayout& vgg_encoder_weight_layout() {
  static const WeightLayout layout = weight_layout_of("VGG-19 normalised encoder (vgg_normalised.pth)",
                                                      vgg_encoder_layers(), kVggEncoderUsedLayers);
  return layout;
}

const std::vector<std::size_t>& vgg_style_tap_modules() {
  static const std::vector<std::size_t> modules = {3, 10, 17, 30};
  return modules;
}

const std::vector<std::string>& vgg_style_tap_names() {
  static const std::vector<std::string> names = {"relu1_1", "relu2_1", "relu3_1", "relu4_1"};
  return names;
}

void check_vgg_encoder_weights(const NamedTensors& weights, const std::string& source) {
  check_weight_layout(vgg_encoder_weight_layout(), weights, source, {&adain_decoder_weight_layout()});
}

LayerStack vgg_encoder_from_weights(const NamedTensors& weights, const std::string& source, Precision precision) {
  check_vgg_encoder_weights(weights, source);
  return LayerStack("VGG encoder", vgg_encoder_layers(), kVggEncoderUsedLayers, weights, precision);
}

}  // namespace depthstyle
