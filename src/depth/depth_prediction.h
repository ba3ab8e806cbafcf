// A depth map together with what its values mean. Every map that crosses a module boundary carries its meaning, so
// no caller can get the sign wrong: DIW scoring, the strength map of Algorithm 1 and the reports all ask this type
// instead of assuming a convention.
//
//   depth      bigger = farther (metric or relative depth)
//   proximity  bigger = nearer (inverse depth, disparity, MiDaS output, monodepth2's sigmoid disparity)
#pragma once

#include <opencv2/core.hpp>

#include <string>

namespace depthstyle {

enum class DepthMeaning { kDepth, kProximity };

std::string to_string(DepthMeaning meaning);  // "depth" or "proximity"
// Accepts "depth", "proximity" and the synonyms "inverse_depth", "disparity"; throws UsageError otherwise.
DepthMeaning depth_meaning_from_string(const std::string& text);

struct DepthPrediction {
  cv::Mat values;  // CV_32FC1; NaN = unknown. Its size may differ from the image's (an estimator's own resolution).
  DepthMeaning meaning = DepthMeaning::kDepth;
};

// Algorithm 1, steps 1-2: a proximity map (bigger = nearer). Depth D becomes max(D) - D; proximity is returned as is
// (a shallow copy). NaN stays NaN and is ignored by the max.
cv::Mat proximity_from_prediction(const DepthPrediction& prediction);

// The ordinal relation of two values of a map with the given meaning: +1 if the first point is farther, -1 if it is
// nearer, 0 for a tie or when either value is NaN. Double, because DIW scoring compares resized values in double
// precision as the official script does; float values convert exactly.
int farther_order(DepthMeaning meaning, double first, double second);

}  // namespace depthstyle
