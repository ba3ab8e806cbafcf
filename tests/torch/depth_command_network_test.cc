// `depthstyle depth` with a native network of the registry (MiDaS v2.1 small from its published layout, random
// weights: tests/fixtures/depth/make_midas_small_fixtures.py): the maps it writes equal the estimator's run here
// in-process, and the sidecar names the weight file with its sha256 and the preprocessing. The command's other
// behaviour (formats, skipping, failures, globs) is tested with weight-free estimators in
// tests/unit/depth_command_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstring>

#include "core/atomic_file.h"
#include "core/sha256.h"
#include "depth/depth_estimator.h"
#include "io/depth_map.h"
#include "io/image.h"
#include "support/test_support.h"
#include "tensor/runtime.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::run_cli;

TEST(DepthCommandNetwork, MidasSmallMapsEqualTheEstimatorInProcess) {
  testing::TempDir dir;
  const fs::path weights =
      fs::path(DEPTHSTYLE_GENERATED_FIXTURES) / "depth_midas_small/weights/midas/midas_v21_small_256.pt";
  // Two sizes, one non-square (the preset keeps the aspect ratio, a multiple of 32), and a grayscale one.
  cv::Mat wide(90, 160, CV_32FC3), tall(120, 72, CV_32FC1);
  cv::randu(wide, 0.0f, 1.0f);
  cv::randu(tall, 0.0f, 1.0f);
  fs::create_directories(dir / "images");
  save_image(dir / "images/wide.png", wide);
  save_image(dir / "images/tall.png", tall);

  const ProcessResult result =
      run_cli({"depth", (dir / "images").string(), "-o", (dir / "maps").string(), "--depth-estimator", "midas",
               "--depth-version", "v21_small", "--depth-model", weights.string(), "--format", "npy", "--quiet",
               "--threads", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "depth: 2 written, 0 failed")) << result.output;

  DepthEstimatorConfig config;
  config.name = config.type = "midas";
  config.version = "v21_small";
  config.path = weights.string();
  set_thread_count(1, "test threads");
  const std::unique_ptr<DepthEstimator> estimator = make_depth_estimator(config);
  for (const std::string stem : {"wide", "tall"}) {
    const fs::path image = dir / "images" / (stem + ".png");
    DepthQuery query;
    query.image_path = image;
    query.rgb = load_image(image).rgb;
    query.size = query.rgb.size();
    const DepthPrediction expected = estimator->estimate(query);
    const cv::Mat written = read_depth_map(dir / "maps" / (stem + ".npy"));
    ASSERT_EQ(written.size(), query.size) << stem << ": the map is at the image's size";
    // Both ran with one thread (--threads 1 there, set_thread_count(1) here), so the
    // summation order is the same and the values are identical, not merely close.
    EXPECT_EQ(cv::norm(written, expected.values, cv::NORM_INF), 0.0) << stem;

    const nlohmann::json sidecar = nlohmann::json::parse(read_file(dir / "maps" / (stem + ".json")));
    EXPECT_EQ(sidecar["map"]["meaning"], "proximity") << stem;
    EXPECT_EQ(sidecar["estimator"], estimator->describe()) << stem;
    EXPECT_TRUE(contains(sidecar["estimator"].dump(), sha256_hex_of_file(weights))) << sidecar["estimator"].dump(2);
    EXPECT_TRUE(contains(sidecar["estimator"].dump(), "midas_v21_small")) << sidecar["estimator"].dump(2);
  }
}

}  // namespace
}  // namespace depthstyle
