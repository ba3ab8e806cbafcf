#include "io/jpeg_segments.h"

#include <cstddef>

#include "io/byte_order.h"

namespace depthstyle {
namespace {

constexpr unsigned char kStartOfScan = 0xDA;
constexpr unsigned char kEndOfImage = 0xD9;

bool is_restart_marker(unsigned char marker) { return marker >= 0xD0 && marker <= 0xD7; }

// Markers that stand alone, without a length and payload.
bool has_no_payload(unsigned char marker) { return is_restart_marker(marker) || marker == 0x01; }

// The position of the 0xFF that starts the marker ending the compressed data at `position`, or npos.
std::size_t end_of_scan_data(std::string_view file, std::size_t position) {
  while (true) {
    const std::size_t candidate = file.find('\xFF', position);
    if (candidate == std::string_view::npos || candidate + 1 >= file.size()) return std::string_view::npos;
    const auto next = static_cast<unsigned char>(file[candidate + 1]);
    // 0xFF00 is a stuffed data byte, restart markers separate chunks of the same scan, and 0xFF 0xFF is fill.
    if (next == 0x00 || is_restart_marker(next)) {
      position = candidate + 2;
    } else if (next == 0xFF) {
      position = candidate + 1;
    } else {
      return candidate;
    }
  }
}

}  // namespace

bool is_jpeg(std::string_view file_bytes) {
  return file_bytes.size() >= 3 && file_bytes.substr(0, 3) == "\xFF\xD8\xFF";
}

JpegLayout parse_jpeg_layout(std::string_view file) {
  JpegLayout layout;
  if (!is_jpeg(file)) return layout;
  const auto* bytes = reinterpret_cast<const unsigned char*>(file.data());
  bool before_first_scan = true;
  std::size_t position = 2;  // after the start-of-image marker
  while (position < file.size() && bytes[position] == 0xFF) {
    while (position < file.size() && bytes[position] == 0xFF) ++position;  // any fill bytes before the marker
    if (position == file.size()) break;
    const unsigned char marker = bytes[position++];
    if (marker == kEndOfImage) {
      layout.complete = true;
      break;
    }
    if (has_no_payload(marker)) continue;
    if (position + 2 > file.size()) break;
    const std::size_t length = read_unsigned(bytes + position, 2, ByteOrder::kBig);
    if (length < 2 || position + length > file.size()) break;
    const std::string_view payload = file.substr(position + 2, length - 2);
    position += length;
    if (marker != kStartOfScan) {
      if (before_first_scan) layout.header_segments.push_back({marker, payload});
      continue;
    }
    before_first_scan = false;
    position = end_of_scan_data(file, position);
    if (position == std::string_view::npos) break;
  }
  return layout;
}

}  // namespace depthstyle
