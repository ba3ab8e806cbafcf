#include "report/style_previews.h"

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace depthstyle {

cv::Mat strength_preview(const cv::Mat& strength, cv::Size size) {
  DEPTHSTYLE_ASSERT(strength.type() == CV_32FC1);
  cv::Mat enlarged, rgb;
  cv::resize(strength, enlarged, size, 0, 0, cv::INTER_NEAREST);
  cv::cvtColor(enlarged, rgb, cv::COLOR_GRAY2RGB);
  return rgb;
}

}  // namespace depthstyle
