// Images in depthstyle: RGB float32 in [0,1], HxWx3 (CV_32FC3), channels in R,G,B order. Every file format OpenCV
// reads is accepted except DICOM (its decoder can abort the process: decode_image_as_stored); grayscale, alpha,
// 16-bit and EXIF orientation are resolved here, at the boundary.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace depthstyle {

// Decoded pixels (width x height) one image may have. A PNG of 20000 x 20000 pixels of one colour is 1.1 MB on disk
// and needed 10.7 GB of memory to stylize; 2^28 pixels (16384 x 16384) decode to at most 3 GiB as float RGB.
// PNG, JPEG and PFM files are checked from their header, before anything is decoded; other formats after decoding,
// under OpenCV's own cap of 2^30 pixels. The environment variable DEPTHSTYLE_MAX_IMAGE_PIXELS (a whole number >= 1)
// replaces the default.
constexpr std::int64_t kDefaultMaxImagePixels = std::int64_t{1} << 28;
std::int64_t max_image_pixels();

struct Image {
  cv::Mat rgb;    // CV_32FC3, RGB in [0,1]; transparent pixels composited over white
  cv::Mat alpha;  // CV_32FC1 in [0,1], empty if the file has no alpha channel
};

// Grayscale becomes three equal channels; 8-bit values are divided by 255, 16-bit by 65535, float files (PFM, EXR)
// are clipped to [0,1]; a JPEG's EXIF orientation is applied. Throws InputError naming the file if it is missing,
// empty, truncated, corrupt or not an image.
Image load_image(const std::filesystem::path& path);

// The extensions (lower case, with the dot) that batch commands take from folders as images: formats OpenCV 4.6
// decodes that hold photographs (.png .jpg .jpeg .bmp .tif .tiff .webp .ppm .pgm). Files named explicitly are read
// whatever their extension.
const std::vector<std::string>& image_file_extensions();

// Decodes image file bytes exactly as stored (any bit depth and channel count, BGR order, no orientation applied);
// an empty Mat if OpenCV cannot decode them. Throws InputError naming `source` and the limit for an image of more
// than max_image_pixels() pixels, naming `source` and the fault for a malformed PFM (read by io/pfm.h), and naming
// `source` for a DICOM file, which is never handed to OpenCV (GDCM, its DICOM decoder, aborts on malformed ones).
cv::Mat decode_image_as_stored(const std::string& bytes, const std::string& source);

// Scales so that the smaller side is `side` pixels, keeping the aspect ratio; 0 keeps the size. Shrinking averages
// the covered pixels (area interpolation, free of aliasing); enlarging is bilinear, which cannot overshoot [0,1].
cv::Mat resize_to_smaller_side(const cv::Mat& image, int side);

// The centred width x height window; throws UsageError if it does not fit.
cv::Mat center_crop(const cv::Mat& image, int width, int height);

struct ImageSaveOptions {
  int jpeg_quality = 95;   // 0..100 (libjpeg's scale); ignored for PNG
  bool png_16bit = false;  // PNG only: 16 bits per channel instead of 8
  cv::Mat alpha;           // CV_32FC1 in [0,1], the image's size; PNG only; empty = opaque
};

// Writes an RGB float image (or a CV_32FC1 gray one) as PNG or JPEG, chosen by the extension (.png, .jpg, .jpeg;
// anything else is a UsageError). Values are clamped to [0,1] and rounded to the nearest step. The file appears
// atomically.
void save_image(const std::filesystem::path& path, const cv::Mat& rgb, const ImageSaveOptions& options = {});
// The bytes save_image writes to `path`, for callers that publish many files at once (e.g. a whole folder renamed
// into place) instead of one synced file at a time.
std::string encode_image(const std::filesystem::path& path, const cv::Mat& rgb, const ImageSaveOptions& options = {});

}  // namespace depthstyle
