// The style engine's workload as the benchmarks time it: the public AdaIN port's stylization with the vgg backbone on
// seeded random weights in the published layout (tests/fixtures/style/make_vgg_fixtures.py), and its FLOPs. One
// definition for style_bench, which times it against PyTorch eager, and depth_bench --against-style, which measures
// the depth networks' rate against it in the same process.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/process.h"
#include "nets/adain_decoder.h"
#include "nets/layer_stack.h"
#include "nets/vgg_encoder.h"
#include "style/adain.h"
#include "style/vgg_backbone.h"

namespace depthstyle {

// Writes vgg_normalised_zip.pth and decoder_zip.pth (seeded random values, ~250 MB) into `weights_dir`, or keeps them.
inline void write_vgg_bench_weights(const std::filesystem::path& weights_dir) {
  const ProcessResult fixtures = run_process(
      {"/usr/bin/python3", std::string(DEPTHSTYLE_SOURCE_DIR) + "/tests/fixtures/style/make_vgg_fixtures.py",
       weights_dir.string()});
  if (fixtures.exit_code != 0) throw Error("writing the random weight files failed:\n" + fixtures.output);
}

inline std::unique_ptr<Backbone> make_vgg_bench_backbone(const std::filesystem::path& weights_dir,
                                                         Precision precision) {
  return make_vgg_backbone({weights_dir / "vgg_normalised_zip.pth", weights_dir / "decoder_zip.pth", precision});
}

// The port's stylization with its default alpha = 1: decoder(AdaIN(f(c), f(s))), clamped as it is when saved.
inline at::Tensor stylize(Backbone& backbone, const at::Tensor& content, const at::Tensor& style) {
  const at::Tensor content_features = backbone.encode(content).levels.at(0);
  const at::Tensor style_features = backbone.encode(style).levels.at(0);
  return backbone.decode({{adain(content_features, style_features)}}).clamp(0, 1);
}

// Every conv's FLOPs (counted as a direct conv's multiply-adds, x2) of both encoder passes and the decoder: the
// figure style_bench divides by its fastest wall time to report the style engine's GFLOP/s.
inline double stylization_flops(std::int64_t content_height, std::int64_t content_width, std::int64_t style_side) {
  const auto encoder = [](std::int64_t height, std::int64_t width) {
    return conv_flops(vgg_encoder_layers(), kVggEncoderUsedLayers, height, width);
  };
  const auto feature_side = [](std::int64_t side) { return (((side + 1) / 2 + 1) / 2 + 1) / 2; };
  return encoder(content_height, content_width) + encoder(style_side, style_side) +
         conv_flops(adain_decoder_layers(), adain_decoder_layers().size(), feature_side(content_height),
                    feature_side(content_width));
}

}  // namespace depthstyle
