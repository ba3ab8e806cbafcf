// Depth and disparity maps on disk: single-channel float32 (CV_32FC1) in memory, values exactly as stored in the
// file. What a value means (depth or disparity, which value marks "unknown", e.g. Middlebury's 0 or inf) is the
// caller's business; see data/disparity_truth.h for the sample ground truth.
//
// Formats, chosen by extension:
//   .pfm  Pf (one channel), either byte order (sign of the scale line), rows stored bottom-to-top. A colour PFM (PF)
//         is refused rather than silently reduced to one channel. Written little-endian
//         with scale -1, as MiDaS's write_pfm writes it (header "Pf\nW H\n-1.000000\n", bottom row first).
//   .png  8- or 16-bit, one channel; value = stored integer / png_scale. Written as 16-bit.
//   .npy  NumPy, any numeric dtype, 2-D (see io/npy.h). Written as float32, version 1.0.
//   .npz  NumPy archive (stored or deflated); the array `npz_key`, or the only array. Written stored.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <string>

namespace depthstyle {

struct DepthMapReadOptions {
  std::string npz_key;   // empty: the archive must hold exactly one array
  double png_scale = 1;  // > 0; value = stored integer / png_scale (KITTI depth: 256)
};

struct DepthMapWriteOptions {
  std::string npz_key = "arr_0";  // NumPy's name for the first positional array
  // > 0; stored integer = round(value * png_scale) clamped to [0, 65535], so +inf -> 65535; NaN -> 0, PNG depth
  // maps' usual "unknown". Values in range read back within 0.5 / png_scale.
  double png_scale = 1;
};

// Throws InputError naming the file and what was expected for every malformed input or unknown extension, and
// UsageError for a png_scale that is not positive.
cv::Mat read_depth_map(const std::filesystem::path& path, const DepthMapReadOptions& options = {});
// `map` must be CV_32FC1. The file appears atomically. UsageError for an unknown extension or a bad png_scale.
void write_depth_map(const std::filesystem::path& path, const cv::Mat& map, const DepthMapWriteOptions& options = {});
// The bytes write_depth_map writes to a .pfm, .png or .npy `path` (an .npz is an archive: use write_depth_map), for
// callers that publish many files at once. UsageError for other extensions.
std::string encode_depth_map(const std::filesystem::path& path, const cv::Mat& map,
                             const DepthMapWriteOptions& options = {});

}  // namespace depthstyle
