// The weights folder's rules, the catalog's names resolved into it, the files it does not know, and the stylize
// defaults chosen from what it holds (weights/, style/default_models.h). Presence is all these read, so empty files
// stand in for the weights; whether real files load is tests/torch/weights_catalog_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "style/default_models.h"
#include "support/test_support.h"
#include "weights/weight_catalog.h"
#include "weights/weights_folder.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::contains;

// Sets (nullptr: unsets) an environment variable for the scope and restores it after.
class ScopedVariable {
 public:
  ScopedVariable(std::string name, const char* value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) {
      setenv(name_.c_str(), value, 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ~ScopedVariable() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Empty files at `relative_paths` under `folder`.
void touch(const fs::path& folder, const std::vector<std::string>& relative_paths) {
  for (const std::string& path : relative_paths) {
    fs::create_directories((folder / path).parent_path());
    testing::write_text(folder / path, "");
  }
}

WeightsFolder option_folder(const fs::path& path) { return {path, WeightsFolderRule::kOption}; }

TEST(WeightsFolder, OptionThenEnvironmentThenUserCache) {
  const ScopedVariable variable(kWeightsFolderVariable, "/env/weights");
  const ScopedVariable xdg("XDG_CACHE_HOME", "/xdg");
  const ScopedVariable home("HOME", "/home/someone");

  WeightsFolder folder = resolve_weights_folder("/opt/weights");
  EXPECT_EQ(folder.path, "/opt/weights");
  EXPECT_EQ(folder.rule, WeightsFolderRule::kOption);
  EXPECT_EQ(describe(folder), "/opt/weights (--weights-dir)");

  folder = resolve_weights_folder("");
  EXPECT_EQ(folder.path, "/env/weights");
  EXPECT_EQ(folder.rule, WeightsFolderRule::kEnvironment);
  EXPECT_EQ(describe(folder), "/env/weights ($DEPTHSTYLE_WEIGHTS)");

  {
    const ScopedVariable empty(kWeightsFolderVariable, "");  // an empty value counts as unset
    folder = resolve_weights_folder("");
    EXPECT_EQ(folder.path, "/xdg/depthstyle/weights");
    EXPECT_EQ(folder.rule, WeightsFolderRule::kUserCache);
    EXPECT_TRUE(contains(describe(folder), "/xdg/depthstyle/weights (the user cache")) << describe(folder);
  }
  const ScopedVariable unset(kWeightsFolderVariable, nullptr);
  {
    const ScopedVariable relative_xdg("XDG_CACHE_HOME", "relative/cache");  // the XDG spec ignores it
    EXPECT_EQ(resolve_weights_folder("").path, "/home/someone/.cache/depthstyle/weights");
  }
  const ScopedVariable no_xdg("XDG_CACHE_HOME", nullptr);
  EXPECT_EQ(resolve_weights_folder("").path, "/home/someone/.cache/depthstyle/weights");
  const ScopedVariable no_home("HOME", nullptr);
  folder = resolve_weights_folder("");
  EXPECT_EQ(folder.rule, WeightsFolderRule::kNone);
  EXPECT_TRUE(folder.path.empty());
  EXPECT_TRUE(contains(describe(folder), "no weights folder")) << describe(folder);
}

TEST(WeightsFolder, TheCommandsOptionReachesCodeFarFromTheCommandLine) {
  const ScopedVariable variable(kWeightsFolderVariable, "/env/weights");
  set_weights_dir_option("/from/option");
  EXPECT_EQ(current_weights_folder().path, "/from/option");
  EXPECT_EQ(current_weights_folder().rule, WeightsFolderRule::kOption);
  set_weights_dir_option("");
  EXPECT_EQ(current_weights_folder().path, "/env/weights");
}

TEST(WeightCatalog, NamesAndPlacesAreUniqueAndEveryDepthModelIsRanked) {
  std::set<std::string> names, places;
  for (const CatalogEntry& entry : weight_catalog()) {
    EXPECT_TRUE(names.insert(entry.name).second) << entry.name;
    EXPECT_TRUE(places.insert(entry.relative_path).second) << entry.relative_path;
    EXPECT_TRUE(starts_with(entry.published_at, "https://")) << entry.name;
    if (entry.use == ModelUse::kDepth) {
      EXPECT_EQ(entry.estimator_type.empty(), entry.load_check == WeightLoadCheck::kNoLoader) << entry.name;
    }
    const bool ranked = std::find(depth_model_ranking().begin(), depth_model_ranking().end(), entry.name) !=
                        depth_model_ranking().end();
    EXPECT_EQ(ranked, entry.use == ModelUse::kDepth) << entry.name;
  }
  for (const std::string& name : depth_model_ranking()) EXPECT_NE(find_catalog_entry(name), nullptr) << name;
  EXPECT_EQ(depth_model_ranking().size() + 2, weight_catalog().size());  // + vgg_encoder, adain_decoder
}

TEST(WeightCatalog, ANamedModelResolvesIntoTheFolderUnderAnyOfItsPublishedNames) {
  testing::TempDir dir;
  touch(dir.path(), {"midas/midas_v21-f6b98070.pt", "midas/model-small-70d6b9c8.pt", "adain/vgg_normalised.pth"});
  const WeightsFolder folder = option_folder(dir.path());
  EXPECT_EQ(resolve_model_path("midas_v21", ModelUse::kDepth, "test", folder),
            (dir / "midas/midas_v21-f6b98070.pt").string());
  // midas_v21_small's file under the name of the v2.1 release page.
  EXPECT_EQ(resolve_model_path("midas_v21_small", ModelUse::kDepth, "test", folder),
            (dir / "midas/model-small-70d6b9c8.pt").string());
  EXPECT_EQ(resolve_model_path("vgg_encoder", ModelUse::kVggEncoder, "test", folder),
            (dir / "adain/vgg_normalised.pth").string());
  touch(dir.path(), {"monodepth2/mono_640x192/encoder.pth", "monodepth2/mono_640x192/depth.pth"});
  EXPECT_EQ(resolve_model_path("monodepth2_mono_640x192", ModelUse::kDepth, "test", folder),
            (dir / "monodepth2/mono_640x192").string());
}

TEST(WeightCatalog, AnyOtherValueIsAPathAsBefore) {
  testing::TempDir dir;
  touch(dir.path(), {"midas_v21"});
  const WeightsFolder folder = option_folder(dir / "empty");
  const std::vector<std::string> paths = {"./midas_v21", "midas_v21.pt", "Midas_v21", "midas/model.pt", "",
                                          "monodepth2", (dir / "midas_v21").string()};
  for (const std::string& value : paths) {
    EXPECT_EQ(resolve_model_path(value, ModelUse::kDepth, "test", folder), value);
  }
}

TEST(WeightCatalog, AnAbsentNamedModelSaysWhereItIsExpectedAndWhereItIsPublished) {
  testing::TempDir dir;
  const WeightsFolder folder = option_folder(dir.path());
  EXPECT_THROW_MESSAGE(
      resolve_model_path("midas_v21", ModelUse::kDepth, "depth estimator 'm'", folder), InputError,
      concat("depth estimator 'm': model 'midas_v21' (MiDaS v2.1 large (ResNeXt-101 32x8d WSL)) is not in the weights "
             "folder ", dir.path().string(), " (--weights-dir): expected ", (dir / "midas/midas_v21-f6b98070.pt").string(),
             " (or model-f6b98070.pt, midas_v21_384.pt beside it); midas_v21-f6b98070.pt is published at "
             "https://github.com/isl-org/MiDaS/releases/tag/v2_1 (depthstyle weights list shows every model)"));
  // A model folder missing one of its files.
  touch(dir.path(), {"monodepth2/stereo_1024x320/encoder.pth"});
  EXPECT_THROW_MESSAGE(resolve_model_path("monodepth2_stereo_1024x320", ModelUse::kDepth, "test", folder), InputError,
                       concat("expected ", (dir / "monodepth2/stereo_1024x320").string(),
                              "/ holding encoder.pth and depth.pth, but depth.pth is missing; stereo_1024x320.zip is "
                              "published at https://github.com/nianticlabs/monodepth2#-pretrained-models (unpack it "
                              "into monodepth2/stereo_1024x320/)"));
  EXPECT_THROW_MESSAGE(resolve_model_path("adain_decoder", ModelUse::kAdainDecoder, "backbone.decoder",
                                          WeightsFolder{}),
                       InputError, "backbone.decoder: model 'adain_decoder' is looked for in the weights folder, but "
                                   "there is no weights folder");
}

TEST(WeightCatalog, ANameReadWhereAnotherKindOfModelIsReadIsRefusedByName) {
  testing::TempDir dir;
  touch(dir.path(), {"adain/decoder.pth"});
  EXPECT_THROW_MESSAGE(resolve_model_path("adain_decoder", ModelUse::kVggEncoder, "backbone.encoder",
                                          option_folder(dir.path())),
                       UsageError, "backbone.encoder: 'adain_decoder' names the catalog's AdaIN decoder (AdaIN decoder "
                                   "of the AdaIN PyTorch port), but a VGG encoder is read here");
  EXPECT_EQ(model_use_problem("midas_v1", ModelUse::kDepth), "");
  EXPECT_EQ(model_use_problem("my.pth", ModelUse::kVggEncoder), "");
}

TEST(WeightCatalog, FilesTheCatalogDoesNotKnowAreListedWithTheClosestCatalogPath) {
  testing::TempDir dir;
  touch(dir.path(), {"adain/decoder.pth", "midas/model-f6b98070.pt", "midas/midas_v21_smal_256.pt", "notes.txt",
                     "monodepth2/mono_640x192/encoder.pth", "monodepth2/mono_640x192/pose.pth"});
  EXPECT_EQ(unknown_files(dir.path()), (std::vector<std::string>{"midas/midas_v21_smal_256.pt", "notes.txt"}));
  EXPECT_EQ(closest_catalog_path("midas/midas_v21_smal_256.pt"), " (did you mean 'midas/midas_v21_small_256.pt'?)");
  EXPECT_EQ(closest_catalog_path("notes.txt"), "");
  EXPECT_TRUE(unknown_files(dir / "missing").empty());
}

TEST(DefaultModels, AnEmptyFolderGivesTheWeightFreeModels) {
  testing::TempDir dir;
  const DefaultModels chosen = choose_default_models(option_folder(dir / "missing"));
  EXPECT_EQ(chosen.depth.type, "vertical");
  EXPECT_EQ(chosen.depth.name, "vertical");
  EXPECT_TRUE(chosen.depth.path.empty());
  EXPECT_EQ(chosen.backbone.type, "pyramid");
  EXPECT_TRUE(chosen.backbone.encoder.empty());
  EXPECT_TRUE(starts_with(chosen.description, "depth: vertical (weight-free")) << chosen.description;
  EXPECT_TRUE(contains(chosen.description, "; backbone: pyramid (weight-free stand-in")) << chosen.description;
  EXPECT_TRUE(contains(chosen.description, concat("; weights folder: ", (dir / "missing").string(), " (--weights-dir)")))
      << chosen.description;
}

TEST(DefaultModels, TheBestPresentDepthModelWithALoaderAndVggWhenBothFilesArePresent) {
  testing::TempDir dir;
  const WeightsFolder folder = option_folder(dir.path());
  // Incomplete monodepth2 folders and the VGG encoder alone count as absent.
  touch(dir.path(), {"monodepth2/mono_640x192/encoder.pth", "monodepth2/stereo_640x192/encoder.pth",
                     "monodepth2/stereo_640x192/depth.pth", "adain/vgg_normalised.pth"});
  DefaultModels chosen = choose_default_models(folder);
  EXPECT_EQ(chosen.depth.name, "monodepth2_stereo_640x192");
  EXPECT_EQ(chosen.depth.type, "monodepth2");
  EXPECT_EQ(chosen.depth.path, (dir / "monodepth2/stereo_640x192").string());
  EXPECT_TRUE(chosen.depth.variant.empty());
  EXPECT_EQ(chosen.backbone.type, "pyramid");

  // MiDaS v1 ranks above v2.1 small and monodepth2.
  touch(dir.path(), {"midas/model-small-70d6b9c8.pt", "midas/model.pt", "adain/decoder.pth"});
  chosen = choose_default_models(folder);
  EXPECT_EQ(chosen.depth.name, "midas_v1");
  EXPECT_EQ(chosen.depth.type, "midas");
  EXPECT_EQ(chosen.depth.version, "v1");
  EXPECT_EQ(chosen.depth.path, (dir / "midas/model.pt").string());
  EXPECT_EQ(chosen.backbone.type, "vgg");
  EXPECT_EQ(chosen.backbone.encoder, (dir / "adain/vgg_normalised.pth").string());
  EXPECT_EQ(chosen.backbone.decoder, (dir / "adain/decoder.pth").string());
  EXPECT_TRUE(starts_with(chosen.description, concat("depth: midas_v1 (MiDaS v1 (ResNet-50), ",
                                                     (dir / "midas/model.pt").string(), "); backbone: vgg")))
      << chosen.description;

  touch(dir.path(), {"midas/midas_v21_384.pt"});  // v2.1 large under its MiDaS v3.1 name
  chosen = choose_default_models(folder);
  EXPECT_EQ(chosen.depth.name, "midas_v21");
  EXPECT_EQ(chosen.depth.version, "v21");
  EXPECT_EQ(chosen.depth.path, (dir / "midas/midas_v21_384.pt").string());

  // DPT-Hybrid ranks above MiDaS v2.1 (DIW WHDR), under its first published name too, as version v3_hybrid.
  touch(dir.path(), {"midas/dpt_hybrid-midas-501f0c75.pt"});
  chosen = choose_default_models(folder);
  EXPECT_EQ(chosen.depth.name, "dpt_hybrid_384");
  EXPECT_EQ(chosen.depth.type, "midas");
  EXPECT_EQ(chosen.depth.version, "v3_hybrid");
  EXPECT_EQ(chosen.depth.path, (dir / "midas/dpt_hybrid-midas-501f0c75.pt").string());

  // DPT-Large ranks first of the MiDaS files (DIW WHDR) and runs as the midas type's version v3_large.
  touch(dir.path(), {"midas/dpt_large_384.pt"});
  chosen = choose_default_models(folder);
  EXPECT_EQ(chosen.depth.name, "dpt_large_384");
  EXPECT_EQ(chosen.depth.type, "midas");
  EXPECT_EQ(chosen.depth.version, "v3_large");
  EXPECT_EQ(chosen.depth.path, (dir / "midas/dpt_large_384.pt").string());

  // Depth Anything V2 ranks first; its name implies the variant.
  touch(dir.path(), {"depth_anything_v2/depth_anything_v2_vits.pth", "depth_anything_v2/depth_anything_v2_vitb.pth"});
  chosen = choose_default_models(folder);
  EXPECT_EQ(chosen.depth.name, "depth_anything_v2_vitb");
  EXPECT_EQ(chosen.depth.type, "depth_anything");
  EXPECT_EQ(chosen.depth.variant, "vitb");
  EXPECT_EQ(chosen.depth.path, (dir / "depth_anything_v2/depth_anything_v2_vitb.pth").string());
}

}  // namespace
}  // namespace depthstyle
