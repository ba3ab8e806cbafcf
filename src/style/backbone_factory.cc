#include "style/backbone_factory.h"

#include <algorithm>

#include "config/schema.h"
#include "core/error.h"
#include "core/text.h"
#include "style/pyramid_backbone.h"
#include "style/vgg_backbone.h"
#include "weights/weight_catalog.h"

namespace depthstyle {

const std::vector<BackboneType>& backbone_types() {
  static const std::vector<BackboneType> types = {
      {"pyramid", "weight-free stand-in: colour-decorrelated Laplacian pyramid, AdaIN per band (not the paper's)",
       {"pyramid_levels"},
       [](const BackboneConfig& config) { return make_pyramid_backbone({config.pyramid_levels}); }},
      {"vgg", "the paper's networks: VGG-19 (normalised) to relu4_1 and the AdaIN decoder, from the port's files",
       {"encoder", "decoder", "precision"},
       [](const BackboneConfig& config) {
         return make_vgg_backbone(
             {resolve_model_path(config.encoder, ModelUse::kVggEncoder, "backbone.encoder"),
              resolve_model_path(config.decoder, ModelUse::kAdainDecoder, "backbone.decoder"),
              precision_from_string(config.precision)});
       }},
  };
  return types;
}

std::vector<std::string> backbone_type_names() {
  std::vector<std::string> names;
  for (const BackboneType& type : backbone_types()) names.push_back(type.name);
  return names;
}

void declare_backbone(Schema& schema, const std::string& prefix, BackboneConfig& config) {
  schema.add(prefix + ".type", &config.type, "feature extractor and its inverse; pyramid is a weight-free stand-in, "
                                              "vgg the paper's networks")
      .one_of(backbone_type_names());
  schema.add(prefix + ".pyramid_levels", &config.pyramid_levels,
             "pyramid: band-pass levels; images need a smaller side >= 2^(levels+1) px")
      .range(1, 10);
  schema.add(prefix + ".encoder", &config.encoder,
             "vgg: encoder weights, vgg_normalised.pth of the AdaIN PyTorch port (a path, or vgg_encoder: the file "
             "in the weights folder)");
  schema.add(prefix + ".decoder", &config.decoder,
             "vgg: decoder weights, decoder.pth of the AdaIN PyTorch port (a path, or adain_decoder: the file in the "
             "weights folder)");
  schema.add(prefix + ".precision", &config.precision, "vgg: network arithmetic").one_of({"fp32", "bf16"});
}

std::vector<std::string> backbone_config_problems(const BackboneConfig& config, const std::string& prefix) {
  const auto& types = backbone_types();
  const auto type = std::find_if(types.begin(), types.end(), [&](const BackboneType& t) { return t.name == config.type; });
  if (type == types.end()) {
    return {concat(prefix, ".type: unknown backbone '", config.type, "'",
                   did_you_mean(config.type, backbone_type_names()), "; available: ",
                   join(backbone_type_names(), ", "))};
  }
  const BackboneConfig defaults;
  const std::vector<std::pair<std::string, bool>> changed = {
      {"pyramid_levels", config.pyramid_levels != defaults.pyramid_levels},
      {"encoder", config.encoder != defaults.encoder},
      {"decoder", config.decoder != defaults.decoder},
      {"precision", config.precision != defaults.precision},
  };
  std::vector<std::string> problems;
  for (const auto& [key, is_changed] : changed) {
    if (is_changed && std::find(type->keys.begin(), type->keys.end(), key) == type->keys.end()) {
      problems.push_back(concat(prefix, ".", key, ": not used by backbone type '", config.type,
                                "' (it reads: ", type->keys.empty() ? "nothing else" : join(type->keys, ", "), ")"));
    }
  }
  if (config.type == "vgg") {
    if (config.encoder.empty()) {
      problems.push_back(concat(prefix, ".encoder: the vgg backbone needs vgg_normalised.pth of the public AdaIN "
                                        "PyTorch port (a path, or vgg_encoder: the file in the weights folder)"));
    }
    if (config.decoder.empty()) {
      problems.push_back(concat(prefix, ".decoder: the vgg backbone needs decoder.pth of the public AdaIN PyTorch "
                                        "port (a path, or adain_decoder: the file in the weights folder)"));
    }
    if (const std::string problem = model_use_problem(config.encoder, ModelUse::kVggEncoder); !problem.empty()) {
      problems.push_back(concat(prefix, ".encoder: ", problem));
    }
    if (const std::string problem = model_use_problem(config.decoder, ModelUse::kAdainDecoder); !problem.empty()) {
      problems.push_back(concat(prefix, ".decoder: ", problem));
    }
  }
  return problems;
}

std::unique_ptr<Backbone> make_backbone(const BackboneConfig& config) {
  const std::vector<std::string> problems = backbone_config_problems(config, "backbone");
  if (!problems.empty()) throw UsageError(join(problems, "\n"));
  const auto& types = backbone_types();
  return std::find_if(types.begin(), types.end(), [&](const BackboneType& t) { return t.name == config.type; })
      ->create(config);
}

}  // namespace depthstyle
