#include "depth/file_estimator.h"

#include "core/error.h"
#include "core/text.h"
#include "io/depth_map.h"

namespace depthstyle {
namespace {

namespace fs = std::filesystem;

const char* const kMapExtensions[] = {".pfm", ".png", ".npy", ".npz"};

fs::path image_key(const fs::path& images_root, const fs::path& image_path) {
  if (images_root.empty()) return image_path.is_absolute() ? image_path.filename() : image_path.lexically_normal();
  const fs::path relative =
      fs::absolute(image_path).lexically_normal().lexically_relative(fs::absolute(images_root).lexically_normal());
  if (relative.empty() || *relative.begin() == "..") {
    throw InputError(concat(image_path.string(), ": not inside images_root ", images_root.string(),
                            ", so it has no key among the precomputed maps"));
  }
  return relative;
}

class FileEstimator : public DepthEstimator {
 public:
  FileEstimator(const DepthEstimatorConfig& config, DepthMeaning meaning)
      : maps_folder_(config.path), images_root_(config.images_root), meaning_(meaning) {
    read_options_.png_scale = config.png_scale;
    read_options_.npz_key = config.npz_key;
  }

  DepthPrediction estimate(const DepthQuery& query) override {
    const std::vector<fs::path> candidates = precomputed_map_candidates(maps_folder_, images_root_, query.image_path);
    for (const fs::path& candidate : candidates) {
      if (fs::exists(candidate)) return {read_depth_map(candidate, read_options_), meaning_};
    }
    std::vector<std::string> tried;
    for (const fs::path& candidate : candidates) tried.push_back(candidate.string());
    throw InputError(concat(query.image_path.string(), ": no precomputed depth map; tried ", join(tried, ", ")));
  }
  bool needs_pixels() const override { return false; }
  nlohmann::json describe() const override {
    return {{"type", "file"},
            {"folder", maps_folder_.string()},
            {"images_root", images_root_.string()},
            {"meaning", to_string(meaning_)},
            {"png_scale", read_options_.png_scale},
            {"npz_key", read_options_.npz_key}};
  }

 private:
  fs::path maps_folder_;
  fs::path images_root_;
  DepthMeaning meaning_;
  DepthMapReadOptions read_options_;
};

}  // namespace

std::vector<fs::path> precomputed_map_candidates(const fs::path& maps_folder, const fs::path& images_root,
                                                 const fs::path& image_path) {
  if (image_path.empty()) throw UsageError("precomputed depth maps are found by image path, but none was given");
  const fs::path key = image_key(images_root, image_path);
  std::vector<fs::path> candidates;
  for (const char* extension : kMapExtensions) {
    fs::path name = key;
    name.replace_extension(extension);
    candidates.push_back(maps_folder / name);
  }
  return candidates;
}

std::unique_ptr<DepthEstimator> make_file_estimator(const DepthEstimatorConfig& config) {
  const std::string context = depth_estimator_context(config);
  if (config.path.empty()) throw UsageError(concat(context, ": set path to the folder of precomputed depth maps"));
  if (config.meaning.empty()) {
    throw UsageError(concat(context, ": set meaning (depth or proximity): a map file cannot tell which it holds"));
  }
  if (!fs::is_directory(config.path)) {
    throw InputError(concat(config.path, ": not a folder of precomputed depth maps (", context, ")"));
  }
  try {
    return std::make_unique<FileEstimator>(config, depth_meaning_from_string(config.meaning));
  } catch (const UsageError& error) {
    throw UsageError(concat(context, ": ", error.what()));
  }
}

}  // namespace depthstyle
