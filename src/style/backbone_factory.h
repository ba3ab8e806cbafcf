// Building a Backbone (style/backbone.h) from a config entry, and the registry of backbone types.
//
//   backbone:
//     type: pyramid            # one of backbone_type_names()
//     pyramid_levels: 5        # pyramid only
//     encoder: ""              # vgg only: vgg_normalised.pth of the public AdaIN PyTorch port, or vgg_encoder
//     decoder: ""              # vgg only: decoder.pth of the same release, or adain_decoder
//     precision: fp32          # vgg only: fp32 or bf16
//
// encoder and decoder take a path, or a catalog name (weights/weight_catalog.h) for the file in the weights folder.
// The keys of every type are declared here so configs and `--print-config` show them in one place. A key set away
// from its default for a type that does not use it is an error naming the key (a VGG weight path given to the
// pyramid would otherwise be silently ignored).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "style/backbone.h"

namespace depthstyle {

class Schema;

struct BackboneConfig {
  // One of backbone_type_names().
  std::string type = "pyramid";
  // pyramid: band-pass levels, in [1, 10] (see style/pyramid_backbone.h).
  int pyramid_levels = 5;
  // vgg: path of the encoder weights (vgg_normalised.pth), or the catalog name vgg_encoder.
  std::string encoder;
  // vgg: path of the decoder weights (decoder.pth), or the catalog name adain_decoder.
  std::string decoder;
  // vgg: arithmetic of the networks, fp32 or bf16.
  std::string precision = "fp32";
};

struct BackboneType {
  std::string name;
  std::string summary;
  // The keys of BackboneConfig (besides `type`) this type reads, e.g. {"pyramid_levels"}.
  std::vector<std::string> keys;
  std::function<std::unique_ptr<Backbone>(const BackboneConfig&)> create;
};

// Every available type, in the order help texts list them.
const std::vector<BackboneType>& backbone_types();
std::vector<std::string> backbone_type_names();

// Binds the keys above under `prefix` (e.g. "backbone").
void declare_backbone(Schema& schema, const std::string& prefix, BackboneConfig& config);

// Problems of a config, each "<prefix>.<key>: message": unknown type, keys the type does not use set away from
// their defaults. Empty if the config is usable.
std::vector<std::string> backbone_config_problems(const BackboneConfig& config, const std::string& prefix);

// Throws UsageError listing backbone_config_problems, or InputError for unreadable weight files.
std::unique_ptr<Backbone> make_backbone(const BackboneConfig& config);

}  // namespace depthstyle
