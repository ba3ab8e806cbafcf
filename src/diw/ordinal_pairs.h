// Point pairs with a known ordinal relation, drawn from a ground-truth map, for DIW-format sets with real (Middlebury)
// or synthetic depth. A pair is kept only if the two points' depths differ clearly: the larger value is at least
// `min_ratio` times the smaller (the same test for depth and for disparity, since disparity is inverse depth up to a
// factor), so quantised or noisy truth never decides a pair.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "depth/depth_prediction.h"
#include "diw/diw_dataset.h"

namespace depthstyle {

struct OrdinalPairOptions {
  int count = 1;
  // > 1; e.g. 1.15: one point is at least 15% farther (or nearer) than the other.
  double min_ratio = 1.15;
  // Draws before giving up; 0 = 10,000 per requested pair.
  std::int64_t max_draws = 0;
};

// Draws `count` pairs of distinct known pixels (finite values > 0) uniformly, keeps those passing the ratio test and
// labels them with the truth's meaning: '>' when A is farther. Coordinates are 1-based, y first; width and height are
// the map's. Throws InputError if the map has fewer than two known pixels or the draws run out (the message says how
// many pairs were found).
std::vector<DiwPair> sample_ordinal_pairs(const DepthPrediction& truth, const OrdinalPairOptions& options,
                                          std::mt19937_64& random);

}  // namespace depthstyle
