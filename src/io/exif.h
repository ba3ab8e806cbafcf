// The EXIF orientation of a JPEG file (tag 0x0112 in IFD0 of the APP1 "Exif" segment). OpenCV applies it only when
// it also drops alpha and 16-bit depth, so depthstyle reads images unchanged and applies the orientation itself.
#pragma once

#include <string_view>

namespace depthstyle {

// 1..8 as defined by EXIF (1 = as stored, 6 = rotate 90° clockwise to display, ...); 1 when the bytes are not a
// JPEG, have no EXIF block, or the block is malformed (a wrong orientation is better than refusing the image).
int jpeg_exif_orientation(std::string_view file_bytes);

}  // namespace depthstyle
