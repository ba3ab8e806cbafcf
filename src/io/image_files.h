// Which files are pictures: the extensions a folder or glob argument of a batch command (core/input_files.h) picks up
// as images. Every one of them is a format Debian's OpenCV (imgcodecs) decodes and load_image (io/image.h) accepts;
// a file named explicitly is tried whatever its extension.
#pragma once

#include <string>
#include <vector>

namespace depthstyle {

// Lower-case, with the dot: .png .jpg .jpeg .bmp .tif .tiff .webp .ppm .pgm .pnm
const std::vector<std::string>& image_file_extensions();

}  // namespace depthstyle
