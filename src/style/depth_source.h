// Where the depth of a content image comes from for the strength map, and the cache that computes it once.
//
//   map file   a precomputed map (PFM, PNG 8/16-bit, NPY, NPZ; io/depth_map.h) with its declared meaning (depth or
//              proximity) and optionally a stored value that marks unknown pixels (Middlebury's aloeGT.png: 0).
//              NaN and +-inf are always unknown.
//   estimator  any estimator of the registry (depth/depth_estimator.h), run on the ORIGINAL content image (before
//              content_size / crop), so one map serves every content size; style/image_sizing.h then brings it to
//              the sized content.
//
// The cache keeps one estimator map per (content, estimator) in a folder of the run:
//   <dir>/<content>.<estimator>.npy   the map as the estimator returned it (float32, NaN = unknown)
//   <dir>/<content>.<estimator>.json  its meaning and provenance (estimator description, content sha256)
// The .json is written after the .npy, both atomically, so a killed run leaves no record without its map. A record
// whose provenance differs from the current one (another model file, a changed image) is recomputed.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>

#include "depth/depth_estimator.h"
#include "depth/depth_prediction.h"
#include "io/depth_map.h"
#include "io/image.h"

namespace depthstyle {

struct DepthMapFile {
  std::filesystem::path path;
  DepthMeaning meaning = DepthMeaning::kProximity;
  // True if a stored 0 means "unknown" (Middlebury 8-bit disparity).
  bool zero_is_unknown = false;
  DepthMapReadOptions read;
};

// The map with every unknown pixel NaN. Throws InputError naming the file.
DepthPrediction read_depth_map_file(const DepthMapFile& file);
// Path, sha256, meaning and unknown marker, for manifests.
nlohmann::json describe_depth_map_file(const DepthMapFile& file);

// Runs `estimator` on an image loaded from `path` (pixels passed only if the estimator needs them).
DepthPrediction estimate_depth(DepthEstimator& estimator, const std::filesystem::path& path, const Image& image);

class DepthMapCache {
 public:
  explicit DepthMapCache(std::filesystem::path dir);

  // The stored map of (content, source) if its provenance equals `provenance`, else compute(), stored first.
  // `content` and `source` must be usable in file names (letters, digits, '-', '_', '.'). `reused` (optional)
  // tells which happened.
  DepthPrediction get_or_compute(const std::string& content, const std::string& source,
                                 const nlohmann::json& provenance, const std::function<DepthPrediction()>& compute,
                                 bool* reused = nullptr);

 private:
  std::filesystem::path dir_;
};

}  // namespace depthstyle
