#include "weights/weight_catalog.h"

#include <algorithm>
#include <system_error>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {
namespace {

// Release pages (docs/weights.md#the-files says what each holds).
const std::string kAdainRelease = "https://github.com/naoto0804/pytorch-AdaIN/releases/tag/v0.0.0";
const std::string kMidasRelease = "https://github.com/isl-org/MiDaS/releases/tag/";
const std::string kMonodepth2Readme = "https://github.com/nianticlabs/monodepth2#-pretrained-models";
const std::string kDepthAnythingV2 = "https://huggingface.co/depth-anything/Depth-Anything-V2-";
// V1's README links the three files in its Hugging Face space (the same weights are also in the model repositories
// LiheYoung/depth_anything_{vits,vitb,vitl}14 as the Hub mixin saves them, not as these .pth files).
const std::string kDepthAnythingV1 = "https://huggingface.co/spaces/LiheYoung/Depth-Anything/tree/main/checkpoints";

CatalogEntry single_file(std::string name, std::string description, ModelUse use, std::string folder,
                         std::string file, std::vector<std::string> other_names, std::string published_at,
                         WeightLoadCheck check, std::string estimator_type = "", std::string version = "") {
  CatalogEntry entry;
  entry.name = std::move(name);
  entry.description = std::move(description);
  entry.use = use;
  entry.relative_path = folder + "/" + file;
  entry.published_file = std::move(file);
  entry.other_names = std::move(other_names);
  entry.published_at = std::move(published_at);
  entry.load_check = check;
  entry.estimator_type = std::move(estimator_type);
  entry.estimator_version = std::move(version);
  return entry;
}

CatalogEntry midas(std::string name, std::string description, std::string file, std::vector<std::string> other_names,
                   const std::string& release, WeightLoadCheck check, std::string version) {
  return single_file(std::move(name), std::move(description), ModelUse::kDepth, "midas", std::move(file),
                     std::move(other_names), kMidasRelease + release, check, "midas", std::move(version));
}

// One of the nine published monodepth2 models (depth/monodepth2_estimator.h): a zip unpacked into monodepth2/<model>.
CatalogEntry monodepth2(const std::string& model, const std::string& description) {
  CatalogEntry entry;
  entry.name = "monodepth2_" + model;
  entry.description = "monodepth2 " + description;
  entry.use = ModelUse::kDepth;
  entry.published_file = model + ".zip";
  entry.published_at = kMonodepth2Readme;
  entry.relative_path = "monodepth2/" + model;
  entry.folder_files = {"encoder.pth", "depth.pth"};
  entry.load_check = WeightLoadCheck::kMonodepth2;
  entry.estimator_type = "monodepth2";
  return entry;
}

// Depth Anything V2 (depth/depth_anything_estimator.h): one Hugging Face repository per variant.
CatalogEntry depth_anything_v2(const std::string& variant, std::string description, const std::string& repository) {
  CatalogEntry entry = single_file("depth_anything_v2_" + variant, std::move(description), ModelUse::kDepth,
                                   "depth_anything_v2", "depth_anything_v2_" + variant + ".pth", {},
                                   kDepthAnythingV2 + repository, WeightLoadCheck::kDepthAnything, "depth_anything");
  entry.estimator_variant = variant;
  return entry;
}

// Depth Anything V1: `size` vits, vitb or vitl; the estimator's variant is v1_<size>.
CatalogEntry depth_anything_v1(const std::string& size, std::string description) {
  CatalogEntry entry = single_file("depth_anything_v1_" + size, std::move(description), ModelUse::kDepth,
                                   "depth_anything_v1", "depth_anything_" + size + "14.pth", {}, kDepthAnythingV1,
                                   WeightLoadCheck::kDepthAnything, "depth_anything");
  entry.estimator_variant = "v1_" + size;
  return entry;
}

std::vector<CatalogEntry> make_catalog() {
  using Check = WeightLoadCheck;
  return {
      single_file("vgg_encoder", "VGG-19 normalised encoder of the AdaIN PyTorch port", ModelUse::kVggEncoder,
                  "adain", "vgg_normalised.pth", {}, kAdainRelease, Check::kVggEncoder),
      single_file("adain_decoder", "AdaIN decoder of the AdaIN PyTorch port", ModelUse::kAdainDecoder, "adain",
                  "decoder.pth", {}, kAdainRelease, Check::kAdainDecoder),
      // The paper's MiDaS (2019).
      midas("midas_v1", "MiDaS v1 (ResNet-50)", "model.pt", {}, "v1", Check::kMidasV1, "v1"),
      midas("midas_v2", "MiDaS v2 (ResNeXt-101 32x8d WSL)", "model-f46da743.pt", {}, "v2", Check::kMidasV2, "v2"),
      // The v2.1 release page calls it model-f6b98070.pt, later READMEs midas_v21-f6b98070.pt and midas_v21_384.pt.
      midas("midas_v21", "MiDaS v2.1 large (ResNeXt-101 32x8d WSL)", "midas_v21-f6b98070.pt",
            {"model-f6b98070.pt", "midas_v21_384.pt"}, "v2_1", Check::kMidasV2, "v21"),
      midas("midas_v21_small", "MiDaS v2.1 small (EfficientNet-Lite3)", "midas_v21_small_256.pt",
            {"model-small-70d6b9c8.pt", "midas_v21_small-70d6b9c8.pt"}, "v2_1", Check::kMidasSmall, "v21_small"),
      monodepth2("mono_640x192", "mono, 640x192"),
      monodepth2("stereo_640x192", "stereo, 640x192"),
      monodepth2("mono+stereo_640x192", "mono+stereo, 640x192"),
      monodepth2("mono_no_pt_640x192", "mono, 640x192, no ImageNet pretraining"),
      monodepth2("stereo_no_pt_640x192", "stereo, 640x192, no ImageNet pretraining"),
      monodepth2("mono+stereo_no_pt_640x192", "mono+stereo, 640x192, no ImageNet pretraining"),
      monodepth2("mono_1024x320", "mono, 1024x320"),
      monodepth2("stereo_1024x320", "stereo, 1024x320"),
      monodepth2("mono+stereo_1024x320", "mono+stereo, 1024x320"),
      // MiDaS v3.0 (DPT): first published by isl-org/DPT as dpt_*-midas-<hash>.pt.
      midas("dpt_large_384", "MiDaS v3.0 DPT-Large (ViT-L/16, 384)", "dpt_large_384.pt",
            {"dpt_large-midas-2f21e586.pt"}, "v3", Check::kDptLarge, "v3_large"),
      midas("dpt_hybrid_384", "MiDaS v3.0 DPT-Hybrid (ViT-B + ResNet-50, 384)", "dpt_hybrid_384.pt",
            {"dpt_hybrid-midas-501f0c75.pt"}, "v3", Check::kDptHybrid, "v3_hybrid"),
      // MiDaS v3.1 (https://github.com/isl-org/MiDaS/releases/download/v3_1/dpt_beit_large_512.pt).
      midas("dpt_beit_large_512", "MiDaS v3.1 DPT-BEiT-L 512 (BEiT-L/16, 512)", "dpt_beit_large_512.pt", {}, "v3_1",
            Check::kDptBeitLarge512, "v31_beit_large_512"),
      depth_anything_v2("vits", "Depth Anything V2 small (ViT-S, Apache-2.0)", "Small"),
      depth_anything_v2("vitb", "Depth Anything V2 base (ViT-B, CC-BY-NC-4.0)", "Base"),
      depth_anything_v2("vitl", "Depth Anything V2 large (ViT-L, CC-BY-NC-4.0)", "Large"),
      depth_anything_v1("vits", "Depth Anything V1 small (ViT-S)"),
      depth_anything_v1("vitb", "Depth Anything V1 base (ViT-B)"),
      depth_anything_v1("vitl", "Depth Anything V1 large (ViT-L)"),
  };
}

bool is_file(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error);
}

std::string where_published(const CatalogEntry& entry) {
  return concat(entry.published_file, " is published at ", entry.published_at,
                entry.folder_files.empty() ? std::string() : concat(" (unpack it into ", entry.relative_path, "/)"));
}

}  // namespace

const std::vector<CatalogEntry>& weight_catalog() {
  static const std::vector<CatalogEntry> catalog = make_catalog();
  return catalog;
}

std::vector<std::string> catalog_model_names() {
  std::vector<std::string> names;
  for (const CatalogEntry& entry : weight_catalog()) names.push_back(entry.name);
  return names;
}

const CatalogEntry* find_catalog_entry(const std::string& name) {
  for (const CatalogEntry& entry : weight_catalog()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::filesystem::path expected_path(const CatalogEntry& entry, const std::filesystem::path& folder) {
  return folder / entry.relative_path;
}

std::filesystem::path present_path(const CatalogEntry& entry, const std::filesystem::path& folder) {
  if (folder.empty()) return {};
  const std::filesystem::path expected = expected_path(entry, folder);
  if (!entry.folder_files.empty()) {
    std::error_code error;
    return std::filesystem::is_directory(expected, error) ? expected : std::filesystem::path();
  }
  if (is_file(expected)) return expected;
  for (const std::string& name : entry.other_names) {
    const std::filesystem::path other = expected.parent_path() / name;
    if (is_file(other)) return other;
  }
  return {};
}

std::vector<std::string> missing_folder_files(const CatalogEntry& entry, const std::filesystem::path& folder) {
  std::vector<std::string> missing;
  for (const std::string& file : entry.folder_files) {
    if (!is_file(expected_path(entry, folder) / file)) missing.push_back(file);
  }
  return missing;
}

namespace {

// Every place a catalog file may take, relative to the folder: each published name of single files, each model
// folder (whose whole contents are the model's).
std::vector<std::string> known_files() {
  std::vector<std::string> paths;
  for (const CatalogEntry& entry : weight_catalog()) {
    if (!entry.folder_files.empty()) {
      for (const std::string& file : entry.folder_files) paths.push_back(entry.relative_path + "/" + file);
      continue;
    }
    paths.push_back(entry.relative_path);
    const std::string parent = std::filesystem::path(entry.relative_path).parent_path().generic_string();
    for (const std::string& name : entry.other_names) paths.push_back(parent + "/" + name);
  }
  return paths;
}

bool is_known(const std::string& relative_path) {
  const std::vector<std::string> known = known_files();
  if (std::find(known.begin(), known.end(), relative_path) != known.end()) return true;
  // A model folder may hold more than the files depthstyle reads (the zips of the mono models add pose networks).
  for (const CatalogEntry& entry : weight_catalog()) {
    if (!entry.folder_files.empty() && starts_with(relative_path, entry.relative_path + "/")) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> unknown_files(const std::filesystem::path& folder) {
  std::vector<std::string> unknown;
  std::error_code error;
  if (folder.empty() || !std::filesystem::is_directory(folder, error)) return unknown;
  const auto options = std::filesystem::directory_options::skip_permission_denied;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, options, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    // Lexically: a file may be a link to a download kept elsewhere.
    const std::string relative = it->path().lexically_relative(folder).generic_string();
    if (!is_known(relative)) unknown.push_back(relative);
  }
  std::sort(unknown.begin(), unknown.end());
  return unknown;
}

std::string closest_catalog_path(const std::string& relative_path) {
  return did_you_mean(relative_path, known_files());
}

std::string to_string(ModelUse use) {
  switch (use) {
    case ModelUse::kVggEncoder:
      return "VGG encoder";
    case ModelUse::kAdainDecoder:
      return "AdaIN decoder";
    case ModelUse::kDepth:
      break;
  }
  return "depth model";
}

std::string model_use_problem(const std::string& value, ModelUse use) {
  const CatalogEntry* entry = find_catalog_entry(value);
  if (entry == nullptr || entry->use == use) return "";
  return concat("'", value, "' names the catalog's ", to_string(entry->use), " (", entry->description,
                "), but a ", to_string(use), " is read here");
}

std::string resolve_model_path(const std::string& value, ModelUse use, const std::string& context,
                               const WeightsFolder& folder) {
  const CatalogEntry* entry = find_catalog_entry(value);
  if (entry == nullptr) return value;
  if (const std::string problem = model_use_problem(value, use); !problem.empty()) {
    throw UsageError(concat(context, ": ", problem));
  }
  if (folder.rule == WeightsFolderRule::kNone) {
    throw InputError(concat(context, ": model '", value, "' is looked for in the weights folder, but there is ",
                            describe(folder), "; ", where_published(*entry)));
  }
  const std::filesystem::path expected = expected_path(*entry, folder.path);
  const std::filesystem::path present = present_path(*entry, folder.path);
  const std::vector<std::string> missing = present.empty() ? std::vector<std::string>{}
                                                           : missing_folder_files(*entry, folder.path);
  if (!present.empty() && missing.empty()) return present.string();
  const std::string expected_text =
      entry->folder_files.empty()
          ? concat(expected.string(),
                   entry->other_names.empty() ? std::string()
                                              : concat(" (or ", join(entry->other_names, ", "), " beside it)"))
          : concat(expected.string(), "/ holding ", join(entry->folder_files, " and "));
  throw InputError(concat(context, ": model '", value, "' (", entry->description, ") is not in the weights folder ",
                          describe(folder), ": expected ", expected_text,
                          missing.empty() ? std::string() : concat(", but ", join(missing, " and "), " is missing"),
                          "; ", where_published(*entry), " (depthstyle weights list shows every model)"));
}

std::string resolve_model_path(const std::string& value, ModelUse use, const std::string& context) {
  if (find_catalog_entry(value) == nullptr) return value;
  return resolve_model_path(value, use, context, current_weights_folder());
}

}  // namespace depthstyle
