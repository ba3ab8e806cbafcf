#include "style/vgg_backbone.h"

#include "core/error.h"
#include "core/file_hash_cache.h"
#include "core/log.h"
#include "tensor/checkpoint.h"
#include "nets/adain_decoder.h"
#include "nets/vgg_encoder.h"

namespace depthstyle {
namespace {

class VggBackbone : public Backbone {
 public:
  explicit VggBackbone(const VggBackboneConfig& config)
      : config_(config),
        encoder_(vgg_encoder_from_weights(read_checkpoint(config.encoder_path).tensors,
                                          config.encoder_path.string(), config.precision)),
        decoder_(adain_decoder_from_weights(read_checkpoint(config.decoder_path).tensors,
                                            config.decoder_path.string(), config.precision)),
        encoder_sha256_(cached_sha256_hex_of_file(config.encoder_path)),
        decoder_sha256_(cached_sha256_hex_of_file(config.decoder_path)) {}

  std::string name() const override { return "vgg"; }
  std::string label() const override {
    return concat("the paper's networks: VGG-19 normalised encoder to relu4_1 and the AdaIN decoder (",
                  to_string(config_.precision), ")");
  }
  bool reproduces_paper() const override { return true; }

  Features encode(const at::Tensor& image) override { return {{encoder_.forward(image)}}; }
  Features encode_with_taps(const at::Tensor& image, std::vector<at::Tensor>& taps) override {
    return {{encoder_.forward_with_taps(image, vgg_style_tap_modules(), taps)}};
  }
  TapLayout tap_layout() const override { return vgg_tap_layout(); }

  at::Tensor decode(const Features& features) override {
    if (features.levels.size() != 1) {
      throw Error(concat("vgg backbone: expected one feature level (relu4_1), got ", features.levels.size()));
    }
    return decoder_.forward(features.levels.front());
  }

  nlohmann::json describe() const override {
    return {{"name", name()},
            {"label", label()},
            {"encoder", {{"path", config_.encoder_path.string()}, {"sha256", encoder_sha256_}}},
            {"decoder", {{"path", config_.decoder_path.string()}, {"sha256", decoder_sha256_}}},
            {"precision", to_string(config_.precision)},
            {"bf16_native", bf16_is_native()},
            {"feature_levels", {"relu4_1"}}};
  }

 private:
  VggBackboneConfig config_;
  LayerStack encoder_;
  LayerStack decoder_;
  std::string encoder_sha256_;
  std::string decoder_sha256_;
};

}  // namespace

TapLayout vgg_tap_layout() {
  return {vgg_style_tap_names(), {3}, {0, 1, 2, 3}};
}

std::unique_ptr<Backbone> make_vgg_backbone(const VggBackboneConfig& config) {
  if (config.precision == Precision::kBFloat16 && !bf16_is_native()) {
    log_warning("vgg backbone: precision bf16 on a CPU without AVX-512 (BW, VL, DQ): no bfloat16 kernels here, so ",
                "the bf16 values are convolved in float32 arithmetic (as bf16 hardware sums), no faster than fp32 ",
                "(use fp32 unless you want bf16's rounding)");
  }
  return std::make_unique<VggBackbone>(config);
}

}  // namespace depthstyle
