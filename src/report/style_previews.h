// Pictures of the maps behind a stylization, for figure sheets and `depthstyle stylize --save-maps`:
//   proximity  colorize_depth (report/depth_preview.h): turbo over the map's own range, nearer = warmer, unknown grey
//   strength   the strength map P on an ABSOLUTE grey scale, black = 0 (fully stylised), white = 1 (content kept),
//              so pictures of different beta and eps compare directly (the eps cap shows as a lighter grey ceiling);
//              enlarged by nearest neighbour so each feature cell stays a visible block.
// Both return RGB float32 in [0,1] (CV_32FC3), the layout io/image.h saves.
#pragma once

#include <opencv2/core.hpp>

namespace depthstyle {

// `strength`: CV_32FC1 in [0,1] at a feature level's size; `size`: the picture's size (usually the content's).
cv::Mat strength_preview(const cv::Mat& strength, cv::Size size);

}  // namespace depthstyle
