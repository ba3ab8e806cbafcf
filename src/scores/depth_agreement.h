// How well a stylization keeps its content's depth, as a monocular depth estimator sees it (Liu et al. 2017 measure
// depth preservation the same way): the estimator's prediction for the stylized output compared with its prediction
// for the content image, both images of the same size.
//
//   ordinal agreement  on point pairs whose depths in the CONTENT's prediction are clearly ordered, the fraction the
//                      output's prediction orders the same way: DIW-style accuracy, scored by the Table 1 code
//                      (diw/diw_scoring.h: each prediction read at the two 1-based, y-first points after the
//                      official torch image.scale resize to the image size; a tie or an unknown value is wrong; the
//                      sign comes from each prediction's meaning). The content's own prediction agrees on every pair.
//   Spearman           the rank correlation (stats/ranks.h, midranks for ties) of the two predictions brought to a
//                      common grid (spearman_grid_size) by style/map_resize.h, over the cells known in both; depth
//                      maps are negated first so that both run in the proximity direction (bigger = nearer).
//
// Pairs (sample_content_depth_pairs): two distinct pixels drawn uniformly over the image, kept when their content
// depths are at least `min_rank_gap` apart in depth order: with F the mid-distribution function of the content
// prediction's known values (F(v) = (#values < v + #values <= v) / 2N), |F(v_A) - F(v_B)| >= min_rank_gap, e.g.
// 0.2 = a fifth of the picture lies between them in depth. Unlike a ratio or a difference test this depends only on
// the order of the values, so it is the same for depth and proximity maps of any scale. Pairs are labelled with the
// content prediction's order ('>' when A is farther) and drawn from a caller's generator, so every setting of a
// sweep is scored on the same pairs.
//
// Near / far (scores/depth_regions.h): the pairs with both points in the near region (at the image size), or both in
// the far region; the Spearman correlation over the grid cells of each region.
#pragma once

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "depth/depth_prediction.h"
#include "diw/diw_dataset.h"
#include "diw/diw_scoring.h"
#include "scores/depth_regions.h"

namespace depthstyle {

struct DepthPairOptions {
  int count = 1000;
  // In (0, 1).
  double min_rank_gap = 0.2;
  // Draws before giving up; 0 = 1,000 per requested pair.
  std::int64_t max_draws = 0;
};

// `content`: any resolution covering the image; `image_size`: the image the pairs lie in. Returns fewer than
// options.count pairs when the draws run out (a prediction with few distinct values has none), never throws for
// that. Throws UsageError for options out of range.
std::vector<DiwPair> sample_content_depth_pairs(const DepthPrediction& content, cv::Size image_size,
                                                const DepthPairOptions& options, std::mt19937_64& random);

// The grid of the Spearman correlation for an image of `image_size`: its smaller side scaled to `smaller_side`
// keeping the aspect ratio (the other side rounded, at least 1), never larger than the image; 0 = the image size.
cv::Size spearman_grid_size(cv::Size image_size, int smaller_side);

struct DepthAgreement {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  DiwScore pairs;
  DiwScore pairs_near;
  DiwScore pairs_far;
  double spearman = kNone;
  double spearman_near = kNone;
  double spearman_far = kNone;
};

// `pairs` from sample_content_depth_pairs; `image_regions` at the image size and `grid_regions` at `grid_size`, or
// both null for no near/far split.
DepthAgreement depth_agreement(const DepthPrediction& content, const DepthPrediction& output,
                               const std::vector<DiwPair>& pairs, cv::Size grid_size,
                               const RegionMasks* image_regions, const RegionMasks* grid_regions);

}  // namespace depthstyle
