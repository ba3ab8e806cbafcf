#include "io/depth_map.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "io/image.h"
#include "io/npy.h"
#include "io/pfm.h"
#include "io/zip_archive.h"

namespace depthstyle {
namespace {

cv::Mat read_pfm(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  const PfmHeader header = parse_pfm_header(bytes, path.string());
  if (header.channels != 1) {
    throw InputError(concat(path.string(), ": colour PFM (PF); expected a single-channel depth map (Pf)"));
  }
  return decode_pfm(bytes, header, path.string());
}

void check_png_scale(const std::filesystem::path& path, double png_scale) {
  if (!(png_scale > 0) || !std::isfinite(png_scale)) {
    throw UsageError(concat(path.string(), ": png_scale must be a positive number, got ", png_scale));
  }
}

cv::Mat read_png(const std::filesystem::path& path, double png_scale) {
  check_png_scale(path, png_scale);
  const cv::Mat stored = decode_image_as_stored(read_file(path), path.string());
  if (stored.empty()) throw InputError(concat(path.string(), ": not a PNG image OpenCV can decode"));
  if (stored.channels() != 1 || (stored.depth() != CV_8U && stored.depth() != CV_16U)) {
    throw InputError(concat(path.string(), ": a depth PNG must have one 8- or 16-bit channel, this one has ",
                            stored.channels(), " channel(s) of OpenCV depth code ", stored.depth()));
  }
  cv::Mat map;
  stored.convertTo(map, CV_32F, 1.0 / png_scale);
  return map;
}

std::string serialize_png16(const std::filesystem::path& path, const cv::Mat& map, double png_scale) {
  check_png_scale(path, png_scale);
  cv::Mat scaled = map * png_scale;
  cv::patchNaNs(scaled, 0);
  // Clamp before converting: convertTo turns anything beyond the int range (1e10, inf) into 0, not 65535.
  scaled = cv::min(cv::max(scaled, 0.0), 65535.0);
  cv::Mat stored;
  scaled.convertTo(stored, CV_16U);  // rounds to nearest
  std::vector<unsigned char> encoded;
  if (!cv::imencode(".png", stored, encoded)) throw Error(concat(path.string(), ": OpenCV could not encode the PNG"));
  return std::string(reinterpret_cast<const char*>(encoded.data()), encoded.size());
}

cv::Mat read_npz(const std::filesystem::path& path, const std::string& key) {
  ZipReader archive(path);
  std::vector<std::string> keys;
  for (const ZipEntry& entry : archive.entries()) {
    const std::string name = entry.name;
    keys.push_back(name.size() > 4 && name.substr(name.size() - 4) == ".npy" ? name.substr(0, name.size() - 4) : name);
  }
  std::string chosen = key;
  if (chosen.empty()) {
    if (keys.size() != 1) {
      throw InputError(concat(path.string(), ": holds ", keys.size(), " arrays (", join(keys, ", "),
                              "); name one with npz_key"));
    }
    chosen = keys.front();
  }
  const ZipEntry* entry = archive.find(chosen + ".npy");
  if (!entry) {
    throw InputError(concat(path.string(), ": no array '", chosen, "' (arrays: ", join(keys, ", "), ")",
                            did_you_mean(chosen, keys)));
  }
  return parse_npy(archive.read(*entry), concat(path.string(), "[", chosen, "]"));
}

}  // namespace

cv::Mat read_depth_map(const std::filesystem::path& path, const DepthMapReadOptions& options) {
  const std::string extension = lowercase_extension(path);
  if (extension == ".pfm") return read_pfm(path);
  if (extension == ".png") return read_png(path, options.png_scale);
  if (extension == ".npy") return parse_npy(read_file(path), path.string());
  if (extension == ".npz") return read_npz(path, options.npz_key);
  throw InputError(concat(path.string(), ": unknown depth map format '", extension,
                          "'; expected .pfm, .png, .npy or .npz"));
}

void write_depth_map(const std::filesystem::path& path, const cv::Mat& map, const DepthMapWriteOptions& options) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  if (lowercase_extension(path) == ".npz") {
    ZipWriter archive(path);
    archive.add(options.npz_key + ".npy", serialize_npy(map));
    archive.finish();
    return;
  }
  write_file_atomically(path, encode_depth_map(path, map, options));
}

std::string encode_depth_map(const std::filesystem::path& path, const cv::Mat& map,
                             const DepthMapWriteOptions& options) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  const std::string extension = lowercase_extension(path);
  if (extension == ".pfm") return encode_pfm(map);
  if (extension == ".png") return serialize_png16(path, map, options.png_scale);
  if (extension == ".npy") return serialize_npy(map);
  throw UsageError(concat(path.string(), ": cannot write a depth map as '", extension, "'; use .pfm, .png, .npy",
                          extension == ".npz" ? " (or write_depth_map for .npz)" : " or .npz"));
}

}  // namespace depthstyle
