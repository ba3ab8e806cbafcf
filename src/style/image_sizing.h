// How the reference tool sizes its inputs (content_size / style_size, crop), and the same geometry applied to the
// maps that belong to the content image (alpha, depth, mask), so they stay aligned with its pixels.
//
//   smaller_side  scale so the smaller side has this many pixels, keeping the aspect ratio (0 = keep the size);
//                 io/image.h resize_to_smaller_side: area averaging when shrinking, bilinear when enlarging, the
//                 other side rounded to the nearest pixel (the port's torchvision Resize truncates it and uses a
//                 PIL filter: sizes can differ by one pixel, values by the filter)
//   crop          then take the centred smaller_side x smaller_side square, as the port does (Resize then
//                 CenterCrop(size)); with smaller_side 0, the largest centred square
#pragma once

#include <opencv2/core.hpp>

#include <string>

#include "io/image.h"

namespace depthstyle {

// The largest smaller side a content or style may be resized to, px: the one range of `content_size`/`style_size`
// in configs and of --content-size/--style-size on the command line.
constexpr int kMaxSmallerSide = 16384;

struct ImageSizing {
  // Smaller side in pixels after resizing; 0 = keep. The port's default is 512.
  int smaller_side = 512;
  // Centre square crop after resizing.
  bool crop = false;
};

struct SizedImage {
  cv::Mat rgb;     // CV_32FC3 RGB in [0,1], the final size
  cv::Mat alpha;   // CV_32FC1, same geometry; empty if the image has no alpha channel
  cv::Size original_size;
  cv::Size resized_size;  // after scaling, before the crop
  cv::Rect window;        // the crop inside resized_size (all of it without crop)
};

// Throws UsageError naming `what` (e.g. "--content-size") for a side outside [0, kMaxSmallerSide].
void check_smaller_side(int side, const std::string& what);

// Throws UsageError for a smaller_side outside [0, kMaxSmallerSide], or if the resized image would have more than
// max_image_pixels() pixels (a 1 x 1000 image at smaller side 16384 would be 16384 x 16384000).
SizedImage size_image(const Image& image, const ImageSizing& sizing);

// A map of any size covering the same field of view as the sized image's original (a depth map, possibly at an
// estimator's own resolution): stretched to resized_size over its known values (style/map_resize.h), then cropped
// to the same window. CV_32FC1 in, CV_32FC1 out, NaN = unknown.
cv::Mat size_map_like(const cv::Mat& map, const SizedImage& reference);

// A mask (CV_32FC1, any size covering the original's field of view): nearest-neighbour to resized_size, cropped,
// then binarised: 1 where the mask is >= 0.5, else 0.
cv::Mat size_mask_like(const cv::Mat& mask, const SizedImage& reference);

}  // namespace depthstyle
