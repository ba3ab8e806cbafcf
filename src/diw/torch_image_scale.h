// The resize the official DIW evaluation applies to a prediction, evaluated at single pixels.
//
// The official test script (princeton-vl/relative_depth, src/experiment/test_model_on_DIW.lua) resizes the network
// output to the original image with `image.scale(output:double(), orig_width, orig_height)`. Lua torch's
// image.scale defaults to mode 'bilinear' (torch/image init.lua), which is `scaleBilinear` in torch/image
// generic/image.c: a separable resize, first along each row (width), then along each column (height), each 1-D pass
// being `scaleLinear_rowcol`:
//   - enlarging: linear interpolation with the end samples aligned (scale = (src - 1) / (dst - 1), the last output
//     sample copies the last input sample; what PyTorch calls align_corners=True);
//   - shrinking: the average over each output cell's footprint, partial input samples weighted by their covered
//     fraction (what OpenCV calls INTER_AREA);
//   - equal length: a copy.
// The arithmetic is reproduced as compiled for a DoubleTensor: positions, scales and weights in float, interpolated
// values in double, and the shrinking pass's running sum and weight total in float. So the values, and therefore the
// ties, equal the official code's (x86-64 SSE arithmetic, no fused multiply-add).
//
// Only the pixels that are read are computed: a DIW pair needs two of the W x H outputs.
#pragma once

#include <opencv2/core.hpp>

namespace depthstyle {

// The value at 0-based (row, col) of image.scale(map, target.width, target.height) ('bilinear'), for a CV_32FC1 map.
// NaN samples propagate to the outputs they contribute to.
double torch_image_scale_at(const cv::Mat& map, cv::Size target, int row, int col);

}  // namespace depthstyle
