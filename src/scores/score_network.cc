#include "scores/score_network.h"

#include "core/error.h"
#include "core/file_hash_cache.h"
#include "core/text.h"
#include "tensor/checkpoint.h"
#include "nets/vgg_encoder.h"
#include "style/vgg_backbone.h"

namespace depthstyle {

ScoreNetwork::ScoreNetwork(Backbone& backbone, const std::filesystem::path& vgg_encoder, Precision precision)
    : backbone_(backbone) {
  if (!vgg_encoder.empty()) {
    vgg_ = std::make_unique<LayerStack>(
        vgg_encoder_from_weights(read_checkpoint(vgg_encoder).tensors, vgg_encoder.string(), precision));
    vgg_path_ = vgg_encoder;
    vgg_sha256_ = cached_sha256_hex_of_file(vgg_encoder);
    layout_ = vgg_tap_layout();
  } else {
    layout_ = backbone.tap_layout();
  }
  const std::string network = vgg_ ? std::string("vgg") : backbone.name();
  stand_in_ = network != "vgg";
  label_ = concat(network, " ", join(layout_.names, ","), stand_in_ ? " (stand-in, not VGG)" : "");
}

Features ScoreNetwork::encode(const at::Tensor& image, std::vector<at::Tensor>& taps) {
  if (!vgg_) return backbone_.encode_with_taps(image, taps);
  vgg_->forward_with_taps(image, vgg_style_tap_modules(), taps);
  return backbone_.encode(image);
}

std::vector<at::Tensor> ScoreNetwork::taps(const at::Tensor& image) {
  std::vector<at::Tensor> taps;
  if (vgg_) {
    vgg_->forward_with_taps(image, vgg_style_tap_modules(), taps);
  } else {
    backbone_.encode_with_taps(image, taps);
  }
  return taps;
}

nlohmann::json ScoreNetwork::describe() const {
  std::vector<std::string> content, style;
  for (const std::size_t index : layout_.content) content.push_back(layout_.names[index]);
  for (const std::size_t index : layout_.style) style.push_back(layout_.names[index]);
  nlohmann::json description = {{"label", label_},
                                 {"stand_in", stand_in_},
                                 {"content_distance_taps", content},
                                 {"style_distance_taps", style}};
  if (vgg_) {
    description["network"] = {{"type", "vgg encoder"},
                              {"path", vgg_path_.string()},
                              {"sha256", vgg_sha256_},
                              {"precision", to_string(vgg_->precision())}};
  } else {
    description["network"] = "the backbone's encoder (manifest: backbone)";
  }
  return description;
}

}  // namespace depthstyle
