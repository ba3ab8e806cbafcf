#include "survey/web_copy.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace depthstyle {
namespace {

// 8-bit BGR, as a JPEG holds it; transparent pixels become white (the page's light background).
cv::Mat to_bgr8(const cv::Mat& image) {
  cv::Mat eight_bit = image;
  if (image.depth() == CV_16U) image.convertTo(eight_bit, CV_8U, 1.0 / 257.0);
  DEPTHSTYLE_ASSERT(eight_bit.depth() == CV_8U);
  if (eight_bit.channels() == 1) {
    cv::Mat bgr;
    cv::cvtColor(eight_bit, bgr, cv::COLOR_GRAY2BGR);
    return bgr;
  }
  if (eight_bit.channels() == 3) return eight_bit;
  cv::Mat bgr(eight_bit.size(), CV_8UC3);
  eight_bit.forEach<cv::Vec4b>([&](const cv::Vec4b& pixel, const int* at) {
    const float alpha = pixel[3] / 255.0f;
    cv::Vec3b& out = bgr.at<cv::Vec3b>(at[0], at[1]);
    for (int c = 0; c < 3; ++c) out[c] = cv::saturate_cast<std::uint8_t>(pixel[c] * alpha + 255.0f * (1 - alpha));
  });
  return bgr;
}

}  // namespace

WebCopy make_web_copy(const cv::Mat& image, const WebCopyOptions& options) {
  DEPTHSTYLE_ASSERT(!image.empty() && options.max_side >= 0);
  cv::Mat bgr = to_bgr8(image);
  const int longest = std::max(bgr.cols, bgr.rows);
  if (options.max_side > 0 && longest > options.max_side) {
    const double scale = static_cast<double>(options.max_side) / longest;
    const cv::Size size(std::max(1, static_cast<int>(std::lround(bgr.cols * scale))),
                        std::max(1, static_cast<int>(std::lround(bgr.rows * scale))));
    cv::Mat shrunk;
    cv::resize(bgr, shrunk, size, 0, 0, cv::INTER_AREA);
    bgr = shrunk;
  }
  std::vector<unsigned char> encoded;
  const bool written = cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, options.jpeg_quality});
  DEPTHSTYLE_ASSERT(written);
  return {std::string(encoded.begin(), encoded.end()), bgr.cols, bgr.rows};
}

}  // namespace depthstyle
