#include "style/default_models.h"

#include "core/error.h"
#include "weights/weight_catalog.h"

namespace depthstyle {
namespace {

// The weight-free fallback. No DIW figure of a weight-free estimator is published (docs/reference.md#published-diw-
// figures); on the real Middlebury DIW-format set (configs/diw_middlebury.yaml, 2000 pairs on 2 photos;
// docs/weights.md#default-models) vertical scored 0.78, dark_channel 0.51 and random 0.51.
const char* const kWeightFreeDepth = "vertical";

struct ChosenDepth {
  DepthEstimatorConfig config;
  std::string detail;
};

ChosenDepth choose_depth(const WeightsFolder& folder) {
  for (const std::string& name : depth_model_ranking()) {
    const CatalogEntry* entry = find_catalog_entry(name);
    DEPTHSTYLE_ASSERT(entry != nullptr);
    if (entry->estimator_type.empty()) continue;
    const std::filesystem::path path = present_path(*entry, folder.path);
    if (path.empty() || !missing_folder_files(*entry, folder.path).empty()) continue;
    DepthEstimatorConfig config;
    config.name = entry->name;
    config.type = entry->estimator_type;
    config.version = entry->estimator_version;
    config.variant = entry->estimator_variant;
    config.path = path.string();
    return {config, concat(entry->description, ", ", path.string())};
  }
  DepthEstimatorConfig config;
  config.name = config.type = kWeightFreeDepth;
  return {config, "weight-free: lower in the image = nearer; no depth model in the weights folder"};
}

}  // namespace

// Best first (docs/weights.md#default-models). Depth Anything V2 has no published DIW figure: it is ranked first on
// its papers' zero-shot relative-depth tables, where Depth Anything beats MiDaS v3.1's best model on most datasets (a
// judgment, not a DIW ranking); large before base before small. Depth Anything V1 (no DIW figure either) sits right
// below the V2 model of its size: V2's README says V2 "significantly outperforms V1 in fine-grained details and
// robustness", while the only change to the network (intermediate blocks instead of the last four) "did not improve
// details or accuracy" (docs/reference.md#depth-anything-v1), so the encoder's size is taken to matter more than the
// generation, and V1 large stays above V2 base (a judgment too). The rest by published DIW WHDR
// (docs/reference.md#published-diw-figures; 1 - accuracy, lower is better):
//   dpt_large_384 10.82%, dpt_hybrid_384 11.06%, dpt_beit_large_512 11.37% (MiDaS v3.1's best model by its six-dataset
//   average, not by DIW), midas_v2 12.46%, midas_v21 12.95%,
//   midas_v1 accuracy 0.87 (WHDR 12.5-13.5%: printed to two decimals; the larger v1 network is put first),
//   midas_v21_small 13.44%,
//   monodepth2 by the paper's Table 1 accuracy (docs/reference.md#table-1): mono_640x192 0.71; mono+stereo_640x192,
//   mono_1024x320 0.70; mono+stereo_1024x320 0.69; stereo_1024x320 0.67; stereo_640x192 0.66; mono_no_pt,
//   mono+stereo_no_pt 0.65; stereo_no_pt 0.62.
const std::vector<std::string>& depth_model_ranking() {
  static const std::vector<std::string> ranking = {
      "depth_anything_v2_vitl",
      "depth_anything_v1_vitl",
      "depth_anything_v2_vitb",
      "depth_anything_v1_vitb",
      "depth_anything_v2_vits",
      "depth_anything_v1_vits",
      "dpt_large_384",
      "dpt_hybrid_384",
      "dpt_beit_large_512",
      "midas_v2",
      "midas_v21",
      "midas_v1",
      "midas_v21_small",
      "monodepth2_mono_640x192",
      "monodepth2_mono+stereo_640x192",
      "monodepth2_mono_1024x320",
      "monodepth2_mono+stereo_1024x320",
      "monodepth2_stereo_1024x320",
      "monodepth2_stereo_640x192",
      "monodepth2_mono_no_pt_640x192",
      "monodepth2_mono+stereo_no_pt_640x192",
      "monodepth2_stereo_no_pt_640x192",
  };
  return ranking;
}

DefaultModels choose_default_models(const WeightsFolder& folder) {
  DefaultModels chosen;
  const ChosenDepth depth = choose_depth(folder);
  chosen.depth = depth.config;
  chosen.depth_detail = depth.detail;

  const std::filesystem::path encoder = present_path(*find_catalog_entry("vgg_encoder"), folder.path);
  const std::filesystem::path decoder = present_path(*find_catalog_entry("adain_decoder"), folder.path);
  if (!encoder.empty() && !decoder.empty()) {
    chosen.backbone.type = "vgg";
    chosen.backbone.encoder = encoder.string();
    chosen.backbone.decoder = decoder.string();
    chosen.backbone_detail = concat("the paper's networks: ", encoder.string(), ", ", decoder.string());
  } else {
    chosen.backbone.type = "pyramid";
    chosen.backbone_detail = "weight-free stand-in, not the paper's networks: vgg_encoder and adain_decoder are not "
                             "both in the weights folder";
  }
  chosen.description = concat("depth: ", chosen.depth.name, " (", chosen.depth_detail, "); backbone: ",
                              chosen.backbone.type, " (", chosen.backbone_detail, "); weights folder: ",
                              describe(folder));
  return chosen;
}

}  // namespace depthstyle
