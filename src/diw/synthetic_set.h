// `depthstyle data make-diw-synthetic`: DIW-format sets of any size on rendered scenes with exactly known depth, for
// scale tests and benchmarks (e.g. 73,983 entries, the size of the DIW test set).
//
// A scene (render_synthetic_scene) is a pinhole view (focal length = image width, camera 1.5 m above the ground) of
// a textured ground plane receding to the horizon, a back wall, and one to four fronto-parallel boxes standing on the
// ground at random distances, composited with a depth buffer. Textures are checkerboards in world units (so they
// shrink with distance) times a per-surface colour, with distance haze. Depth is metric distance along the optical
// axis: bigger = farther.
//
// Output folder (published at once, core/staged_folder.h):
//   synthetic.csv                        one entry per image, one pair per entry (as in DIW)
//   images/<k>/<n>.png                   the scenes (n = 1-based index, 6 digits; k = n / 1000, 3 digits)
//   depth/images/<k>/<n>.pfm             their depth maps (depth, bigger = farther) at map_width x map_height, so the
//                                        scoring resizes them as it does a network's output; the layout mirrors the
//                                        images, for precomputed-map estimators
//   manifest.json                        the parameters
// Pairs are drawn on the full-resolution depth with the ordinal_pairs.h ratio test. The same parameters give
// byte-identical files.
#pragma once

#include <cstdint>
#include <filesystem>

#include <opencv2/core.hpp>

namespace depthstyle {

struct SyntheticSceneOptions {
  int width = 64;
  int height = 48;
};

struct SyntheticScene {
  cv::Mat rgb;    // CV_32FC3, RGB in [0,1]
  cv::Mat depth;  // CV_32FC1, metres along the optical axis, bigger = farther
};

// The scene for `seed` (deterministic on every platform).
SyntheticScene render_synthetic_scene(std::uint64_t seed, const SyntheticSceneOptions& options);

struct SyntheticDiwOptions {
  int count = 1000;
  SyntheticSceneOptions scene;
  // Size of the stored depth maps; 0 = the image size.
  int map_width = 32;
  int map_height = 24;
  std::int64_t seed = 0;
  double min_ratio = 1.1;
};

struct SyntheticDiwSummary {
  std::filesystem::path csv;
  int entries = 0;
};

constexpr const char* kSyntheticDiwCsv = "synthetic.csv";

// Refuses an existing `output` (UsageError). Shows a progress bar.
SyntheticDiwSummary make_diw_synthetic(const std::filesystem::path& output, const SyntheticDiwOptions& options);

}  // namespace depthstyle
