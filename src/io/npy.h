// NumPy's .npy format (versions 1-3) for 2-D maps: parsed from and serialised to bytes, so that .npy files and the
// members of .npz archives share one implementation.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <string_view>

namespace depthstyle {

// Any numeric or bool dtype in either byte order, C or Fortran order, shape (H,W), (H,W,1), (1,H,W) or (1,1,H,W),
// returned as CV_32FC1. `source` names the file (or archive member) in InputError messages.
cv::Mat parse_npy(std::string_view bytes, const std::string& source);

// Version 1.0, little-endian float32, C order, shape (H,W). `map` must be CV_32FC1.
std::string serialize_npy(const cv::Mat& map);

}  // namespace depthstyle
