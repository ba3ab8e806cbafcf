#include "io/exif.h"

#include <cstdint>

#include "io/byte_order.h"
#include "io/jpeg_segments.h"

namespace depthstyle {
namespace {

constexpr unsigned char kApp1Marker = 0xE1;
constexpr std::uint16_t kOrientationTag = 0x0112;

int orientation_from_tiff(std::string_view tiff) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(tiff.data());
  if (tiff.size() < 8) return 1;
  ByteOrder order;
  if (tiff.substr(0, 2) == "II") order = ByteOrder::kLittle;
  else if (tiff.substr(0, 2) == "MM") order = ByteOrder::kBig;
  else return 1;
  if (read_unsigned(bytes + 2, 2, order) != 42) return 1;
  const std::uint64_t ifd = read_unsigned(bytes + 4, 4, order);
  if (ifd + 2 > tiff.size()) return 1;
  const std::uint64_t entries = read_unsigned(bytes + ifd, 2, order);
  for (std::uint64_t i = 0; i < entries; ++i) {
    const std::uint64_t entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.size()) return 1;
    if (read_unsigned(bytes + entry, 2, order) != kOrientationTag) continue;
    // Type SHORT, count 1: the value sits in the first two bytes of the value field.
    const std::uint64_t value = read_unsigned(bytes + entry + 8, 2, order);
    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return 1;
}

}  // namespace

int jpeg_exif_orientation(std::string_view file_bytes) {
  for (const JpegSegment& segment : parse_jpeg_layout(file_bytes).header_segments) {
    if (segment.marker == kApp1Marker && segment.payload.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
      return orientation_from_tiff(segment.payload.substr(6));
    }
  }
  return 1;
}

}  // namespace depthstyle
