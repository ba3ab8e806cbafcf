#include "report/embedded_image.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "core/atomic_file.h"
#include "core/base64.h"
#include "core/error.h"
#include "core/text.h"
#include "io/image.h"

namespace depthstyle {

std::string embedded_image_uri(const std::filesystem::path& file, int max_side) {
  DEPTHSTYLE_ASSERT(max_side > 0);
  if (lowercase_extension(file) == ".svg") {
    if (!std::filesystem::is_regular_file(file)) throw InputError(concat(file.string(), ": SVG file not found"));
    return "data:image/svg+xml;base64," + base64_encode(read_file(file));
  }
  cv::Mat rgb = load_image(file).rgb;
  const int longer = std::max(rgb.cols, rgb.rows);
  if (longer > max_side) {
    const double scale = static_cast<double>(max_side) / longer;
    const cv::Size size(std::max(1, static_cast<int>(std::lround(rgb.cols * scale))),
                        std::max(1, static_cast<int>(std::lround(rgb.rows * scale))));
    cv::Mat shrunk;
    cv::resize(rgb, shrunk, size, 0, 0, cv::INTER_AREA);
    rgb = shrunk;
  }
  ImageSaveOptions jpeg;
  jpeg.jpeg_quality = 90;
  return "data:image/jpeg;base64," + base64_encode(encode_image("embedded.jpg", rgb, jpeg));
}

}  // namespace depthstyle
