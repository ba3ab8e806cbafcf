#include "nets/adain_decoder.h"

#include "nets/vgg_encoder.h"

namespace depthstyle {
namespace {

LayerTable make_adain_decoder_layers() {
  LayerTable layers;
  const auto conv_block = [&layers](std::int64_t in_channels, std::int64_t out_channels) {
    layers.push_back({LayerKind::kReflectionPad});
    layers.push_back({LayerKind::kConv, in_channels, out_channels, 3});
    layers.push_back({LayerKind::kReLU});
  };
  const auto upsample = [&layers] { layers.push_back({LayerKind::kUpsample}); };
  conv_block(512, 256), upsample();
  conv_block(256, 256), conv_block(256, 256), conv_block(256, 256), conv_block(256, 128), upsample();
  conv_block(128, 128), conv_block(128, 64), upsample();
  conv_block(64, 64);
  layers.push_back({LayerKind::kReflectionPad});
  layers.push_back({LayerKind::kConv, 64, 3, 3});  // no activation: the output is the image
  return layers;
}

}  // namespace

const LayerTable& adain_decoder_layers() {
  static const LayerTable layers = make_adain_decoder_layers();
  return layers;
}

const WeightLayout& adain_decoder_weight_layout() {
  static const WeightLayout layout =
      weight_layout_of("AdaIN decoder (decoder.pth)", adain_decoder_layers(), adain_decoder_layers().size());
  return layout;
}

void check_adain_decoder_weights(const NamedTensors& weights, const std::string& source) {
  // The encoder's layout also matches a file cut after relu4_1.
  check_weight_layout(adain_decoder_weight_layout(), weights, source, {&vgg_encoder_weight_layout()});
}

LayerStack adain_decoder_from_weights(const NamedTensors& weights, const std::string& source, Precision precision) {
  check_adain_decoder_weights(weights, source);
  return LayerStack("AdaIN decoder", adain_decoder_layers(), adain_decoder_layers().size(), weights, precision);
}

}  // namespace depthstyle
