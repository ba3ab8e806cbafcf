// The AdaIN encoder: VGG-19 "normalised" (the public AdaIN port's `vgg_normalised.pth`) up to relu4_1.
//
// The file is the state_dict of a 53-module nn.Sequential (converted from the original Lua Torch model):
//   0 conv 3->3 1x1: the preprocessing (RGB -> BGR, x255, minus the Caffe mean) — so the input is RGB in [0,1]
//     with no other normalisation
//   1 pad, 2 conv 3->64, 3 relu (relu1_1); 4 pad, 5 conv 64->64, 6 relu; 7 max pool
//   8 pad, 9 conv 64->128, 10 relu (relu2_1); 11 pad, 12 conv, 13 relu; 14 max pool
//   15 pad, 16 conv 128->256, 17 relu (relu3_1); 18-26 three x [pad, conv 256->256, relu]; 27 max pool
//   28 pad, 29 conv 256->512, 30 relu (relu4_1: the output)
//   31-52 the rest of VGG-19 (relu4_2 .. relu5_4), unused: accepted when present (shapes checked), not required.
// Input 1x3xHxW float32 RGB in [0,1]; output 1x512xhxw float32 with h = ceil(ceil(ceil(H/2)/2)/2), same for w.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "nets/layer_stack.h"
#include "nets/weight_layout.h"

namespace depthstyle {

// All 53 modules, as in the file.
const LayerTable& vgg_encoder_layers();
// Modules 0..30 (up to relu4_1) run at inference.
constexpr std::size_t kVggEncoderUsedLayers = 31;
const WeightLayout& vgg_encoder_weight_layout();
// The layout check vgg_encoder_from_weights runs (InputError starting with `source`, naming the decoder when the
// file holds its weights), without building the network.
void check_vgg_encoder_weights(const NamedTensors& weights, const std::string& source);

// The ReLUs whose activations the AdaIN style loss compares (the port's net.py: its slices enc_1 .. enc_4 end at
// relu1_1, relu2_1, relu3_1, relu4_1): their module indices, for LayerStack::forward_with_taps, and their names.
const std::vector<std::size_t>& vgg_style_tap_modules();
const std::vector<std::string>& vgg_style_tap_names();

// The encoder as a LayerStack: forward(image) -> relu4_1 (see above for layouts; an image needs 9 pixels a side).
// Throws InputError starting with `source` (the file) and listing every difference from the layout.
LayerStack vgg_encoder_from_weights(const NamedTensors& weights, const std::string& source,
                                    Precision precision = Precision::kFloat32);

}  // namespace depthstyle
