#include "depth/depth_estimator.h"

#include <algorithm>

#include "config/schema.h"
#include "core/error.h"
#include "core/text.h"
#include "depth/baselines.h"
#include "depth/dark_channel.h"
#include "depth/depth_anything_estimator.h"
#include "depth/file_estimator.h"
#include "depth/model_location.h"
#include "depth/midas_estimator.h"
#include "depth/monodepth2_estimator.h"
#include "depth/onnx_estimator.h"
#include "depth/torchscript_estimator.h"
#include "weights/weight_catalog.h"
#include "nets/depth_anything.h"

namespace depthstyle {
namespace {

const std::string kPreprocessingPrefix = "preprocessing.";

bool type_reads(const DepthEstimatorType& type, const std::string& key) {
  for (const std::string& used : type.keys) {
    if (key == used || starts_with(key, used + ".")) return true;
  }
  return false;
}

}  // namespace

const std::vector<DepthEstimatorType>& depth_estimator_types() {
  static const std::vector<DepthEstimatorType> types = {
      {"vertical", "weight-free baseline: lower in the image = nearer", {}, make_vertical_estimator},
      {"random",
       "weight-free baseline: seeded uniform noise per image (chance level)",
       {"seed"},
       make_random_estimator},
      {"dark_channel",
       "classical cue: He et al.'s dark-channel haze prior, depth ~ -ln(transmission)",
       {"dark_channel"},
       make_dark_channel_estimator},
      {"file",
       "precomputed maps (PFM, PNG, NPY, NPZ) in a folder mirroring the images",
       {"path", "meaning", "images_root", "png_scale", "npz_key"},
       make_file_estimator},
      {"torchscript",
       "a TorchScript depth model with a declared preprocessing",
       {"path", "meaning", "preset", "preprocessing"},
       make_torchscript_estimator},
      {"onnx",
       "an ONNX depth model run by OpenCV dnn with a declared preprocessing",
       {"path", "meaning", "preset", "preprocessing"},
       make_onnx_estimator},
      {"monodepth2",
       "monodepth2 (ResNet-18 + depth decoder) from a published model folder (encoder.pth, depth.pth)",
       {"path", "variant", "preprocessing"},
       make_monodepth2_estimator},
      {"midas",
       "MiDaS v1, v2, v2.1 large or v2.1 small from its published weight file",
       {"path", "version", "preprocessing"},
       make_midas_estimator},
      {"depth_anything",
       "Depth Anything V2 or V1, Small, Base or Large, from its published weight file",
       {"path", "variant", "preprocessing"},
       make_depth_anything_estimator},
  };
  return types;
}

std::vector<std::string> depth_estimator_type_names() {
  std::vector<std::string> names;
  for (const DepthEstimatorType& type : depth_estimator_types()) names.push_back(type.name);
  return names;
}

void declare_depth_estimator(Schema& schema, DepthEstimatorConfig& config) {
  schema.add("name", &config.name, "label in results and reports; unique within a run").non_empty().required();
  schema.add("type", &config.type, "estimator type").one_of(depth_estimator_type_names()).required();
  schema.add("path", &config.path,
             "model file (torchscript, onnx, midas), folder of precomputed maps (file) or of model folders "
             "(monodepth2); midas, monodepth2, depth_anything: or a model's name in the weights folder (depthstyle "
             "weights list)");
  std::vector<std::string> variants = monodepth2_variant_names();
  for (const std::string& name : depth_anything_variant_names()) variants.push_back(name);
  schema.add("variant", &config.variant,
             concat("monodepth2: the published model, a subfolder of path ('' = path is the model folder); "
                    "depth_anything: ", depth_anything_variant_files()))
      .one_of(variants);
  schema
      .add("version", &config.version,
           concat("midas: ", midas_version_files()))
      .one_of(midas_version_names());
  schema.add("seed", &config.seed, "seed of the random baseline (-1 = the run's seed)").at_least(-1);
  schema
      .add("meaning", &config.meaning,
           "what the values mean: depth (bigger = farther) or proximity (bigger = nearer); '' = the preset's")
      .one_of({"depth", "proximity", "inverse_depth", "disparity"});
  schema.add("preset", &config.preset, "named preprocessing of a model ('' = none)")
      .one_of(preprocessing_preset_names());
  declare_preprocessing(schema, config.preprocessing, kPreprocessingPrefix);
  schema.add("images_root", &config.images_root,
             "file: image paths are taken relative to this folder to find their maps ('' = as given)");
  schema.add("png_scale", &config.png_scale, "file: PNG maps store value * png_scale").at_least(1e-12);
  schema.add("npz_key", &config.npz_key, "file: array name in .npz maps ('' = the only array)");
  schema.add("dark_channel.patch", &config.dark_channel_patch, "dark_channel: odd patch side of the min filter, pixels")
      .at_least(1);
  schema
      .add("dark_channel.omega", &config.dark_channel_omega,
           "dark_channel: share of the haze removed, t = 1 - omega * dark(I / A)")
      .range(0, 1);
}

std::vector<std::string> depth_estimator_keys_set(const DepthEstimatorConfig& config) {
  const DepthEstimatorConfig defaults;
  std::vector<std::string> keys;
  const auto note = [&keys](bool set, const std::string& key) {
    if (set) keys.push_back(key);
  };
  note(config.path != defaults.path, "path");
  note(config.variant != defaults.variant, "variant");
  note(config.version != defaults.version, "version");
  note(config.seed != defaults.seed, "seed");
  note(config.meaning != defaults.meaning, "meaning");
  note(config.preset != defaults.preset, "preset");
  for (const std::string& key : config.preprocessing.keys_set()) keys.push_back(kPreprocessingPrefix + key);
  note(config.images_root != defaults.images_root, "images_root");
  note(config.png_scale != defaults.png_scale, "png_scale");
  note(config.npz_key != defaults.npz_key, "npz_key");
  note(config.dark_channel_patch != defaults.dark_channel_patch, "dark_channel.patch");
  note(config.dark_channel_omega != defaults.dark_channel_omega, "dark_channel.omega");
  return keys;
}

std::unique_ptr<DepthEstimator> make_depth_estimator(const DepthEstimatorConfig& config, std::uint64_t run_seed) {
  check_depth_estimator_config(config);
  const auto& types = depth_estimator_types();
  const auto type = std::find_if(types.begin(), types.end(), [&config](const DepthEstimatorType& candidate) {
    return candidate.name == config.type;
  });
  DepthEstimatorConfig resolved = with_catalog_model(config);
  resolved.path = resolve_model_path(resolved.path, ModelUse::kDepth, depth_estimator_context(config));
  if (resolved.seed < 0) resolved.seed = static_cast<std::int64_t>(run_seed & 0x7fffffffffffffffULL);
  return type->create(resolved);
}

void check_depth_estimator_config(const DepthEstimatorConfig& config) {
  const auto& types = depth_estimator_types();
  const auto type = std::find_if(types.begin(), types.end(), [&config](const DepthEstimatorType& candidate) {
    return candidate.name == config.type;
  });
  if (type == types.end()) {
    throw UsageError(concat(depth_estimator_context(config), ": unknown type '", config.type, "'",
                            did_you_mean(config.type, depth_estimator_type_names()), "; expected one of ",
                            join(depth_estimator_type_names(), ", ")));
  }
  std::vector<std::string> unused;
  for (const std::string& key : depth_estimator_keys_set(config)) {
    if (!type_reads(*type, key)) unused.push_back(key);
  }
  if (!unused.empty()) {
    throw UsageError(
        concat(depth_estimator_context(config), ": type ", type->name, " does not use ",
               unused.size() == 1 ? "key " : "keys ", join(unused, ", "), "; it reads ",
               type->keys.empty() ? std::string("no keys besides name and type") : join(type->keys, ", ")));
  }
  const DepthEstimatorConfig named = with_catalog_model(config);
  if (type->name == "monodepth2") check_monodepth2_config(named);
  if (type->name == "midas") check_midas_config(named);
  if (type->name == "depth_anything") check_depth_anything_config(named);
}

}  // namespace depthstyle
