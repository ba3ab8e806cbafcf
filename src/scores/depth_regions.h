// Near and far halves of a content image, for the near/far scores of a stylization (scores/feature_scores.h,
// scores/depth_agreement.h): the regions the strength map treats differently.
//
// The split of a proximity map (bigger = nearer, NaN = unknown; Algorithm 1 steps 1-2, style/strength_map.h) at a
// target size (a feature tap's, the image's, the Spearman grid's):
//   1. the proximity is brought to the size as Algorithm 1 step 3 does (style/map_resize.h: area averaging over
//      known pixels when shrinking, bilinear when enlarging);
//   2. m = the median of the known cells (the mean of the two middle values for an even count);
//   3. near = the cells above m, far = the cells below m; cells equal to m and unknown cells are in neither.
// The strength map P is a non-decreasing function of this proximity (steps 4-7 rescale, centre, apply a sigmoid and
// cap it), so near cells are those where P keeps the most content. Splitting by the proximity rather than by P
// itself keeps the regions the same for every beta and eps (eps caps P and beta = 0 makes it constant, both creating
// ties at P's median), so the near scores of all settings of a sweep, and of AdaIN beside them, cover the same
// cells. A map without known cells, or with all known cells equal, has empty regions.
#pragma once

#include <opencv2/core.hpp>

namespace depthstyle {

struct RegionMasks {
  cv::Mat near;  // CV_8UC1, 1 = in the region
  cv::Mat far;
};

RegionMasks split_near_far(const cv::Mat& proximity, cv::Size size);

}  // namespace depthstyle
