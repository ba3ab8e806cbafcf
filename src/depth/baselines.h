// Weight-free depth estimators: they need no download, so every pipeline runs on a fresh machine, and they give the
// floor any learned model must beat.
//   vertical  lower in the image = nearer (the ground plane cue); proximity = row / (height - 1)
//   random    uniform noise in [0,1) ("depth"), expected ordinal accuracy 0.5. The value at a pixel depends only on
//             the seed, the image key (its path as given in DepthQuery, generic form) and the pixel, never on the
//             order images are processed or how a run is sharded: per image, a SplitMix64 stream is seeded with
//             mix(seed, FNV-1a-64(key)) and read in row-major order, 24 bits per value (exact in float32, so two
//             pixels tie with probability 2^-24).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "depth/depth_estimator.h"

namespace depthstyle {

std::unique_ptr<DepthEstimator> make_vertical_estimator(const DepthEstimatorConfig& config);
std::unique_ptr<DepthEstimator> make_random_estimator(const DepthEstimatorConfig& config);

// The random baseline's per-image seed.
std::uint64_t random_baseline_image_seed(std::uint64_t seed, std::string_view image_key);

}  // namespace depthstyle
