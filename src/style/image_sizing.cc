#include "style/image_sizing.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "core/error.h"
#include "style/map_resize.h"

namespace depthstyle {

void check_smaller_side(int side, const std::string& what) {
  if (side < 0 || side > kMaxSmallerSide) {
    throw UsageError(concat(what, ": the smaller side ", side, " is out of range: expected 0 (keep) to ",
                            kMaxSmallerSide, " px"));
  }
}

SizedImage size_image(const Image& image, const ImageSizing& sizing) {
  check_smaller_side(sizing.smaller_side, "image size");
  SizedImage sized;
  sized.original_size = image.rgb.size();
  const cv::Mat resized = resize_to_smaller_side(image.rgb, sizing.smaller_side);
  sized.resized_size = resized.size();
  sized.window = cv::Rect(0, 0, resized.cols, resized.rows);
  if (sizing.crop) {
    const int side = std::min(resized.cols, resized.rows);
    sized.window = cv::Rect((resized.cols - side) / 2, (resized.rows - side) / 2, side, side);
  }
  sized.rgb = resized(sized.window).clone();
  if (!image.alpha.empty()) {
    sized.alpha = resize_to_smaller_side(image.alpha, sizing.smaller_side)(sized.window).clone();
  }
  return sized;
}

cv::Mat size_map_like(const cv::Mat& map, const SizedImage& reference) {
  return resize_map_ignoring_unknown(map, reference.resized_size)(reference.window).clone();
}

cv::Mat size_mask_like(const cv::Mat& mask, const SizedImage& reference) {
  DEPTHSTYLE_ASSERT(mask.type() == CV_32FC1);
  cv::Mat nearest, foreground, binary;
  cv::resize(mask, nearest, reference.resized_size, 0, 0, cv::INTER_NEAREST);
  cv::compare(nearest(reference.window), 0.5, foreground, cv::CMP_GE);
  foreground.convertTo(binary, CV_32F, 1.0 / 255);
  return binary;
}

}  // namespace depthstyle
