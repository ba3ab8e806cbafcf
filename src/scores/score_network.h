// The network whose activations the perceptual scores compare (scores/feature_scores.h), and how it shares work with
// the stylization backbone:
//   the backbone's own encoder (default)   Backbone::encode_with_taps: the content's and the styles' taps come from
//                                          the same pass as the features the stylization uses. With backbone vgg
//                                          these are the paper's VGG features; with the pyramid stand-in, its
//                                          levels, and every score says so.
//   a VGG encoder file (`vgg_encoder`)     vgg_normalised.pth of the AdaIN port, whatever the backbone: the paper's
//                                          perceptual features for pictures made by another backbone (the images
//                                          are then encoded once more, by it).
// Images: 1x3xHxW float32 RGB in [0,1].
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nets/layer_stack.h"
#include "style/backbone.h"

namespace depthstyle {

class ScoreNetwork {
 public:
  // `vgg_encoder` empty: the backbone's encoder. Otherwise reads and checks the file (InputError naming it).
  ScoreNetwork(Backbone& backbone, const std::filesystem::path& vgg_encoder, Precision precision);

  // The backbone's features of `image`, and its score taps in `taps` (one pass when the networks are the same).
  Features encode(const at::Tensor& image, std::vector<at::Tensor>& taps);
  // Only the score taps (of an output).
  std::vector<at::Tensor> taps(const at::Tensor& image);

  const TapLayout& layout() const { return layout_; }
  // For result rows: "vgg relu1_1,relu2_1,relu3_1,relu4_1", "pyramid band_0,...,residual (stand-in, not VGG)".
  const std::string& label() const { return label_; }
  // True unless the taps are VGG's.
  bool stand_in() const { return stand_in_; }
  // For manifests: which network, its file and sha256, the taps and which distances read them.
  nlohmann::json describe() const;

 private:
  Backbone& backbone_;
  std::unique_ptr<LayerStack> vgg_;  // null: the backbone's encoder
  std::filesystem::path vgg_path_;
  std::string vgg_sha256_;
  TapLayout layout_;
  std::string label_;
  bool stand_in_ = true;
};

}  // namespace depthstyle
