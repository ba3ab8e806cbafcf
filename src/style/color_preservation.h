// Colour preservation (the reference tool's `preserve_color`, the port's `coral`): before stylizing, the style
// image's colours are mapped so that their mean and covariance match the content image's; AdaIN then carries
// the content's own palette.
//
// The port's computation (function.py `coral(source=style, target=content)`), with one correction:
//   per channel mean m and standard deviation s (unbiased) over the N = H*W pixels; x_norm = (x - m) / s;
//   C = (x_norm x_norm^T + I) / (N - 1), a 3x3 matrix: the channel correlation plus I / (N - 1);
//   out = sqrt(C_target) sqrt(C_source)^-1 x_norm * s_target + m_target, sqrt the symmetric square root.
// The port leaves out the division by N - 1. When style and content have the same pixel count (the port's default:
// both resized to 512 px and centre-cropped) the factor cancels and both give the same output; when they differ it
// does not, and the port scales the style's colour deviation by sqrt((N_content - 1) / (N_style - 1)), e.g. x3.3 for
// the user study's 1000 px contents and 300 px styles, which defeats the purpose. Here the output's mean equals the
// content's, and its covariance equals the content's up to the + I / (N - 1) regularisers (a relative 1/N).
// The result is one affine colour map applied to every style pixel; it is NOT clamped (the port feeds the encoder
// values slightly outside [0,1] too).
//
// Images are CV_32FC3 RGB (io/image.h); the 3x3 algebra runs in double. A constant channel (s = 0) makes the port
// divide by zero; here it is an InputError naming the image. A grayscale image (three equal, varying channels) is
// fine: the + I keeps its correlation matrix invertible.
#pragma once

#include <opencv2/core.hpp>

#include <string>

namespace depthstyle {

// Returns `source` (the style) with the colour statistics of `target` (the content). The names say what each image
// is in error messages.
cv::Mat match_color_statistics(const cv::Mat& source, const cv::Mat& target, const std::string& source_name = "style",
                               const std::string& target_name = "content");

}  // namespace depthstyle
