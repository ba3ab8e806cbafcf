#include "depth/model_location.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/text.h"
#include "weights/weight_catalog.h"
#include "weights/weights_folder.h"

namespace depthstyle {
namespace {

// The catalog's Depth Anything variant whose file `path` is named as (".../depth_anything_v2_vits.pth": "vits"), or "".
std::string depth_anything_variant_named_by(const std::string& path) {
  const std::string file = std::filesystem::path(path).filename().string();
  for (const CatalogEntry& entry : weight_catalog()) {
    if (entry.estimator_type != "depth_anything") continue;
    if (entry.published_file == file ||
        std::find(entry.other_names.begin(), entry.other_names.end(), file) != entry.other_names.end()) {
      return entry.estimator_variant;
    }
  }
  return "";
}

}  // namespace

DepthEstimatorConfig with_catalog_model(const DepthEstimatorConfig& config) {
  const CatalogEntry* entry = find_catalog_entry(config.path);
  if (entry == nullptr) {
    // A Depth Anything file's tensors cannot tell the two generations apart, its published name can (and the network
    // refuses a file named as another variant's: nets/depth_anything.h), so that name implies an unset variant.
    DepthEstimatorConfig implied = config;
    if (config.type == "depth_anything" && config.variant.empty()) {
      implied.variant = depth_anything_variant_named_by(config.path);
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
  if (entry->estimator_type == "midas") {
    if (named.version.empty()) named.version = entry->estimator_version;
    if (named.version != entry->estimator_version) {
      throw UsageError(concat(context, " names MiDaS version ", entry->estimator_version, ", but version is ",
                              named.version, "; drop version (the name implies it)"));
    }
  }
  if (entry->estimator_type == "depth_anything") {
    if (named.variant.empty()) named.variant = entry->estimator_variant;
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
