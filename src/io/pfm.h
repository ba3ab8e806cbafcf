// PFM (Portable Float Map), as MiDaS, OpenCV and Netpbm write it: a text header of "Pf" (one channel) or "PF" (three,
// in R,G,B order), the width, the height and a scale, separated by whitespace; exactly one whitespace byte; then the
// float32 samples row by row, the bottom row first. The scale's sign is the byte order (negative: little-endian);
// its magnitude is a unit that some readers divide by (OpenCV does, MiDaS does not).
//
// Read here rather than by OpenCV: OpenCV 4.6 decodes PFM bytes from a temporary file, which it leaves behind in
// /tmp whenever the header states a size it then refuses (one file per such input; the fuzz runs left thousands).
#pragma once

#include <opencv2/core.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace depthstyle {

struct PfmHeader {
  int channels = 0;  // 1 (Pf) or 3 (PF)
  int width = 0;     // > 0
  int height = 0;    // > 0
  double scale = 0;  // finite, non-zero
  std::size_t data_offset = 0;  // where the samples start
};

// True if `bytes` start with "Pf" or "PF" and a whitespace byte: a PFM file, well-formed or not.
bool starts_like_pfm(std::string_view bytes);

// Throws InputError "<source>: ..." saying what is wrong with a malformed header. Nothing past it is read.
PfmHeader parse_pfm_header(std::string_view bytes, const std::string& source);

// The samples as stored: CV_32FC1 or CV_32FC3 (R,G,B), top row first, in host byte order, the scale not applied.
// Throws InputError naming `source` unless exactly width x height x channels samples follow the header (more bytes
// than that means the header was misread, e.g. "\r\n" line ends).
cv::Mat decode_pfm(std::string_view bytes, const PfmHeader& header, const std::string& source);

// A CV_32FC1 map as MiDaS's write_pfm writes it: "Pf\n", "W H\n", "-1.000000\n", little-endian, bottom row first.
std::string encode_pfm(const cv::Mat& map);

}  // namespace depthstyle
