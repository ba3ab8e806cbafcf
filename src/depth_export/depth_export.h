// Depth maps of many images written as files, with one estimator built once: the work of `depthstyle depth`, which
// gives what MiDaS's run.py and monodepth2's test_simple.py give their users (docs/depth-models.md#the-depth-command).
//
// Per input image with file stem S, in the output folder:
//   S.pfm | S.npy | S.png   the map, in the chosen format (below)
//   S_preview.png           with `preview`: a picture of the map (8-bit RGB, turbo colour map; see below)
//   S.json                  the sidecar: the estimator's description (model, weight files with sha256, meaning,
//                           preprocessing), the input (path, sha256, width x height), the map (file, format, width x
//                           height, meaning, range of its finite values, count of unknown pixels), the seconds taken
//
// Formats (the map is the estimator's, at the size it returns: the input's size for every registry type unless a
// preprocessing sets output_size: model; its meaning, depth or proximity, is the sidecar's map.meaning):
//   pfm    float32, the values exactly as returned (NaN = unknown), written byte-for-byte as MiDaS's write_pfm
//          writes them (io/depth_map.h: little-endian, scale -1, bottom row first)
//   npy    float32, the same values, NumPy format 1.0
//   png16  16-bit one-channel PNG of the values normalised min..max to 0..65535 as MiDaS's write_depth(bits=2) does
//          (png16_levels below); the sidecar's map.png16 gives the min and max that 0 and 65535 stand for
// The preview colours the map's proximity form (depth/depth_prediction.h: bigger = nearer, whatever the estimator's
// meaning) normalised min..max with OpenCV's turbo colour map (report/depth_preview.h): near is red, far is blue,
// unknown pixels grey.
//
// The sidecar is written last and every file atomically, so an image whose sidecar exists has all its outputs.
#pragma once

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "core/batch_outcome.h"
#include "depth/depth_estimator.h"

namespace depthstyle {

enum class DepthExportFormat { kPfm, kNpy, kPng16 };
std::string to_string(DepthExportFormat format);  // "pfm", "npy", "png16"
const std::vector<std::string>& depth_export_format_names();
// Throws UsageError listing the names for an unknown one.
DepthExportFormat depth_export_format_from_string(const std::string& name);
// ".pfm", ".npy", ".png".
std::string file_extension(DepthExportFormat format);

struct DepthExportOptions {
  std::filesystem::path output_dir;
  DepthExportFormat format = DepthExportFormat::kPfm;
  bool preview = false;
  // Replace existing outputs; without it an image whose outputs all exist is skipped.
  bool overwrite = false;
};

// The files written for one input. `preview` is empty without options.preview.
struct DepthExportFiles {
  std::filesystem::path map;
  std::filesystem::path preview;
  std::filesystem::path sidecar;
};
DepthExportFiles depth_export_files(const std::filesystem::path& input, const DepthExportOptions& options);

// MiDaS's write_depth(path, depth, grayscale=True, bits=2) (utils.py) in float32 as NumPy computes it: non-finite
// values become 0 first; then, if max - min exceeds float64's epsilon, level = trunc(65535 * (v - min) / (max - min)),
// else every level is 0. Returns the levels as CV_32FC1 whole numbers in [0, 65535]; `min` and `max` receive the
// values that 0 and 65535 stand for.
cv::Mat png16_levels(const cv::Mat& map, float& min, float& max);

// `files` without those inside `folder` (compared as weakly canonical paths), e.g. the previews and PNG maps of an
// earlier run that a recursive folder input or a glob would take as images again; `ignored` receives their count.
std::vector<std::filesystem::path> files_outside(const std::vector<std::filesystem::path>& files,
                                                 const std::filesystem::path& folder, std::size_t& ignored);

// Writes the outputs of one image and returns its sidecar. Throws InputError naming the image if it cannot be read,
// and whatever the estimator throws for it.
nlohmann::json export_depth_map(DepthEstimator& estimator, const std::filesystem::path& input,
                                const DepthExportOptions& options);

// Every input in order, under one progress bar labelled `label`: an input whose stem an earlier input already
// claimed fails (its outputs would overwrite that one's), one whose outputs all exist is skipped unless
// options.overwrite, and one that fails is recorded with its reason while the rest go on. Stops with Interrupted
// between images on SIGINT/SIGTERM. The caller prints the outcome's summary.
BatchOutcome export_depth_maps(DepthEstimator& estimator, const std::vector<std::filesystem::path>& inputs,
                               const DepthExportOptions& options, const std::string& label = "depth");

}  // namespace depthstyle
