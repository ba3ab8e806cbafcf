#include "depth/model_location.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/text.h"
#include "weights/weight_catalog.h"
#include "weights/weights_folder.h"

namespace depthstyle {
namespace {

// The catalog model of `type` whose file `path` is named as, under its published name or another of its published
// names (".../depth_anything_v2_vits.pth", ".../midas_v21_384.pt"); nullptr when none.
const CatalogEntry* catalog_model_named_by_file(const std::string& path, const std::string& type) {
  const std::string file = std::filesystem::path(path).filename().string();
  for (const CatalogEntry& entry : weight_catalog()) {
    if (entry.estimator_type != type) continue;
    if (entry.published_file == file ||
        std::find(entry.other_names.begin(), entry.other_names.end(), file) != entry.other_names.end()) {
      return &entry;
    }
  }
  return nullptr;
}

// The version (midas) or variant (depth_anything) that the catalog's `entry` implies, where `config` sets none.
void take_unset_setting(const CatalogEntry& entry, DepthEstimatorConfig& config) {
  if (entry.estimator_type == "midas" && config.version.empty()) config.version = entry.estimator_version;
  if (entry.estimator_type == "depth_anything" && config.variant.empty()) config.variant = entry.estimator_variant;
}

}  // namespace

DepthEstimatorConfig with_catalog_model(const DepthEstimatorConfig& config) {
  const CatalogEntry* entry = find_catalog_entry(config.path);
  if (entry == nullptr) {
    // Some files' tensors cannot say which version or variant they are (MiDaS v2 and v2.1 large, Depth Anything V1
    // and V2 of a size: the same tensors, other preprocessing), their published names can; the networks refuse a
    // file whose tensors are another model's, and a Depth Anything file named as another variant's
    // (nets/depth_anything.h). So a published name implies what is not set.
    DepthEstimatorConfig implied = config;
    if (const CatalogEntry* published = catalog_model_named_by_file(config.path, config.type)) {
      take_unset_setting(*published, implied);
    }
    return implied;
  }
  const std::string context = concat(depth_estimator_context(config), ": path '", config.path, "'");
  if (const std::string problem = model_use_problem(config.path, ModelUse::kDepth); !problem.empty()) {
    throw UsageError(concat(depth_estimator_context(config), ": path ", problem));
  }
  if (entry->estimator_type.empty()) {
    throw UsageError(concat(context, " names the catalog's ", entry->description, ", which has no loader in this build"));
  }
  if (config.type != entry->estimator_type) {
    throw UsageError(concat(context, " names the catalog's ", entry->description, ", run by type ",
                            entry->estimator_type, ", not ", config.type, "; set type: ", entry->estimator_type));
  }
  DepthEstimatorConfig named = config;
  take_unset_setting(*entry, named);
  if (entry->estimator_type == "midas") {
    if (named.version != entry->estimator_version) {
      throw UsageError(concat(context, " names MiDaS version ", entry->estimator_version, ", but version is ",
                              named.version, "; drop version (the name implies it)"));
    }
  }
  if (entry->estimator_type == "depth_anything") {
    if (named.variant != entry->estimator_variant) {
      throw UsageError(concat(context, " names Depth Anything variant ", entry->estimator_variant,
                              ", but variant is ", named.variant, "; drop variant (the name implies it)"));
    }
  }
  if (entry->estimator_type == "monodepth2" && !named.variant.empty()) {
    throw UsageError(concat(context, " names one monodepth2 model folder, so variant (", named.variant,
                            ") has nothing to choose; drop variant, or give path the folder of model folders"));
  }
  return named;
}

DepthEstimatorConfig with_weights_dir(DepthEstimatorConfig config, const std::filesystem::path& weights_dir) {
  if (!config.path.empty() && !weights_dir.empty() && std::filesystem::path(config.path).is_relative()) {
    config.path = (weights_dir / config.path).string();
  }
  return config;
}

DepthEstimatorConfig with_model_location(const DepthEstimatorConfig& config, const std::filesystem::path& weights_dir) {
  const CatalogEntry* entry = find_catalog_entry(config.path);
  if (entry == nullptr) return with_weights_dir(config, weights_dir);
  DepthEstimatorConfig located = with_catalog_model(config);
  const WeightsFolder folder = current_weights_folder();
  const std::filesystem::path present = present_path(*entry, folder.path);
  located.path = (present.empty() ? expected_path(*entry, folder.path) : present).string();
  return located;
}

}  // namespace depthstyle
