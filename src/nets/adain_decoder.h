// The AdaIN decoder (the public AdaIN port's `decoder.pth`): relu4_1 features back to an image, mirroring the encoder.
//
// The file is the state_dict of a 29-module nn.Sequential:
//   0 pad, 1 conv 512->256, 2 relu, 3 upsample x2 (nearest)
//   4-12 three x [pad, conv 256->256, relu]
//   13 pad, 14 conv 256->128, 15 relu, 16 upsample
//   17 pad, 18 conv 128->128, 19 relu; 20 pad, 21 conv 128->64, 22 relu, 23 upsample
//   24 pad, 25 conv 64->64, 26 relu; 27 pad, 28 conv 64->3 (no final activation)
// Input 1x512xhxw float32; output 1x3x(8h)x(8w) float32 RGB, nominally in [0,1] but NOT clamped (callers clamp when
// they save, as the port does).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "nets/layer_stack.h"
#include "nets/weight_layout.h"

namespace depthstyle {

const LayerTable& adain_decoder_layers();
const WeightLayout& adain_decoder_weight_layout();
// The layout check adain_decoder_from_weights runs (InputError starting with `source`, naming the encoder when the
// file holds its weights), without building the network.
void check_adain_decoder_weights(const NamedTensors& weights, const std::string& source);

// The decoder as a LayerStack: forward(features) -> image (see above for layouts).
// Throws InputError starting with `source` (the file) and listing every difference from the layout.
LayerStack adain_decoder_from_weights(const NamedTensors& weights, const std::string& source,
                                      Precision precision = Precision::kFloat32);

}  // namespace depthstyle
