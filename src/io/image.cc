#include "io/image.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "io/byte_order.h"
#include "io/exif.h"
#include "io/jpeg_segments.h"
#include "io/pfm.h"

namespace depthstyle {
namespace {

cv::Mat oriented(const cv::Mat& image, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(image, out, 1); break;
    case 3: cv::rotate(image, out, cv::ROTATE_180); break;
    case 4: cv::flip(image, out, 0); break;
    case 5: cv::transpose(image, out); break;
    case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: cv::transpose(image, out); cv::flip(out, out, -1); break;
    case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = image;
  }
  return out;
}

// Width and height as a PNG's IHDR or a JPEG's start-of-frame segment states them, read without decoding (OpenCV
// 4.6 has no header-only API); nothing for other formats or a header too short to say.
std::optional<std::pair<std::int64_t, std::int64_t>> stated_size(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  // PNG: signature, then the IHDR chunk (length, "IHDR", big-endian width and height).
  if (bytes.size() >= 24 && bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n" && bytes.substr(12, 4) == "IHDR") {
    return std::make_pair(static_cast<std::int64_t>(read_unsigned(data + 16, 4, ByteOrder::kBig)),
                          static_cast<std::int64_t>(read_unsigned(data + 20, 4, ByteOrder::kBig)));
  }
  if (!is_jpeg(bytes)) return std::nullopt;
  for (const JpegSegment& segment : parse_jpeg_layout(bytes).header_segments) {
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
    const unsigned char marker = segment.marker;
    if (marker < 0xC0 || marker > 0xCF || marker == 0xC4 || marker == 0xC8 || marker == 0xCC) continue;
    if (segment.payload.size() < 5) return std::nullopt;
    const auto* frame = reinterpret_cast<const unsigned char*>(segment.payload.data());
    return std::make_pair(static_cast<std::int64_t>(read_unsigned(frame + 3, 2, ByteOrder::kBig)),
                          static_cast<std::int64_t>(read_unsigned(frame + 1, 2, ByteOrder::kBig)));
  }
  return std::nullopt;
}

void check_pixel_count(std::int64_t width, std::int64_t height, const std::string& source) {
  const std::int64_t limit = max_image_pixels();
  // Each side is in [0, 2^32), so the product fits an unsigned 64-bit integer, not a signed one: two sides of
  // 3263299585 used to overflow into a negative count that passed (found by fuzzing: tests/fuzz).
  const std::uint64_t pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (pixels <= static_cast<std::uint64_t>(limit)) return;
  throw InputError(concat(source, ": ", width, " x ", height, " = ", pixels,
                          " pixels is more than the limit of ", limit,
                          " pixels per image (set DEPTHSTYLE_MAX_IMAGE_PIXELS to change it)"));
}

// A PFM's samples as OpenCV 4.6's decoder returns them (colour in B,G,R order, every value divided by the scale's
// magnitude), read without OpenCV's temporary file (io/pfm.h says why).
cv::Mat decode_pfm_as_opencv_does(const std::string& bytes, const std::string& source) {
  const PfmHeader header = parse_pfm_header(bytes, source);
  check_pixel_count(header.width, header.height, source);
  cv::Mat samples = decode_pfm(bytes, header, source);
  if (samples.channels() == 3) cv::cvtColor(samples, samples, cv::COLOR_RGB2BGR);
  if (std::fabs(header.scale) != 1) samples *= 1 / std::fabs(header.scale);
  return samples;
}

// A DICOM file: 128 bytes of preamble, then "DICM" (the signature OpenCV's DICOM decoder claims files by).
bool is_dicom(std::string_view bytes) { return bytes.size() >= 132 && bytes.substr(128, 4) == "DICM"; }

}  // namespace

std::int64_t max_image_pixels() {
  static const std::int64_t limit = [] {
    const char* text = std::getenv("DEPTHSTYLE_MAX_IMAGE_PIXELS");
    if (!text || !*text) return kDefaultMaxImagePixels;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text, text + std::strlen(text), value);
    if (error != std::errc() || *end != '\0' || value < 1) {
      throw UsageError(concat("DEPTHSTYLE_MAX_IMAGE_PIXELS='", excerpt(text), "' is not a whole number >= 1"));
    }
    return value;
  }();
  return limit;
}

cv::Mat decode_image_as_stored(const std::string& bytes, const std::string& source) {
  if (bytes.empty()) return {};
  if (const auto size = stated_size(bytes)) check_pixel_count(size->first, size->second, source);
  if (starts_like_pfm(bytes)) return decode_pfm_as_opencv_does(bytes, source);
  // OpenCV hands DICOM to GDCM, whose assertions abort the whole process on a malformed file instead of reporting it
  // (found by fuzzing: tests/fuzz); no depth or style model takes medical scans, so none reaches it.
  if (is_dicom(bytes)) {
    throw InputError(concat(source, ": a DICOM file (medical imaging), which depthstyle does not read; convert it to "
                                    "PNG or TIFF first"));
  }
  cv::Mat decoded;
  try {
    // imdecode only reads the buffer; the const_cast satisfies cv::Mat's constructor.
    decoded = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data())),
                           cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    return {};
  }
  // Formats without a header check here are bounded by OpenCV's own cap while decoding; hold them to ours too.
  check_pixel_count(decoded.cols, decoded.rows, source);
  return decoded;
}

Image load_image(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  const auto fail = [&](const std::string& what) { return InputError(path.string() + ": " + what); };
  if (bytes.empty()) throw fail("empty file, expected an image");
  if (is_jpeg(bytes) && !parse_jpeg_layout(bytes).complete) {
    throw fail("truncated or corrupt JPEG (its segments do not run to an end-of-image marker)");
  }

  const cv::Mat decoded = decode_image_as_stored(bytes, path.string());
  if (decoded.empty()) throw fail("not an image OpenCV can decode (corrupt, truncated, or another kind of file)");

  double scale = 1.0;
  switch (decoded.depth()) {
    case CV_8U: scale = 1.0 / 255.0; break;
    case CV_16U: scale = 1.0 / 65535.0; break;
    case CV_32F: break;
    default: throw fail(concat("unsupported pixel depth (OpenCV depth code ", decoded.depth(), ")"));
  }
  cv::Mat values;
  decoded.convertTo(values, CV_32F, scale);
  // Float files (PFM, EXR, HDR) may hold values above 1; everything after this boundary relies on [0,1].
  if (decoded.depth() == CV_32F) values = cv::min(cv::max(values, 0.0), 1.0);

  Image image;
  switch (values.channels()) {
    case 1: cv::cvtColor(values, image.rgb, cv::COLOR_GRAY2RGB); break;
    case 2: {
      cv::Mat planes[2];
      cv::split(values, planes);
      cv::cvtColor(planes[0], image.rgb, cv::COLOR_GRAY2RGB);
      image.alpha = planes[1];
      break;
    }
    case 3: cv::cvtColor(values, image.rgb, cv::COLOR_BGR2RGB); break;
    case 4:
      cv::cvtColor(values, image.rgb, cv::COLOR_BGRA2RGB);
      cv::extractChannel(values, image.alpha, 3);
      break;
    default: throw fail(concat("unsupported channel count ", values.channels()));
  }
  if (!image.alpha.empty()) {
    // Colours under transparent pixels are arbitrary (often black); compositing over white shows the image as a
    // viewer on a white page does, instead of feeding those arbitrary colours to the networks.
    cv::Mat alpha3;
    cv::cvtColor(image.alpha, alpha3, cv::COLOR_GRAY2RGB);
    image.rgb = image.rgb.mul(alpha3) + (cv::Scalar::all(1.0) - alpha3);
  }
  if (is_jpeg(bytes)) {
    const int orientation = jpeg_exif_orientation(bytes);
    image.rgb = oriented(image.rgb, orientation);
    if (!image.alpha.empty()) image.alpha = oriented(image.alpha, orientation);
  }
  return image;
}

const std::vector<std::string>& image_file_extensions() {
  static const std::vector<std::string> extensions = {".png",  ".jpg",  ".jpeg", ".bmp", ".tif",
                                                      ".tiff", ".webp", ".ppm",  ".pgm"};
  return extensions;
}

cv::Mat resize_to_smaller_side(const cv::Mat& image, int side) {
  if (side < 0) throw UsageError(concat("resize: smaller side must be >= 0 (0 = keep), got ", side));
  const int smaller = std::min(image.rows, image.cols);
  if (side == 0 || side == smaller) return image;
  const double scale = static_cast<double>(side) / smaller;
  const double width = std::max(1.0, std::round(image.cols * scale));
  const double height = std::max(1.0, std::round(image.rows * scale));
  // Enlarging a thin image can ask for far more pixels than any file held (1 x 1000 at side 16384).
  if (width * height > static_cast<double>(max_image_pixels())) {
    throw UsageError(concat("resizing a ", image.cols, " x ", image.rows, " image to smaller side ", side, " gives ",
                            format_number(width), " x ", format_number(height), " pixels, more than the limit of ",
                            max_image_pixels(), " pixels per image"));
  }
  const cv::Size size(static_cast<int>(width), static_cast<int>(height));
  cv::Mat resized;
  cv::resize(image, resized, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return resized;
}

cv::Mat center_crop(const cv::Mat& image, int width, int height) {
  if (width <= 0 || height <= 0 || width > image.cols || height > image.rows) {
    throw UsageError(concat("center crop ", width, "x", height, " does not fit an image of ", image.cols, "x",
                            image.rows));
  }
  return image(cv::Rect((image.cols - width) / 2, (image.rows - height) / 2, width, height)).clone();
}

void save_image(const std::filesystem::path& path, const cv::Mat& rgb, const ImageSaveOptions& options) {
  write_file_atomically(path, encode_image(path, rgb, options));
}

std::string encode_image(const std::filesystem::path& path, const cv::Mat& rgb, const ImageSaveOptions& options) {
  const std::string extension = lowercase_extension(path);
  const bool png = extension == ".png";
  if (!png && extension != ".jpg" && extension != ".jpeg") {
    throw UsageError(concat(path.string(), ": cannot save an image as '", extension, "'; use .png, .jpg or .jpeg"));
  }
  if (!png && (options.png_16bit || !options.alpha.empty())) {
    throw UsageError(concat(path.string(), ": JPEG holds neither 16-bit values nor alpha; use .png"));
  }
  if (options.jpeg_quality < 0 || options.jpeg_quality > 100) {
    throw UsageError(concat(path.string(), ": JPEG quality must be in 0..100, got ", options.jpeg_quality));
  }
  DEPTHSTYLE_ASSERT(rgb.depth() == CV_32F && (rgb.channels() == 3 || rgb.channels() == 1));
  DEPTHSTYLE_ASSERT(options.alpha.empty() || (options.alpha.type() == CV_32FC1 && options.alpha.size() == rgb.size()));

  cv::Mat channels;  // in OpenCV's order: B,G,R[,A], or a single gray channel
  if (!options.alpha.empty()) {
    cv::cvtColor(rgb, channels, rgb.channels() == 3 ? cv::COLOR_RGB2BGRA : cv::COLOR_GRAY2BGRA);
    cv::insertChannel(options.alpha, channels, 3);
  } else if (rgb.channels() == 3) {
    cv::cvtColor(rgb, channels, cv::COLOR_RGB2BGR);
  } else {
    channels = rgb;
  }
  cv::Mat clamped = cv::min(cv::max(channels, 0.0), 1.0);
  const bool wide = png && options.png_16bit;
  cv::Mat quantized;
  clamped.convertTo(quantized, wide ? CV_16U : CV_8U, wide ? 65535.0 : 255.0);  // convertTo rounds to nearest

  std::vector<int> parameters;
  if (!png) parameters = {cv::IMWRITE_JPEG_QUALITY, options.jpeg_quality};
  std::vector<unsigned char> encoded;
  if (!cv::imencode(png ? ".png" : ".jpg", quantized, encoded, parameters)) {
    throw Error(concat(path.string(), ": OpenCV could not encode the image"));
  }
  return std::string(reinterpret_cast<const char*>(encoded.data()), encoded.size());
}

}  // namespace depthstyle
