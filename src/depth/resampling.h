// Resizing images and maps the way the reference depth-model code does, so that a model sees the same input here as
// in its own repository. Except for `nearest`, pixel centres are at half-integers (OpenCV's and PyTorch's
// align_corners=False convention) and samples outside the image repeat the border pixel.
//
//   nearest  cv::resize INTER_NEAREST: output pixel x takes source pixel floor(x * in / out) (as PyTorch's "nearest")
//   linear   cv::resize INTER_LINEAR: bilinear, 2 taps, no antialiasing; on float data it equals PyTorch's
//            interpolate(mode="bilinear", align_corners=False) (monodepth2's output upsampling)
//   cubic    cv::resize INTER_CUBIC: Keys' cubic with a = -0.75, 4 taps, no antialiasing; on float data it equals
//            PyTorch's interpolate(mode="bicubic", align_corners=False) (MiDaS v2's output upsampling) within float
//            rounding; MiDaS resizes its input and its v1/ONNX outputs with exactly this call (cv2.INTER_CUBIC)
//   area     cv::resize INTER_AREA: pixel-area averaging when shrinking (MiDaS v1's input), bilinear-like when growing
//   linear_align_corners  bilinear with the corner pixels' centres on the corners: output pixel x reads source
//            x * (in - 1) / (out - 1) (0 when out = 1), 2 taps, no antialiasing: PyTorch's
//            interpolate(mode="bilinear", align_corners=True) (Depth Anything's infer_image output resize)
//   lanczos  Pillow's Image.resize(size, Image.LANCZOS) on 8-bit RGB (monodepth2's input): a Lanczos-3 window
//            stretched by the scale factor when shrinking (so it antialiases), fixed-point weights with 22 fractional
//            bits, a horizontal pass then a vertical pass, each rounded and clipped to 8 bits. The input is first
//            quantised to 8 bits (round(v * 255)), which is exact for images decoded from 8-bit files, and the
//            result is returned as k / 255. Reproduced from Pillow's libImaging/Resample.c (ImagingResample,
//            precompute_coeffs, normalize_coeffs_8bpc); bit-exact against Pillow 9.4 (tests/fixtures/depth).
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace depthstyle {

enum class Interpolation { kNearest, kLinear, kCubic, kArea, kLanczos, kLinearAlignCorners };

// "nearest", "linear", "cubic", "area", "lanczos", "linear_align_corners"
std::string to_string(Interpolation interpolation);
const std::vector<std::string>& interpolation_names();
// Throws UsageError listing the names for an unknown one.
Interpolation interpolation_from_string(const std::string& name);

// `image` is CV_32FC1 or CV_32FC3 (lanczos: values in [0,1]); `size` must be positive. Returns a new matrix of that
// size and type (a copy when the size does not change).
cv::Mat resample(const cv::Mat& image, cv::Size size, Interpolation interpolation);

}  // namespace depthstyle
