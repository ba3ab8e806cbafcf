// A style-transfer backbone: an encoder f and a decoder g with g(f(I)) ~ I, between which AdaIN and the strength map
// act. Two implementations:
//   vgg       the paper's networks: VGG-19 (normalised) to relu4_1 and the AdaIN decoder, from the reference
//             weight files (nets/); one feature level, 512 channels at 1/8 of the image size
//   pyramid   a weight-free stand-in: colour-decorrelated Laplacian pyramid with an exact inverse; several levels
//             (band-pass levels, then the low-pass residual). Its pictures are labelled as not the paper's networks.
//
// Layouts: images are 1x3xHxW float32 RGB in [0,1] (no other normalisation); every feature level is 1xCxHxW float32.
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace depthstyle {

struct Features {
  std::vector<at::Tensor> levels;  // finest first
};

// What the perceptual scores (scores/feature_scores.h) compare: encoder activations ("taps"), finest first.
struct TapLayout {
  std::vector<std::string> names;
  // Indices of the taps the content distance compares (their mean squared difference, summed over them).
  std::vector<std::size_t> content;
  // Indices of the taps whose channel means and standard deviations the style distance compares.
  std::vector<std::size_t> style;
};

class Backbone {
 public:
  virtual ~Backbone() = default;
  // Short identifier used in result keys and manifests: "vgg", "pyramid".
  virtual std::string name() const = 0;
  // What a picture made with it must say, e.g. "weight-free Laplacian pyramid (stand-in, not the paper's VGG)".
  virtual std::string label() const = 0;
  // True only for the backbone whose numbers reproduce the paper.
  virtual bool reproduces_paper() const = 0;
  virtual Features encode(const at::Tensor& image) = 0;
  // encode(), and the taps of tap_layout() from the same pass: vgg relu1_1, relu2_1, relu3_1, relu4_1 (content
  // distance on relu4_1, style distance on all four: the AdaIN paper's losses); pyramid its levels (both distances
  // on all of them).
  virtual Features encode_with_taps(const at::Tensor& image, std::vector<at::Tensor>& taps) = 0;
  virtual TapLayout tap_layout() const = 0;
  // 1x3xHxW; not clamped (callers clamp to [0,1] when they save). The size may differ from the encoded image's by
  // the backbone's rounding (VGG: pooling with ceil_mode); callers crop or resize to the content's size.
  virtual at::Tensor decode(const Features& features) = 0;
  // Weight files with sha256, precision, levels: stored in run manifests.
  virtual nlohmann::json describe() const = 0;
};

}  // namespace depthstyle
