#include "depth_export/depth_export.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include "core/atomic_file.h"
#include "core/build_info.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/sha256.h"
#include "core/text.h"
#include "io/depth_map.h"
#include "io/image.h"
#include "report/depth_preview.h"
#include "style/depth_source.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;

struct FormatInfo {
  DepthExportFormat format;
  std::string name;
  std::string extension;
  // What the file holds, for the sidecar.
  std::string holds;
};

const std::vector<FormatInfo>& format_table() {
  static const std::vector<FormatInfo> table = {
      {DepthExportFormat::kPfm, "pfm", ".pfm",
       "float32 values as the estimator returned them, NaN = unknown (PFM as MiDaS's write_pfm writes it)"},
      {DepthExportFormat::kNpy, "npy", ".npy", "float32 values as the estimator returned them, NaN = unknown"},
      {DepthExportFormat::kPng16, "png16", ".png",
       "16-bit levels 0..65535 of the values normalised min..max as MiDaS's write_depth(bits=2); value ~= "
       "png16.min + level / 65535 * (png16.max - png16.min)"},
  };
  return table;
}

const FormatInfo& format_info(DepthExportFormat format) {
  for (const FormatInfo& info : format_table()) {
    if (info.format == format) return info;
  }
  DEPTHSTYLE_ASSERT(false);
  return format_table().front();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The map's fields of the sidecar that describe its values: the range of the finite ones (null if there is none)
// and how many are not finite (unknown).
nlohmann::json value_range(const cv::Mat& values) {
  float lowest = std::numeric_limits<float>::infinity();
  float highest = -lowest;
  std::int64_t unknown = 0;
  for (int row = 0; row < values.rows; ++row) {
    const float* line = values.ptr<float>(row);
    for (int col = 0; col < values.cols; ++col) {
      if (!std::isfinite(line[col])) {
        ++unknown;
        continue;
      }
      lowest = std::min(lowest, line[col]);
      highest = std::max(highest, line[col]);
    }
  }
  const bool any = lowest <= highest;
  return {{"min", any ? nlohmann::json(lowest) : nlohmann::json()},
          {"max", any ? nlohmann::json(highest) : nlohmann::json()},
          {"unknown_pixels", unknown}};
}

// Writes the map in `options.format` and returns its sidecar record.
nlohmann::json write_map(const DepthPrediction& prediction, const fs::path& path, DepthExportFormat format) {
  const FormatInfo& info = format_info(format);
  nlohmann::json record = {{"file", path.filename().string()},
                           {"format", info.name},
                           {"holds", info.holds},
                           {"width", prediction.values.cols},
                           {"height", prediction.values.rows},
                           {"meaning", to_string(prediction.meaning)},
                           {"values", value_range(prediction.values)}};
  if (format == DepthExportFormat::kPng16) {
    float min = 0, max = 0;
    write_depth_map(path, png16_levels(prediction.values, min, max));
    record["png16"] = {{"min", min}, {"max", max}};
  } else {
    write_depth_map(path, prediction.values);
  }
  return record;
}

nlohmann::json write_preview(const DepthPrediction& prediction, const fs::path& path) {
  save_image(path, colorize_depth(proximity_from_prediction(prediction)));
  return {{"file", path.filename().string()},
          {"colormap", "turbo (OpenCV)"},
          {"shows", "the map as proximity (bigger = nearer) normalised min..max: red = near, blue = far, grey = "
                    "unknown"}};
}

bool all_exist(const DepthExportFiles& files) {
  for (const fs::path& path : {files.map, files.preview, files.sidecar}) {
    std::error_code error;
    if (!path.empty() && !fs::exists(path, error)) return false;
  }
  return true;
}

}  // namespace

std::string to_string(DepthExportFormat format) { return format_info(format).name; }

const std::vector<std::string>& depth_export_format_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const FormatInfo& info : format_table()) list.push_back(info.name);
    return list;
  }();
  return names;
}

DepthExportFormat depth_export_format_from_string(const std::string& name) {
  for (const FormatInfo& info : format_table()) {
    if (info.name == name) return info.format;
  }
  throw UsageError(concat("unknown depth map format '", name, "'; expected one of ",
                          join(depth_export_format_names(), ", "), did_you_mean(name, depth_export_format_names())));
}

std::string file_extension(DepthExportFormat format) { return format_info(format).extension; }

DepthExportFiles depth_export_files(const fs::path& input, const DepthExportOptions& options) {
  const std::string stem = input.stem().string();
  DepthExportFiles files;
  files.map = options.output_dir / (stem + file_extension(options.format));
  if (options.preview) files.preview = options.output_dir / (stem + "_preview.png");
  files.sidecar = options.output_dir / (stem + ".json");
  return files;
}

cv::Mat png16_levels(const cv::Mat& map, float& min, float& max) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  cv::Mat values = map.clone();
  values.forEach<float>([](float& value, const int*) {
    if (!std::isfinite(value)) value = 0.0f;  // np.nan_to_num(nan=0.0, posinf=0.0, neginf=0.0)
  });
  double lowest = 0, highest = 0;
  cv::minMaxLoc(values, &lowest, &highest);
  min = static_cast<float>(lowest);
  max = static_cast<float>(highest);
  cv::Mat levels(values.size(), CV_32FC1, cv::Scalar(0));
  const float span = max - min;  // float32 - float32, as NumPy subtracts the two float32 scalars
  if (static_cast<double>(span) <= std::numeric_limits<double>::epsilon()) return levels;
  for (int row = 0; row < values.rows; ++row) {
    const float* in = values.ptr<float>(row);
    float* out = levels.ptr<float>(row);
    for (int col = 0; col < values.cols; ++col) {
      // 65535 * (depth - min) / (max - min) in float32, left to right, then astype("uint16") truncates.
      const float scaled = 65535.0f * (in[col] - min);
      out[col] = std::trunc(scaled / span);
    }
  }
  return levels;
}

std::vector<fs::path> files_outside(const std::vector<fs::path>& files, const fs::path& folder, std::size_t& ignored) {
  const fs::path root = fs::weakly_canonical(folder);
  std::vector<fs::path> kept;
  ignored = 0;
  for (const fs::path& file : files) {
    const fs::path resolved = fs::weakly_canonical(file);
    const bool inside = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end()).first == root.end();
    if (inside) {
      ++ignored;
    } else {
      kept.push_back(file);
    }
  }
  return kept;
}

nlohmann::json export_depth_map(DepthEstimator& estimator, const fs::path& input, const DepthExportOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const DepthExportFiles files = depth_export_files(input, options);
  const Image image = load_image(input);
  const auto estimate_start = std::chrono::steady_clock::now();
  const DepthPrediction prediction = estimate_depth(estimator, input, image);
  const double estimate_seconds = seconds_since(estimate_start);

  nlohmann::json sidecar;
  sidecar["input"] = {{"path", input.string()},
                      {"sha256", sha256_hex_of_file(input)},
                      {"width", image.rgb.cols},
                      {"height", image.rgb.rows}};
  sidecar["estimator"] = estimator.describe();
  sidecar["map"] = write_map(prediction, files.map, options.format);
  if (options.preview) sidecar["preview"] = write_preview(prediction, files.preview);
  sidecar["seconds"] = {{"estimate", estimate_seconds}, {"total", seconds_since(start)}};
  sidecar["tool"] = version_line();
  write_file_atomically(files.sidecar, sidecar.dump(2) + "\n");
  return sidecar;
}

BatchOutcome export_depth_maps(DepthEstimator& estimator, const std::vector<fs::path>& inputs,
                               const DepthExportOptions& options, const std::string& label) {
  BatchOutcome outcome(label);
  std::map<std::string, fs::path> claimed_stems;  // stem -> the input whose outputs carry it
  ProgressBar progress(label, inputs.size());
  for (const fs::path& input : inputs) {
    throw_if_interrupted();
    const auto [claim, fresh] = claimed_stems.emplace(input.stem().string(), input);
    const DepthExportFiles files = depth_export_files(input, options);
    if (!fresh) {
      outcome.failed(input.string(), concat("its outputs (", files.map.string(), ", ...) would replace those of ",
                                            claim->second.string(), ", which has the same file stem; rename one or "
                                            "run them into different folders"));
    } else if (!options.overwrite && all_exist(files)) {
      outcome.skipped();
    } else {
      try {
        export_depth_map(estimator, input, options);
        outcome.written();
      } catch (const Interrupted&) {
        throw;
      } catch (const std::exception& error) {
        // A bad image is listed and the batch goes on (docs/conventions.md#a-failed-cell-is-a-result-row).
        const std::string reason = error.what();
        outcome.failed(starts_with(reason, input.string()) ? "" : input.string(), reason);
      }
    }
    progress.advance();
  }
  progress.finish();
  return outcome;
}

}  // namespace depthstyle
