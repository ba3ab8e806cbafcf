// Monocular depth estimators behind one interface, and the registry that builds them from a config entry.
//
//   depth_estimators:               # a list in a runner's config (DIW evaluation, style grids)
//     - name: vertical              # label in results; unique within a run
//       type: vertical              # one of depth_estimator_types()
//
// An estimator receives an image and returns a DepthPrediction (values + meaning, see depth_prediction.h), possibly
// at its own resolution: each caller resizes to what it needs (DIW scoring to the original size, the strength map to
// the feature size). Estimators are not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "depth/depth_prediction.h"
#include "depth/preprocessing.h"

namespace depthstyle {

class Schema;

struct DepthQuery {
  // Where the image came from: the key of precomputed maps, and what error messages name. May be empty.
  std::filesystem::path image_path;
  // CV_32FC3 RGB in [0,1]; left empty by callers when the estimator does not need_pixels().
  cv::Mat rgb;
  // The image's size; always set.
  cv::Size size;
};

class DepthEstimator {
 public:
  virtual ~DepthEstimator() = default;
  // Throws InputError naming the image for inputs the estimator cannot handle.
  virtual DepthPrediction estimate(const DepthQuery& query) = 0;
  // False for estimators that only need the image size or path (baselines, precomputed maps), so callers can skip
  // decoding the image.
  virtual bool needs_pixels() const { return true; }
  // What produced the maps, for run manifests: type, weight files with sha256, preprocessing, seed.
  virtual nlohmann::json describe() const = 0;
};

// One entry of a `depth_estimators:` list. Which keys apply depends on `type` (see depth_estimator_types()); the
// registry rejects, naming the entry, any key a type does not use that is set away from its default.
//
//   - name: midas                 # every type
//     type: torchscript
//     path: weights/midas_v21.pt  # torchscript, onnx: the model file; file: the folder of maps; midas,
//                                 # monodepth2: also a catalog name (midas_v21), see with_catalog_model
//     preset: midas_v21_large     # torchscript, onnx: fills `preprocessing` (depth/preprocessing.h)
//     preprocessing: {output_size: model}   # torchscript, onnx: overrides of single preset fields
//     meaning: proximity          # torchscript, onnx (default: the preset's), file (required)
//   - {name: chance, type: random, seed: 7}
//   - {name: maps, type: file, path: maps/, images_root: datasets/DIW, meaning: depth}
//   - {name: haze, type: dark_channel, dark_channel: {patch: 15, omega: 0.95}}
//   - {name: md2, type: monodepth2, path: weights/monodepth2, variant: mono_640x192}
//   - {name: midas, type: midas, version: v1, path: weights/midas/model.pt}
//   - {name: da2, type: depth_anything, variant: vits, path: weights/depth_anything_v2/depth_anything_v2_vits.pth}
struct DepthEstimatorConfig {
  // Label in results and reports; unique within a run.
  std::string name;
  // One of depth_estimator_types().
  std::string type;
  // Model file (torchscript, onnx, midas), folder of precomputed maps (file) or of monodepth2 model folders
  // (monodepth2), or a catalog model's name (with_catalog_model); "" for baselines.
  std::string path;
  // monodepth2: one of the nine published models (depth/monodepth2_estimator.h); "" = `path` is the model folder.
  // depth_anything: vits, vitb, vitl (V2) or v1_vits, v1_vitb, v1_vitl (V1) (depth/depth_anything_estimator.h).
  std::string variant;
  // midas: v1, v2, v21 or v21_small (depth/midas_estimator.h).
  std::string version;
  // Seed of the random baseline; -1 = the run's seed (make_depth_estimator's run_seed).
  std::int64_t seed = -1;
  // depth | proximity (synonyms inverse_depth, disparity); "" = the preset's (models), required for file.
  std::string meaning;
  // A named preprocessing (preprocessing_preset_names()); "" = none (the spec's defaults).
  std::string preset;
  // Single fields of the preprocessing spec that differ from the preset.
  PreprocessingSettings preprocessing;
  // file: image paths are made relative to this folder to find their maps; "" = the image path as given (relative),
  // or only its file name (absolute).
  std::string images_root;
  // file: PNG maps hold value * png_scale (KITTI depth: 256).
  double png_scale = 1;
  // file: the array of .npz maps; "" = the archive's only array.
  std::string npz_key;
  // dark_channel: the haze cue's parameters (depth/dark_channel.h).
  int dark_channel_patch = 15;
  double dark_channel_omega = 0.95;
};

// Binds the keys of one estimator entry to `config` (used with Schema::add_list).
void declare_depth_estimator(Schema& schema, DepthEstimatorConfig& config);

struct DepthEstimatorType {
  std::string name;
  std::string summary;
  // The entry keys the type reads besides name and type; "preprocessing" stands for every preprocessing.* key.
  std::vector<std::string> keys;
  // Receives the config with `seed` resolved (>= 0).
  std::function<std::unique_ptr<DepthEstimator>(const DepthEstimatorConfig&)> create;
};

// The registry: every estimator type, in the order `--help` lists them.
const std::vector<DepthEstimatorType>& depth_estimator_types();
std::vector<std::string> depth_estimator_type_names();

// The keys of `config` set away from their defaults, as YAML keys ("path", "preprocessing.width", ...).
std::vector<std::string> depth_estimator_keys_set(const DepthEstimatorConfig& config);

// Throws UsageError naming the entry (`config.name`) for an unknown type or settings the type cannot use, and
// InputError for missing or unreadable model files (a named model absent from the weights folder: the message says
// where it is expected and where it is published). A seed of -1 becomes `run_seed`.
std::unique_ptr<DepthEstimator> make_depth_estimator(const DepthEstimatorConfig& config, std::uint64_t run_seed = 0);
// make_depth_estimator's checks of the entry itself, without reading any file: for a runner's check(), so a config
// mistake stops a run before any work (and before its run folder exists).
void check_depth_estimator_config(const DepthEstimatorConfig& config);

// The model file or folder an entry reads: `path`, and for monodepth2 with a `variant` the model folder inside it;
// empty for weight-free types.
// (depth_anything's variant names the network, not a folder).
inline std::filesystem::path estimator_model_path(const DepthEstimatorConfig& config) {
  if (config.path.empty()) return {};
  const bool variant_is_folder = config.type == "monodepth2" && !config.variant.empty();
  return variant_is_folder ? std::filesystem::path(config.path) / config.variant : std::filesystem::path(config.path);
}

// "not run: weights missing at PATH" when `model_path` (estimator_model_path of a resolved entry) is set and does not
// exist, else
// "": how every runner reports an estimator whose weight file or folder is absent (DIW evaluation, and style grids
// and ablations with skip_missing_weights).
inline std::string weights_missing_reason(const std::filesystem::path& model_path) {
  std::error_code error;
  if (model_path.empty() || std::filesystem::exists(model_path, error)) return "";
  return "not run: weights missing at " + model_path.string();
}

// "depth estimator 'name'": how messages name an entry. Inline, so that estimators built without the registry do
// not link it (make_depth_estimator links the TorchScript estimator, and with it LibTorch: a test binary that
// calls it loads LibTorch).
inline std::string depth_estimator_context(const DepthEstimatorConfig& config) {
  return "depth estimator '" + config.name + "'";
}

}  // namespace depthstyle
