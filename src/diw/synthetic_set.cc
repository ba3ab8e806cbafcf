#include "diw/synthetic_set.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "core/error.h"
#include "core/progress.h"
#include "core/seeds.h"
#include "core/staged_folder.h"
#include "diw/ordinal_pairs.h"
#include "io/depth_map.h"
#include "io/image.h"

namespace depthstyle {
namespace {

constexpr double kCameraHeight = 1.5;  // metres above the ground
constexpr double kSky[3] = {0.75, 0.8, 0.9};

struct Box {
  double depth;           // metres
  double left, right;     // pixel columns (continuous)
  double top, bottom;     // pixel rows (continuous)
  double colour[3];
};

// 0 or 1 in a checkerboard of `cell` metres over world coordinates (u, v).
double checker(double u, double v, double cell) {
  return static_cast<double>((static_cast<long long>(std::floor(u / cell)) +
                              static_cast<long long>(std::floor(v / cell))) & 1);
}

// "images/001/001234.png" for n = 1234.
std::string numbered_path(const char* folder, int n, const char* extension) {
  char text[64];
  std::snprintf(text, sizeof text, "%s/%03d/%06d%s", folder, n / 1000, n, extension);
  return text;
}

}  // namespace

SyntheticScene render_synthetic_scene(std::uint64_t seed, const SyntheticSceneOptions& options) {
  DEPTHSTYLE_ASSERT(options.width > 0 && options.height > 0);
  std::mt19937_64 random(seed);
  const auto uniform = [&](double lowest, double highest) { return lowest + (highest - lowest) * uniform_unit(random); };
  const double width = options.width, height = options.height, focal = width;
  const double horizon = uniform(0.3, 0.5) * height;
  const double wall_depth = uniform(30, 60);
  double ground_colour[3], wall_colour[3];
  for (double& c : ground_colour) c = uniform(0.25, 0.8);
  for (double& c : wall_colour) c = uniform(0.25, 0.8);
  std::vector<Box> boxes(1 + uniform_index(random, 4));
  for (Box& box : boxes) {
    box.depth = uniform(3, 0.8 * wall_depth);
    const double half_field = 0.5 * width * box.depth / focal;  // metres visible left or right at that depth
    const double centre = uniform(-0.8, 0.8) * half_field;
    // At most half the image wide and tall, so the ground and the wall always show around it (and the scene has a
    // depth range to draw pairs from).
    const double box_width = std::min(uniform(0.5, 4), half_field);
    const double box_height = std::min(uniform(0.5, 3), 0.5 * height * box.depth / focal);
    box.left = width / 2 + focal * (centre - box_width / 2) / box.depth;
    box.right = width / 2 + focal * (centre + box_width / 2) / box.depth;
    box.bottom = horizon + focal * kCameraHeight / box.depth;
    box.top = box.bottom - focal * box_height / box.depth;
    for (double& c : box.colour) c = uniform(0.1, 0.95);
  }

  SyntheticScene scene;
  scene.rgb.create(options.height, options.width, CV_32FC3);
  scene.depth.create(options.height, options.width, CV_32FC1);
  for (int row = 0; row < options.height; ++row) {
    for (int col = 0; col < options.width; ++col) {
      const double x = col + 0.5, y = row + 0.5;
      // The wall, or the ground where it is nearer.
      double depth = wall_depth;
      const double* colour = wall_colour;
      bool ground = false;
      if (y > horizon) {
        const double ground_depth = focal * kCameraHeight / (y - horizon);
        if (ground_depth < wall_depth) {
          depth = ground_depth;
          colour = ground_colour;
          ground = true;
        }
      }
      for (const Box& box : boxes) {
        if (box.depth < depth && x >= box.left && x < box.right && y >= box.top && y < box.bottom) {
          depth = box.depth;
          colour = box.colour;
          ground = false;
        }
      }
      const double world_x = (x - width / 2) * depth / focal;
      const double pattern = ground ? checker(world_x, depth, 0.5)
                                    : checker(world_x, (horizon - y) * depth / focal + kCameraHeight, 0.4);
      const double haze = 0.5 * depth / wall_depth;
      cv::Vec3f& pixel = scene.rgb.at<cv::Vec3f>(row, col);
      for (int c = 0; c < 3; ++c) {
        const double lit = colour[c] * (0.7 + 0.3 * pattern);
        pixel[c] = static_cast<float>((1 - haze) * lit + haze * kSky[c]);
      }
      scene.depth.at<float>(row, col) = static_cast<float>(depth);
    }
  }
  return scene;
}

SyntheticDiwSummary make_diw_synthetic(const std::filesystem::path& output, const SyntheticDiwOptions& options) {
  if (options.count < 1) throw UsageError(concat("count must be >= 1, got ", options.count));
  if (options.scene.width < 2 || options.scene.height < 2) {
    throw UsageError(concat("image size ", options.scene.width, "x", options.scene.height, " is too small (min 2x2)"));
  }
  if ((options.map_width == 0) != (options.map_height == 0) || options.map_width < 0 || options.map_height < 0) {
    throw UsageError(concat("map size ", options.map_width, "x", options.map_height,
                            " must be positive, or 0x0 for the image size"));
  }
  const cv::Size map_size = options.map_width == 0 ? cv::Size(options.scene.width, options.scene.height)
                                                   : cv::Size(options.map_width, options.map_height);
  StagedFolder folder(output);
  std::vector<DiwEntry> entries;
  entries.reserve(static_cast<std::size_t>(options.count));
  const std::uint64_t scene_seed = derive_seed(options.seed, "diw_synthetic:scene");
  const std::uint64_t pair_seed = derive_seed(options.seed, "diw_synthetic:pair");
  ProgressBar progress("synthetic DIW scenes", static_cast<std::size_t>(options.count));
  for (int n = 1; n <= options.count; ++n) {
    // Scene n and pair n each from their own stream: the n-th SplitMix64 output after the derived seed.
    std::uint64_t scene_state = scene_seed + static_cast<std::uint64_t>(n);
    const SyntheticScene scene = render_synthetic_scene(splitmix64_next(scene_state), options.scene);
    const std::string image = numbered_path("images", n, ".png");
    folder.write(image, encode_image(image, scene.rgb));
    cv::Mat map = scene.depth;
    if (map.size() != map_size) cv::resize(scene.depth, map, map_size, 0, 0, cv::INTER_AREA);
    const std::string map_path = "depth/" + numbered_path("images", n, ".pfm");
    folder.write(map_path, encode_depth_map(map_path, map));

    std::uint64_t pair_state = pair_seed + static_cast<std::uint64_t>(n);
    std::mt19937_64 random(splitmix64_next(pair_state));
    OrdinalPairOptions pair_options;
    pair_options.min_ratio = options.min_ratio;
    DiwEntry& entry = entries.emplace_back();
    entry.image = "./" + image;
    entry.pair = sample_ordinal_pairs({scene.depth, DepthMeaning::kDepth}, pair_options, random).front();
    progress.advance();
  }
  progress.finish();
  folder.write(kSyntheticDiwCsv, format_diw_csv(entries));
  const nlohmann::json manifest = {
      {"kind", "diw_synthetic"},
      {"count", options.count},
      {"image_size", {options.scene.width, options.scene.height}},
      {"map_size", {map_size.width, map_size.height}},
      {"seed", options.seed},
      {"min_ratio", options.min_ratio},
      {"csv", kSyntheticDiwCsv},
      {"depth", "depth/<image path without extension>.pfm: metres along the optical axis (depth, bigger = farther)"}};
  folder.write("manifest.json", manifest.dump(2) + "\n");
  folder.publish();
  return {output / kSyntheticDiwCsv, options.count};
}

}  // namespace depthstyle
