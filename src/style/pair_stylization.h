// One content image with one style group, stylized for a list of blend settings, sharing the encoder work between
// them (style/render.h). `depthstyle stylize` and the benchmarks use this; the grid runner (grid/) calls the same
// steps itself so that it can also share f(c) across styles and f(s) across contents.
//
// Images are CV_32FC3 RGB in [0,1] already sized (style/image_sizing.h); the proximity map is CV_32FC1 at the
// content's size, bigger = nearer, NaN = unknown (Algorithm 1 steps 1-2 done, style/strength_map.h).
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "depth/depth_prediction.h"
#include "io/image.h"
#include "style/backbone.h"
#include "style/image_sizing.h"
#include "style/render.h"

namespace depthstyle {

struct StylizationInput {
  cv::Mat content;
  std::vector<cv::Mat> styles;
  StyleMix mix;
  // Required when a setting needs a strength map (da-adain, near_far), else may be empty.
  cv::Mat proximity;
};

// One Rendering per setting, in order.
std::vector<Rendering> stylize(Backbone& backbone, const StylizationInput& input,
                               const std::vector<BlendSetting>& settings);

// A style image as the stylizer takes it: sized, and with preserve_color, its colours matched to the sized
// content's (style/color_preservation.h). `name` labels errors.
cv::Mat prepare_style_image(const Image& style, const ImageSizing& sizing, const cv::Mat& content_for_colors,
                            bool preserve_color, const std::string& name);

// Algorithm 1 steps 1-2 of a content's depth, brought to the sized content (bigger = nearer, NaN = unknown).
cv::Mat proximity_of_sized_content(const DepthPrediction& depth, const SizedImage& content);

// A mask file as style mode mask takes it: its grey level (mean of R, G, B; alpha ignored) at the sized content's
// geometry, binarised at 0.5 (white = foreground).
cv::Mat load_mask_for(const std::filesystem::path& mask, const SizedImage& content);

// Writes a rendered image (1x3xHxW in [0,1]) as PNG or JPEG. The content's alpha goes with it: a PNG keeps it; a
// JPEG cannot, and the alpha is dropped with a warning naming the file.
void save_stylized_image(const std::filesystem::path& path, const at::Tensor& image, const SizedImage& content,
                         int jpeg_quality);

}  // namespace depthstyle
