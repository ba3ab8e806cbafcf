// The paper's backbone: the VGG-19 normalised encoder to relu4_1 and the AdaIN decoder (nets/), loaded from the
// public AdaIN PyTorch port's weight files `vgg_normalised.pth` and `decoder.pth` (zip or legacy format).
//
// One feature level: relu4_1, 1x512x ceil(H/8) x ceil(W/8) float32 for a 1x3xHxW image; decode() returns
// 1x3x(8h)x(8w), which exceeds the image by up to 7 pixels a side when H or W is not a multiple of 8.
#pragma once

#include <filesystem>
#include <memory>

#include "nets/layer_stack.h"
#include "style/backbone.h"

namespace depthstyle {

struct VggBackboneConfig {
  // `vgg_normalised.pth`: all 53 modules as published, or a file cut after relu4_1 (modules 0..30).
  std::filesystem::path encoder_path;
  // `decoder.pth`.
  std::filesystem::path decoder_path;
  // fp32 (reproduces PyTorch eager within 1e-4) or bf16 (faster where the CPU has AVX-512; see nets/layer_stack.h).
  Precision precision = Precision::kFloat32;
};

// The taps of the VGG encoder for perceptual scores: relu1_1, relu2_1, relu3_1, relu4_1; the content distance on
// relu4_1, the style distance on all four (the AdaIN paper's content and style losses).
TapLayout vgg_tap_layout();

// Reads and checks both files (InputError naming the file and every key/shape difference), hashes them for
// describe(), and warns if bf16 is asked for on a CPU without fast bf16 kernels.
std::unique_ptr<Backbone> make_vgg_backbone(const VggBackboneConfig& config);

}  // namespace depthstyle
