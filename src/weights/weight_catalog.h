// The catalog of published weight files depthstyle knows by name: the one table of every model's name, file as
// published (and the other names the same file is published under), where it is published, its place in the
// weights folder (weights/weights_folder.h) and how its load is checked (weights/weight_check.h). docs/weights.md
// prints the table; `depthstyle weights list` shows it with what a folder holds.
//
// Names instead of paths: wherever a config or option takes a model path (a depth estimator's `path`, the VGG
// backbone's `encoder` and `decoder`, stylize's --depth-model, --encoder, --decoder), a value EQUAL to a catalog
// name is that model in the weights folder; any other value is a path as before ("./midas_v21" is the file or folder
// of that name in the working directory).
//
// Layout inside the folder (as configs/table1.yaml lays out its weights_dir, so one folder serves both):
//   adain/vgg_normalised.pth, adain/decoder.pth               the AdaIN port's two files
//   midas/<published file name>                               each MiDaS and DPT release file
//   monodepth2/<model>/encoder.pth, depth.pth                 each monodepth2 zip, unpacked into a folder of its name
//   depth_anything_v2/<published file name>                   Depth Anything V2
//   depth_anything_v1/<published file name>                   Depth Anything V1 (depth_anything_vits14.pth, ...)
// A single file may also sit there under one of its other published names (midas/model-small-70d6b9c8.pt for
// midas_v21_small): it is found under either.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "weights/weights_folder.h"

namespace depthstyle {

// What a model is used as, so that a name given where another kind is read is refused by name.
enum class ModelUse { kVggEncoder, kAdainDecoder, kDepth };

// Which layout check tells that the files load (weights/weight_check.h).
enum class WeightLoadCheck {
  kVggEncoder,
  kAdainDecoder,
  kMidasV1,
  kMidasV2,       // v2 and v2.1 large: the same network
  kMidasSmall,    // v2.1 small (EfficientNet-Lite3)
  kMonodepth2,    // a model folder: encoder.pth and depth.pth
  kDepthAnything, // Depth Anything V2 or V1, the variant in estimator_variant
  kDptLarge,      // MiDaS v3.0 DPT-Large (nets/dpt.h)
  kDptHybrid,     // MiDaS v3.0 DPT-Hybrid (nets/dpt.h)
  kDptBeitLarge512,  // MiDaS v3.1 DPT-BEiT-L 512 (nets/dpt.h, nets/beit.h)
  kNoLoader,      // a network this build cannot load yet
};

struct CatalogEntry {
  std::string name;         // "midas_v21": what configs and options may give instead of a path
  std::string description;  // "MiDaS v2.1 large (ResNeXt-101 32x8d WSL)"
  ModelUse use = ModelUse::kDepth;
  // The file as published: a weight file, or for monodepth2 the zip that unpacks to `folder_files`.
  std::string published_file;
  // The same file published under other names (another release page, a later README); found in its place too.
  std::vector<std::string> other_names;
  std::string published_at;  // URL of the release page (or README section) that links the file
  // Where it goes inside the weights folder: a file, or for monodepth2 the model folder.
  std::string relative_path;
  // monodepth2: the files the model folder must hold; empty for a single file.
  std::vector<std::string> folder_files;
  WeightLoadCheck load_check = WeightLoadCheck::kNoLoader;
  // Depth models: the depth estimator type that runs it ("" = no loader in this build) and, for midas, its version.
  std::string estimator_type;
  std::string estimator_version;  // midas: v1, v2, v21, v21_small
  std::string estimator_variant;  // depth_anything: vits, vitb, vitl, v1_vits, v1_vitb, v1_vitl
};

// Every entry, in the order `weights list` and docs/weights.md show them.
const std::vector<CatalogEntry>& weight_catalog();
std::vector<std::string> catalog_model_names();
// nullptr when `name` is no catalog name.
const CatalogEntry* find_catalog_entry(const std::string& name);

// Where `entry` is in `folder`: the first of its published names that exists there as a file (or, for a model
// folder, the folder when it exists). Empty when absent.
std::filesystem::path present_path(const CatalogEntry& entry, const std::filesystem::path& folder);
// Where `entry` is expected in `folder`: folder / relative_path.
std::filesystem::path expected_path(const CatalogEntry& entry, const std::filesystem::path& folder);
// What a model folder lacks ("encoder.pth"); empty for single files and for complete folders.
std::vector<std::string> missing_folder_files(const CatalogEntry& entry, const std::filesystem::path& folder);

// The regular files under `folder` that are no catalog model's (no published name in its place, not inside a
// catalog model folder), as paths relative to `folder` ("midas/midas_v21_smal.pt"), sorted: misnamed or misplaced
// downloads. Empty for a missing folder.
std::vector<std::string> unknown_files(const std::filesystem::path& folder);
// " (did you mean 'midas/midas_v21_small_256.pt'?)" for an unknown file whose path is close to a catalog path, else "".
std::string closest_catalog_path(const std::string& relative_path);

// The one resolver of model paths: `value` equal to a catalog name -> that model's path in `folder` (its present
// path); anything else -> `value` unchanged. A named model that is absent (or a model folder missing one of its
// files) throws InputError naming the model, the folder and the rule that chose it, the expected path and where the
// file is published. A name whose use is not `use` throws UsageError. `context` starts every message
// ("depth estimator 'md2'", "backbone.encoder").
std::string resolve_model_path(const std::string& value, ModelUse use, const std::string& context,
                               const WeightsFolder& folder);
// resolve_model_path in the current weights folder (current_weights_folder()).
std::string resolve_model_path(const std::string& value, ModelUse use, const std::string& context);

// The UsageError message for a catalog name given where `use` is read, or "" when `value` is no catalog name or
// a name of that use. For config checks that read no file.
std::string model_use_problem(const std::string& value, ModelUse use);

std::string to_string(ModelUse use);  // "VGG encoder", "AdaIN decoder", "depth model"

}  // namespace depthstyle
