#include "stylize/temporal_smoothing.h"

#include <cmath>

#include "core/error.h"
#include "core/text.h"

namespace depthstyle {

void check_temporal_smoothing(double weight, const std::string& what) {
  if (!(weight >= 0 && weight <= kMaxTemporalSmoothing)) {
    throw UsageError(concat(what, ": the weight of the previous frames must be in [0, ",
                            format_number(kMaxTemporalSmoothing), "] (0 = off), got ", format_number(weight)));
  }
}

CentredProximitySmoother::CentredProximitySmoother(double weight) : weight_(weight) {
  check_temporal_smoothing(weight, "temporal smoothing");
}

const std::vector<cv::Mat>& CentredProximitySmoother::smooth(const std::vector<cv::Mat>& centred) {
  bool same_layout = smoothed_.size() == centred.size();
  for (std::size_t level = 0; same_layout && level < centred.size(); ++level) {
    same_layout = smoothed_[level].size() == centred[level].size();
  }
  if (!same_layout || weight_ == 0) {
    smoothed_.clear();
    for (const cv::Mat& level : centred) smoothed_.push_back(level.clone());
    return smoothed_;
  }
  for (std::size_t level = 0; level < centred.size(); ++level) {
    DEPTHSTYLE_ASSERT(centred[level].type() == CV_32FC1);
    cv::addWeighted(smoothed_[level], weight_, centred[level], 1 - weight_, 0, smoothed_[level]);
  }
  return smoothed_;
}

}  // namespace depthstyle
