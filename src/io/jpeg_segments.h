// The marker structure of a JPEG file, for the two things OpenCV does not tell us: the EXIF block (io/exif.h) and
// whether the file is complete. A JPEG is a sequence of segments, each 0xFF, a marker byte and (for most markers) a
// big-endian 2-byte length counting itself and the payload; compressed image data follows each start-of-scan
// segment and runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
#pragma once

#include <string_view>
#include <vector>

namespace depthstyle {

struct JpegSegment {
  unsigned char marker = 0;  // 0xE1 = APP1 (EXIF), 0xDB = quantisation tables, 0xC0 = baseline frame, ...
  std::string_view payload;  // a view into the file bytes, without marker and length
};

struct JpegLayout {
  // The segments before the first scan, in file order.
  std::vector<JpegSegment> header_segments;
  // Every segment and scan is whole and an end-of-image marker follows. libjpeg decodes a truncated file with only
  // a warning (the missing rows come out grey), so this is the only way to notice one. An EXIF thumbnail carries
  // its own end-of-image marker, which is why searching the bytes for one is not enough.
  bool complete = false;
};

bool is_jpeg(std::string_view file_bytes);

// Stops at the first malformed or missing byte (complete = false); a file that is not a JPEG gives an empty layout.
JpegLayout parse_jpeg_layout(std::string_view file_bytes);

}  // namespace depthstyle
