// The weights catalog on real-layout files (the full-size random-weight fixtures of vgg_weights, native_depth_weights
// and midas_small_weights, linked into a weights folder under their published names): `depthstyle weights list`
// through the CLI, whether each loader's files load, models named in configs built from the folder, and the
// stylize defaults built. The folder rules and names without files: tests/unit/weights_folder_test.cc.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/error.h"
#include "core/text.h"
#include "depth/depth_estimator.h"
#include "depth/model_location.h"
#include "depth/monodepth2_estimator.h"
#include "style/backbone_factory.h"
#include "style/default_models.h"
#include "support/test_support.h"
#include "weights/weight_catalog.h"
#include "weights/weight_check.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::contains;

fs::path generated(const std::string& path) { return fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / path; }
fs::path vgg_fixture(const std::string& name) { return generated("style") / name; }
// The native fixtures' weights/ folder is laid out as configs/table1.yaml's weights_dir, which is the catalog's layout.
fs::path native_weights() { return generated("depth_native/weights"); }
fs::path midas_small_fixture() { return generated("depth_midas_small/weights/midas/midas_v21_small_256.pt"); }
fs::path depth_anything_fixture(const std::string& variant) {
  return generated("depth_anything/weights/depth_anything/depth_anything_v2_" + variant + ".pth");
}

void link(const fs::path& target, const fs::path& link_path) {
  fs::create_directories(link_path.parent_path());
  fs::create_symlink(target, link_path);
}

// The first `bytes` bytes of `source` written to `destination`.
void write_truncated(const fs::path& source, const fs::path& destination, std::size_t bytes) {
  std::ifstream in(source, std::ios::binary);
  std::string head(bytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(bytes));
  fs::create_directories(destination.parent_path());
  testing::write_text(destination, head);
}

// The row of `model` in the Markdown table `weights list` prints.
std::string row_of(const std::string& output, const std::string& model) {
  const std::size_t start = output.find("\n| " + model + " |");
  if (start == std::string::npos) return "";
  return output.substr(start + 1, output.find('\n', start + 1) - start - 1);
}

// Restores the process's --weights-dir when a test that set it ends.
struct WeightsDirOption {
  explicit WeightsDirOption(const fs::path& folder) { set_weights_dir_option(folder.string()); }
  ~WeightsDirOption() { set_weights_dir_option(""); }
};

TEST(WeightsList, OneGoodOneTruncatedAndOneUnknownFile) {
  testing::TempDir dir;
  const fs::path folder = dir / "weights";
  link(vgg_fixture("decoder_zip.pth"), folder / "adain/decoder.pth");
  write_truncated(vgg_fixture("vgg_normalised_zip.pth"), folder / "adain/vgg_normalised.pth", 1 << 20);
  testing::write_text(dir / "mystery.pt", "");
  link(dir / "mystery.pt", folder / "midas/midas_v21_smal_256.pt");

  const ProcessResult result = testing::run_cli({"weights", "list", "--weights-dir", folder.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(starts_with(result.output, concat("weights folder: ", folder.string(), " (--weights-dir)\n")))
      << result.output;
  EXPECT_EQ(row_of(result.output, "adain_decoder"),
            concat("| adain_decoder | decoder.pth | https://github.com/naoto0804/pytorch-AdaIN/releases/tag/v0.0.0 | ",
                   (folder / "adain/decoder.pth").string(), " | yes | ok |"));
  const std::string truncated = row_of(result.output, "vgg_encoder");
  EXPECT_TRUE(starts_with(truncated, concat("| vgg_encoder | vgg_normalised.pth | ", 
                                            "https://github.com/naoto0804/pytorch-AdaIN/releases/tag/v0.0.0 | ",
                                            (folder / "adain/vgg_normalised.pth").string(), " | yes | ",
                                            (folder / "adain/vgg_normalised.pth").string(), ": ")))
      << truncated;
  EXPECT_EQ(row_of(result.output, "midas_v21_small"),
            concat("| midas_v21_small | midas_v21_small_256.pt = model-small-70d6b9c8.pt = midas_v21_small-70d6b9c8.pt "
                   "| https://github.com/isl-org/MiDaS/releases/tag/v2_1 | ",
                   (folder / "midas/midas_v21_small_256.pt").string(), " | no | – |"));
  EXPECT_TRUE(contains(result.output, "Files in the folder that the catalog does not know (misnamed or misplaced?):\n"
                                      "  midas/midas_v21_smal_256.pt (did you mean 'midas/midas_v21_small_256.pt'?)\n"))
      << result.output;
  EXPECT_TRUE(contains(result.output, concat("\n2 of ", weight_catalog().size(), " models present."))) << result.output;

  // The same folder from the environment; a missing folder is said to be missing.
  setenv(kWeightsFolderVariable, folder.c_str(), 1);
  const ProcessResult from_environment = testing::run_cli({"weights", "list"});
  const ProcessResult missing = testing::run_cli({"weights", "list", "--weights-dir", (dir / "none").string()});
  unsetenv(kWeightsFolderVariable);
  EXPECT_TRUE(starts_with(from_environment.output, concat("weights folder: ", folder.string(), " ($DEPTHSTYLE_WEIGHTS)")))
      << from_environment.output;
  EXPECT_EQ(missing.exit_code, 0) << missing.output;
  EXPECT_TRUE(starts_with(missing.output, concat("weights folder: ", (dir / "none").string(),
                                                 " (--weights-dir) (does not exist)")))
      << missing.output;
}

TEST(WeightsList, EveryLoaderAcceptsItsFilesInTheTable1Layout) {
  testing::TempDir dir;
  const fs::path folder = dir / "weights";
  fs::create_directories(folder);
  for (const char* part : {"monodepth2", "midas"}) fs::create_directory_symlink(native_weights() / part, folder / part);
  link(vgg_fixture("vgg_normalised_legacy.pth"), folder / "adain/vgg_normalised.pth");
  link(vgg_fixture("decoder_legacy.pth"), folder / "adain/decoder.pth");
  const ProcessResult result = testing::run_cli({"weights", "list", "--weights-dir", folder.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::vector<std::string> expected_ok = {"vgg_encoder", "adain_decoder", "midas_v1", "midas_v2", "midas_v21"};
  for (const std::string& variant : monodepth2_variant_names()) expected_ok.push_back("monodepth2_" + variant);
  for (const std::string& model : expected_ok) {
    EXPECT_TRUE(contains(row_of(result.output, model), " | yes | ok |")) << model << ": " << row_of(result.output, model);
  }
  EXPECT_TRUE(contains(result.output, concat("\n", expected_ok.size(), " of "))) << result.output;
}

TEST(WeightCheck, WrongFilesAreErrors) {
  const CatalogEntry& encoder = *find_catalog_entry("vgg_encoder");
  check_model_loads(encoder, vgg_fixture("vgg_normalised_zip.pth"));
  EXPECT_THROW_MESSAGE(check_model_loads(encoder, vgg_fixture("decoder_zip.pth")), InputError,
                       "these are the AdaIN decoder (decoder.pth) weights");
  check_model_loads(*find_catalog_entry("midas_v21_small"), midas_small_fixture());
  EXPECT_THROW_MESSAGE(check_model_loads(*find_catalog_entry("midas_v1"), midas_small_fixture()), InputError,
                       midas_small_fixture().string() + ": does not hold the MiDaS v1");
  check_model_loads(*find_catalog_entry("monodepth2_mono_640x192"), native_weights() / "monodepth2/mono_640x192");
  testing::TempDir dir;
  EXPECT_THROW_MESSAGE(check_model_loads(*find_catalog_entry("monodepth2_mono_640x192"), dir.path()), InputError,
                       (dir / "encoder.pth").string());
  check_model_loads(*find_catalog_entry("depth_anything_v2_vits"), depth_anything_fixture("vits"));
  check_model_loads(*find_catalog_entry("depth_anything_v2_vitb"), depth_anything_fixture("vitb"));
  EXPECT_THROW_MESSAGE(check_model_loads(*find_catalog_entry("depth_anything_v2_vitb"), depth_anything_fixture("vits")),
                       InputError, "these are the Depth Anything V2");
}

TEST(NamedModels, TheCatalogNamesTheNineMonodepth2Models) {
  for (const std::string& variant : monodepth2_variant_names()) {
    const CatalogEntry* entry = find_catalog_entry("monodepth2_" + variant);
    ASSERT_NE(entry, nullptr) << variant;
    EXPECT_EQ(entry->relative_path, "monodepth2/" + variant);
  }
}

DepthEstimatorConfig entry(const std::string& type, const std::string& path, const std::string& version = "") {
  DepthEstimatorConfig config;
  config.name = "named";
  config.type = type;
  config.path = path;
  config.version = version;
  return config;
}

TEST(NamedModels, ADepthEstimatorPathNamingAModelImpliesItsSettingsAndMustFitTheType) {
  EXPECT_EQ(with_catalog_model(entry("midas", "midas_v21")).version, "v21");
  EXPECT_EQ(with_catalog_model(entry("midas", "midas/my_model.pt")).version, "");  // a path: unchanged
  // A file under a published name: the version that name implies, unless one is set.
  EXPECT_EQ(with_catalog_model(entry("midas", "/data/midas_v21_384.pt")).version, "v21");
  EXPECT_EQ(with_catalog_model(entry("midas", "/data/model-f46da743.pt")).version, "v2");
  EXPECT_EQ(with_catalog_model(entry("midas", "midas/model.pt")).version, "v1");
  EXPECT_EQ(with_catalog_model(entry("midas", "/data/dpt_large-midas-2f21e586.pt")).version, "v3_large");
  EXPECT_EQ(with_catalog_model(entry("midas", "/data/midas_v21_384.pt", "v2")).version, "v2");
  EXPECT_EQ(with_catalog_model(entry("midas", "/data/depth_anything_v2_vits.pth")).version, "");  // another type's
  check_depth_estimator_config(entry("midas", "midas_v21_small"));             // no version needed
  EXPECT_THROW_MESSAGE(check_depth_estimator_config(entry("midas", "midas_v21", "v1")), UsageError,
                       "depth estimator 'named': path 'midas_v21' names MiDaS version v21, but version is v1");
  DepthEstimatorConfig torchscript = entry("torchscript", "midas_v1");
  torchscript.preset = "midas_v1";
  EXPECT_THROW_MESSAGE(check_depth_estimator_config(torchscript), UsageError,
                       "path 'midas_v1' names the catalog's MiDaS v1 (ResNet-50), run by type midas, not torchscript; "
                       "set type: midas");
  EXPECT_EQ(with_catalog_model(entry("midas", "dpt_large_384")).version, "v3_large");
  EXPECT_EQ(with_catalog_model(entry("midas", "dpt_hybrid_384")).version, "v3_hybrid");
  EXPECT_EQ(with_catalog_model(entry("midas", "dpt_beit_large_512")).version, "v31_beit_large_512");
  EXPECT_THROW_MESSAGE(check_depth_estimator_config(entry("midas", "vgg_encoder")), UsageError,
                       "path 'vgg_encoder' names the catalog's VGG encoder");
  DepthEstimatorConfig monodepth2 = entry("monodepth2", "monodepth2_mono_640x192");
  monodepth2.variant = "mono_640x192";
  EXPECT_THROW_MESSAGE(check_depth_estimator_config(monodepth2), UsageError,
                       "names one monodepth2 model folder, so variant (mono_640x192) has nothing to choose");
}

TEST(NamedModels, ModelsNamedInConfigsAreBuiltFromTheWeightsFolder) {
  testing::TempDir dir;
  const fs::path folder = dir / "weights";
  link(midas_small_fixture(), folder / "midas/model-small-70d6b9c8.pt");
  link(vgg_fixture("vgg_normalised_zip.pth"), folder / "adain/vgg_normalised.pth");
  link(vgg_fixture("decoder_zip.pth"), folder / "adain/decoder.pth");
  fs::create_directories(folder / "monodepth2");
  fs::create_directory_symlink(native_weights() / "monodepth2/mono_640x192", folder / "monodepth2/mono_640x192");
  const WeightsDirOption option(folder);

  const auto small = make_depth_estimator(entry("midas", "midas_v21_small"));
  EXPECT_EQ(small->describe()["files"][0]["path"], (folder / "midas/model-small-70d6b9c8.pt").string());
  EXPECT_EQ(small->describe()["version"], "v21_small");
  const auto monodepth2 = make_depth_estimator(entry("monodepth2", "monodepth2_mono_640x192"));
  EXPECT_EQ(monodepth2->describe()["files"][0]["path"], (folder / "monodepth2/mono_640x192/encoder.pth").string());
  EXPECT_THROW_MESSAGE(make_depth_estimator(entry("midas", "midas_v1")), InputError,
                       concat("depth estimator 'named': model 'midas_v1' (MiDaS v1 (ResNet-50)) is not in the weights "
                              "folder ", folder.string(), " (--weights-dir): expected ",
                              (folder / "midas/model.pt").string(), "; model.pt is published at "
                              "https://github.com/isl-org/MiDaS/releases/tag/v1"));

  BackboneConfig vgg;
  vgg.type = "vgg";
  vgg.encoder = "vgg_encoder";
  vgg.decoder = "adain_decoder";
  EXPECT_EQ(make_backbone(vgg)->describe()["encoder"]["path"], (folder / "adain/vgg_normalised.pth").string());
  vgg.encoder = "adain_decoder";
  EXPECT_THROW_MESSAGE(make_backbone(vgg), UsageError,
                       "backbone.encoder: 'adain_decoder' names the catalog's AdaIN decoder");

  // The stylize defaults from this folder: v2.1 small (ranked above monodepth2) and the paper's networks, both built.
  const DefaultModels chosen = choose_default_models(current_weights_folder());
  EXPECT_EQ(chosen.depth.name, "midas_v21_small");
  EXPECT_EQ(make_depth_estimator(chosen.depth)->describe()["version"], "v21_small");
  EXPECT_EQ(chosen.backbone.type, "vgg");
  EXPECT_EQ(make_backbone(chosen.backbone)->describe()["decoder"]["path"], (folder / "adain/decoder.pth").string());
}

}  // namespace
}  // namespace depthstyle
