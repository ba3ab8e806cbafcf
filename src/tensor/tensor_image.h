// Images in memory as LibTorch tensors, the one place the two layouts meet:
//   cv::Mat    HxW, CV_32FC1 or CV_32FC3 (RGB order, see io/image.h), rows possibly padded
//   at::Tensor 1xCxHxW float32, contiguous (NCHW, the layout every network here takes)
// Both directions copy, so neither side aliases the other's memory.
#pragma once

#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

namespace depthstyle {

// CV_32FC1 or CV_32FC3 -> 1xCxHxW float32.
at::Tensor tensor_from_image(const cv::Mat& image);
// 1xCxHxW or CxHxW with C = 1 or 3, any floating dtype -> CV_32FC1 / CV_32FC3. Values are not clamped.
cv::Mat image_from_tensor(const at::Tensor& tensor);

}  // namespace depthstyle
