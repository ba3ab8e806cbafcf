// Pictures inside a self-contained HTML page: data: URIs, so the page makes no request to show them and can be
// mailed or archived as one file. Raster pictures are shrunk (area averaging) so the longer side is at most
// `max_side` px and stored as JPEG (quality 90: figure sheets are photos with captions, 5-10x smaller than PNG at
// no visible loss); SVG files are embedded byte for byte.
#pragma once

#include <filesystem>
#include <string>

namespace depthstyle {

// Throws InputError naming the file if it is missing or not an image.
std::string embedded_image_uri(const std::filesystem::path& file, int max_side);

}  // namespace depthstyle
