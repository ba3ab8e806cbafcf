// Precomputed depth maps, one file per image, in a folder that mirrors the images' relative paths:
//
//   path: maps/            images_root: datasets/DIW
//   image datasets/DIW/DIW_test/0a1b.thumb  ->  maps/DIW_test/0a1b.pfm | .png | .npy | .npz  (first that exists)
//
// The key of an image is its path relative to `images_root`; without images_root, the image path as the caller gave
// it (made normal, "./a/b.jpg" = "a/b.jpg") when relative, or only its file name when absolute. The map's extension
// replaces the image's (the stem is kept: "x.thumb" -> "x.pfm"). Formats and their options as io/depth_map.h reads
// them (PNG values / png_scale, the .npz array npz_key). A map keeps its own resolution; values mean what the entry's
// `meaning` declares (required, since a file cannot tell). A missing map is an InputError naming the image and every
// path tried.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "depth/depth_estimator.h"

namespace depthstyle {

std::unique_ptr<DepthEstimator> make_file_estimator(const DepthEstimatorConfig& config);

// The map paths tried for `image_path`, in order of preference.
std::vector<std::filesystem::path> precomputed_map_candidates(const std::filesystem::path& maps_folder,
                                                              const std::filesystem::path& images_root,
                                                              const std::filesystem::path& image_path);

}  // namespace depthstyle
