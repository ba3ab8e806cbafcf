#include "io/image_files.h"

namespace depthstyle {

const std::vector<std::string>& image_file_extensions() {
  static const std::vector<std::string> extensions = {".png", ".jpg",  ".jpeg", ".bmp", ".tif",
                                                      ".tiff", ".webp", ".ppm",  ".pgm", ".pnm"};
  return extensions;
}

}  // namespace depthstyle
